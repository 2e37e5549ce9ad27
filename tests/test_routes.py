"""
Every route of the networks' admin, for each role: the change form, deleting, the bulk actions (one
after the other too), the history and going back, import and export.

A permission that holds on one route must hold on all of them; the README's permission table is
checked against the table here.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import Feedback
from networks.models import Document, Membership, Network, NetworksPage, PendingChange, Theme
from networks.roles import ADMINISTRATORS, EDITORS

from .factories import (
    DocumentFactory,
    MembershipFactory,
    NetworkFactory,
    StaffFactory,
    ThemeFactory,
)
from .test_admin import network_form_data
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

VIEWER = "view-only staff"
ROLES = [EDITORS, ADMINISTRATORS, VIEWER]
CHANGELIST = "admin:networks_network_changelist"


def user_in(role):
    if role == VIEWER:
        return StaffFactory(
            permissions=Permission.objects.filter(
                content_type__app_label__in=["networks", "feedback"], codename__startswith="view_"
            )
        )
    return StaffFactory(groups=[role])


@pytest.fixture
def networks(admin_client):
    """A draft never published, a published network, and one taken back to draft."""
    draft = NetworkFactory(status=Network.Status.DRAFT, name_it="Bozza")
    published = NetworkFactory(status=Network.Status.PUBLISHED, name_it="Pubblicata")
    unpublished = NetworkFactory(status=Network.Status.PUBLISHED, name_it="Ritirata")
    admin_client.post(
        reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [unpublished.pk]}
    )
    for network in (draft, published, unpublished):
        # A version to go back to, under the name it had.
        admin_client.post(
            reverse("admin:networks_network_change", args=[network.pk]),
            change_form_data(Network.objects.get(pk=network.pk)),
        )
    return {"draft": draft, "published": published, "unpublished": unpublished}


def state(network):
    found = Network.objects.filter(pk=network.pk).first()
    return None if found is None else (found.name_it, found.status)


def bulk(client, action, *networks):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": action,
            "_selected_action": [network.pk for network in networks],
            "post": "yes",  # the delete action's confirmation
            "confirm": "1",  # the publish action's
        },
    )


def change(client, network, **changes):
    url = reverse("admin:networks_network_change", args=[network.pk])
    return client.post(url, change_form_data(Network.objects.get(pk=network.pk), **changes))


def go_back(client, network):
    earlier = Network.objects.get(pk=network.pk).history.last()
    url = reverse("admin:networks_network_simple_history", args=[network.pk, earlier.pk])
    return client.post(url)


def import_one_row(client):
    content = "slug,status,name_it,summary_it,description_it\nnuova,published,Nuova,Sintesi,Testo\n"
    return client.post(
        reverse("admin:networks_network_import"),
        {"format": "0", "import_file": SimpleUploadedFile("reti.csv", content.encode())},
    )


# What a role does, and whether it may: (README line, route, then for editors, administrators,
# view-only staff). A route is tried by `attempt`, which says whether it took effect.
ALLOWED, REFUSED = "yes", "no"
TABLE = [
    ("networks: see, add, change", "see the list", "yes", "yes", "yes"),
    ("networks: see, add, change", "add a network", "yes", "yes", "no"),
    ("networks: see, add, change", "rename a draft", "yes", "yes", "no"),
    ("change a published network at once", "rename a published network", "no", "yes", "no"),
    (
        "send changes to a published network for approval",
        "rename a published network for approval",
        "yes",
        "no",
        "no",
    ),
    ("publish a network (its state)", "publish from the change form", "no", "yes", "no"),
    ("publish a network (its state)", "publish with the bulk action", "no", "yes", "no"),
    ("publish a network (its state)", "unpublish with the bulk action", "no", "yes", "no"),
    ("publish a network (its state)", "publish a network in review", "no", "yes", "no"),
    ("publish a network (its state)", "schedule a publication", "no", "yes", "no"),
    ("send a network for review", "send a draft for review", "yes", "no", "no"),
    ("send a network for review", "send drafts for review in bulk", "yes", "no", "no"),
    ("send a network in review back, with a comment", "send back", "no", "yes", "no"),
    ("delete a draft network", "delete a draft", "yes", "yes", "no"),
    ("delete a draft network", "bulk delete a draft", "yes", "yes", "no"),
    ("delete a published network", "delete a published network", "no", "yes", "no"),
    ("delete a published network", "bulk delete a published network", "no", "yes", "no"),
    ("delete a published network", "delete a network taken back to draft", "no", "yes", "no"),
    ("delete a published network", "bulk unpublish, then bulk delete", "no", "yes", "no"),
    ("see a network's history and versions", "see the history", "yes", "yes", "yes"),
    ("go back to a version of a network", "go back to a version", "yes", "yes", "no"),
    (
        "go back to a version of a published network",
        "go back to a version of a published network",
        "no",
        "yes",
        "no",
    ),
    ("restore a network from the bin", "restore from the bin", "yes", "yes", "no"),
    ("empty the bin, or delete a network in it for good", "empty the bin", "no", "yes", "no"),
    ("empty the bin, or delete a network in it for good", "delete from the bin", "no", "yes", "no"),
    ("export the networks to a file (CSV, XLSX)", "export", "yes", "yes", "yes"),
    ("import networks from a file", "import", "yes", "yes", "no"),
    ("themes: see, add, change", "rename a theme", "yes", "yes", "no"),
    ("themes: see, add, change", "go back to a version of a theme", "yes", "yes", "no"),
    ("delete a theme", "bulk delete a theme", "no", "yes", "no"),
    ("memberships and documents: see, add, change, delete", "change a fee", "yes", "yes", "no"),
    (
        "a published network's memberships and documents, outside its form",
        "change a published network's fee",
        "no",
        "yes",
        "no",
    ),
    (
        "memberships and documents: see, add, change, delete",
        "bulk delete documents",
        "yes",
        "yes",
        "no",
    ),
    ("edit the networks page's texts", "go back to a version of the page", "yes", "yes", "no"),
    ("read page ratings", "read page ratings", "yes", "yes", "yes"),
    ("delete page ratings", "bulk delete page ratings", "no", "yes", "no"),
    ("users and groups", "add a user", "no", "yes", "no"),
]


def attempt(client, route, networks):
    """Try `route`; return whether it took effect (or, for pages, opened)."""
    draft, published, unpublished = (
        networks["draft"],
        networks["published"],
        networks["unpublished"],
    )
    if route == "see the list":
        return client.get(reverse(CHANGELIST)).status_code == 200
    if route == "add a network":
        client.get(reverse("admin:networks_network_add"))
        client.post(reverse("admin:networks_network_add"), network_form_data(slug="nuova"))
        return Network.objects.filter(slug="nuova").exists()
    if route == "rename a draft":
        change(client, draft, name_it="Nuovo nome")
        return state(draft)[0] == "Nuovo nome"
    if route == "rename a published network":
        change(client, published, name_it="Nuovo nome")
        return state(published)[0] == "Nuovo nome"
    if route == "rename a published network for approval":
        change(client, published, name_it="Nuovo nome")
        return PendingChange.objects.filter(network=published).exists()
    if route == "publish from the change form":
        change(client, draft, status="published", confirm_publish="on")
        return state(draft)[1] == "published"
    if route == "publish a network in review":
        Network.objects.filter(pk=draft.pk).update(status=Network.Status.REVIEW)
        change(client, draft, status="review", _publish="1", confirm_publish="on")
        return state(draft)[1] == "published"
    if route == "schedule a publication":
        change(client, published, publish_at_0="01/01/2100", publish_at_1="10:00")
        return Network.objects.get(pk=published.pk).publish_at is not None
    if route == "send a draft for review":
        change(client, draft, _submit_for_review="1")
        return state(draft)[1] == "review"
    if route == "send drafts for review in bulk":
        bulk(client, "submit_for_review", draft)
        return state(draft)[1] == "review"
    if route == "send back":
        Network.objects.filter(pk=draft.pk).update(status=Network.Status.REVIEW)
        url = reverse("admin:networks_network_send_back", args=[draft.pk])
        client.post(url, {"comment": "Manca la sintesi in inglese."})
        return state(draft)[1] == "draft"
    if route == "publish with the bulk action":
        bulk(client, "publish", draft)
        return state(draft)[1] == "published"
    if route == "unpublish with the bulk action":
        bulk(client, "unpublish", published)
        return state(published)[1] == "draft"
    if route == "delete a draft":
        client.post(reverse("admin:networks_network_delete", args=[draft.pk]), {"post": "yes"})
        return state(draft) is None
    if route == "bulk delete a draft":
        bulk(client, "delete_selected", draft)
        return state(draft) is None
    if route == "delete a published network":
        client.post(reverse("admin:networks_network_delete", args=[published.pk]), {"post": "yes"})
        return state(published) is None
    if route == "bulk delete a published network":
        bulk(client, "delete_selected", published)
        return state(published) is None
    if route == "delete a network taken back to draft":
        url = reverse("admin:networks_network_delete", args=[unpublished.pk])
        client.post(url, {"post": "yes"})
        return state(unpublished) is None
    if route == "bulk unpublish, then bulk delete":
        bulk(client, "unpublish", published)
        bulk(client, "delete_selected", published)
        return state(published) is None
    if route == "see the history":
        history = reverse("admin:networks_network_history", args=[published.pk])
        earlier = published.history.last()
        version = reverse("admin:networks_network_simple_history", args=[published.pk, earlier.pk])
        return client.get(history).status_code == 200 and client.get(version).status_code == 200
    if route == "go back to a version":
        Network.objects.filter(pk=unpublished.pk).update(name_it="Cambiato")
        go_back(client, unpublished)
        return state(unpublished)[0] == "Ritirata"
    if route == "go back to a version of a published network":
        Network.objects.filter(pk=published.pk).update(name_it="Cambiato")
        go_back(client, published)
        return state(published)[0] == "Pubblicata"
    if route in ("restore from the bin", "empty the bin", "delete from the bin"):
        Network.objects.get(pk=draft.pk).delete()
        if route == "restore from the bin":
            client.post(reverse("admin:networks_network_bin_restore", args=[draft.pk]))
            return state(draft) is not None
        url = reverse("admin:networks_network_bin_empty")
        if route == "delete from the bin":
            url = reverse("admin:networks_network_bin_delete", args=[draft.pk])
        client.get(url)
        client.post(url)
        return not Network.history.filter(id=draft.pk).exists()
    if route == "export":
        page = client.get(reverse("admin:networks_network_export"))
        exported = client.post(reverse("admin:networks_network_export"), {"format": "0"})
        return page.status_code == 200 and exported.status_code == 200
    if route == "import":
        opened = client.get(reverse("admin:networks_network_import")).status_code == 200
        return opened and import_one_row(client).status_code == 200
    return attempt_on_other_content(client, route, published)


def go_back_to_the_first_version(client, obj, **posted):
    opts = obj._meta
    earlier = obj.history.last()
    url = reverse(f"admin:networks_{opts.model_name}_simple_history", args=[obj.pk, earlier.pk])
    client.post(url, posted)


def attempt_on_other_content(client, route, network):
    """Try a route of the themes, memberships, documents, page texts, ratings or users."""
    if route in ("rename a theme", "go back to a version of a theme", "bulk delete a theme"):
        theme = ThemeFactory(name_it="Giovani")
        if route == "rename a theme":
            url = reverse("admin:networks_theme_change", args=[theme.pk])
            client.post(url, {"name_it": "Gioventù", "slug": theme.slug, "position": "1"})
            return Theme.objects.get(pk=theme.pk).name_it == "Gioventù"
        if route == "bulk delete a theme":
            changelist = reverse("admin:networks_theme_changelist")
            client.post(
                changelist,
                {"action": "delete_selected", "_selected_action": [theme.pk], "post": "yes"},
            )
            return not Theme.objects.filter(pk=theme.pk).exists()
        Theme.objects.filter(pk=theme.pk).update(name_it="Cambiato")
        go_back_to_the_first_version(client, theme, name_it="Giovani", slug=theme.slug, position=1)
        return Theme.objects.get(pk=theme.pk).name_it == "Giovani"
    if route in ("change a fee", "change a published network's fee", "bulk delete documents"):
        # A draft's but for the published network's route: its changes go through its form.
        published = route == "change a published network's fee"
        network = network if published else NetworkFactory(status=Network.Status.DRAFT)
    if route in ("change a fee", "change a published network's fee"):
        membership = MembershipFactory(network=network, annual_fee="100.00")
        url = reverse("admin:networks_membership_change", args=[membership.pk])
        client.post(url, {"network": network.pk, "joined_year": "2010", "annual_fee": "250.00"})
        return str(Membership.objects.get(pk=membership.pk).annual_fee) == "250.00"
    if route == "bulk delete documents":
        document = DocumentFactory(network=network)
        client.post(
            reverse("admin:networks_document_changelist"),
            {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
        )
        return not Document.objects.filter(pk=document.pk).exists()
    if route == "go back to a version of the page":
        page = NetworksPage.load()
        title = str(page.title_it)  # load() may hand back the lazily translated default
        NetworksPage.objects.update(title_it="Cambiato")
        go_back_to_the_first_version(client, page, title_it=title)
        return NetworksPage.objects.get().title_it == title
    if route in ("read page ratings", "bulk delete page ratings"):
        rating = Feedback.objects.create(path="/it/reti/", language="it", rating=2)
        changelist = reverse("admin:feedback_feedback_changelist")
        if route == "read page ratings":
            return client.get(changelist).status_code == 200
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [rating.pk], "post": "yes"},
        )
        return not Feedback.objects.filter(pk=rating.pk).exists()
    if route == "add a user":
        password = "a-long-and-unusual-password-1"
        client.post(
            reverse("admin:auth_user_add"),
            {"username": "nuovo", "password1": password, "password2": password},
        )
        return User.objects.filter(username="nuovo").exists()
    raise AssertionError(f"no such route: {route}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("line", "route", "editor", "administrator", "viewer"), TABLE)
def test_every_route_of_every_role(
    client, networks, role, line, route, editor, administrator, viewer
):
    client.force_login(user_in(role))
    expected = {EDITORS: editor, ADMINISTRATORS: administrator, VIEWER: viewer}[role]
    took_effect = attempt(client, route, networks)
    assert took_effect == (expected == ALLOWED), f"{role}: {route}"


def readme_permission_table():
    """Return the README's permission table: {what: (editors, administrators)}."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Roles", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \| (yes|no) \| (yes|no) \|$", section, re.MULTILINE)
    return {what: (editors, administrators) for what, editors, administrators in rows}


def test_the_readme_permission_table_says_what_the_routes_do():
    table = readme_permission_table()
    for line, route, editor, administrator, _viewer in TABLE:
        assert table.get(line) == (editor, administrator), f"README line “{line}” ({route})"
