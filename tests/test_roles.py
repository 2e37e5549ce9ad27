"""The office's roles: each line of the README's permission table, through the real admin."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from feedback.models import Feedback
from identity.models import Administration
from networks.models import Network, NetworksPage
from networks.roles import ADMINISTRATORS, EDITORS

from .factories import (
    DocumentFactory,
    MembershipFactory,
    NetworkFactory,
    StaffFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[EDITORS, ADMINISTRATORS])
def role(request):
    return request.param


@pytest.fixture
def objects():
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    draft = NetworkFactory(status=Network.Status.DRAFT)
    return {
        "network": network,
        "draft": draft,
        "theme": ThemeFactory(),
        # A draft's: a published network's change through its form (tests/test_pending_changes.py).
        "membership": MembershipFactory(network=draft),
        "document": DocumentFactory(network=draft),
        "published membership": MembershipFactory(network=network),
        "published document": DocumentFactory(network=network),
        "networkspage": NetworksPage.load(),
        "administration": Administration.load(),
        "feedback": Feedback.objects.create(path="/it/reti/", language="it", rating=4),
        "user": User.objects.create_user("someone"),
        "group": Group.objects.get(name=EDITORS),
    }


# (what, object key, admin URL name, expected status for editors, for administrators)
TABLE = [
    ("list networks", "network", "changelist", 200, 200),
    ("add a network", "network", "add", 200, 200),
    ("change a network", "network", "change", 200, 200),
    ("delete a draft network", "draft", "delete", 200, 200),
    ("delete a published network", "network", "delete", 403, 200),
    ("export the networks to a file", "network", "export", 200, 200),
    ("import networks from a file", "network", "import", 200, 200),
    ("add a theme", "theme", "add", 200, 200),
    ("change a theme", "theme", "change", 200, 200),
    ("delete a theme", "theme", "delete", 403, 200),
    ("add a membership", "membership", "add", 200, 200),
    ("change a membership", "membership", "change", 200, 200),
    ("delete a membership", "membership", "delete", 200, 200),
    ("add a document", "document", "add", 200, 200),
    ("change a document", "document", "change", 200, 200),
    ("delete a document", "document", "delete", 200, 200),
    ("delete a published network's membership", "published membership", "delete", 403, 200),
    ("delete a published network's document", "published document", "delete", 403, 200),
    ("edit the networks page", "networkspage", "change", 200, 200),
    ("edit the administration's name, codes and addresses", "administration", "change", 403, 200),
    ("read page ratings", "feedback", "changelist", 200, 200),
    ("delete page ratings", "feedback", "delete", 403, 200),
    ("list users", "user", "changelist", 403, 200),
    ("change a user", "user", "change", 403, 200),
    ("add a user", "user", "add", 403, 200),
    ("change a group", "group", "change", 403, 200),
]


def admin_url(obj, action):
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{action}"
    if action in ("changelist", "add", "export", "import"):
        return reverse(name)
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize(("what", "key", "action", "for_editors", "for_administrators"), TABLE)
def test_permission_table(
    client, objects, role, what, key, action, for_editors, for_administrators
):
    client.force_login(StaffFactory(groups=[role]))
    expected = for_editors if role == EDITORS else for_administrators
    assert client.get(admin_url(objects[key], action)).status_code == expected, what


def test_change_form_of_a_draft_offers_editors_the_review_and_administrators_the_state(
    client, objects, editor, administrator
):
    client.force_login(editor)
    form = client.get(admin_url(objects["draft"], "change")).content.decode()
    assert 'name="_submit_for_review"' in form
    assert 'name="status"' not in form
    client.force_login(administrator)
    form = client.get(admin_url(objects["draft"], "change")).content.decode()
    assert 'name="_submit_for_review"' not in form
    assert 'name="status"' in form


def test_staff_without_the_publish_permission_cannot_publish(client, objects, intern):
    client.force_login(intern)
    response = client.get(admin_url(objects["draft"], "change"))
    assert 'name="status"' not in response.content.decode()


def test_editors_cannot_bulk_delete_published_networks(client, objects, editor):
    client.force_login(editor)
    network = objects["network"]
    response = client.post(
        reverse("admin:networks_network_changelist"),
        {"action": "delete_selected", "_selected_action": [network.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Network.objects.filter(pk=network.pk).exists()


def test_editors_can_delete_a_draft(client, objects, editor):
    client.force_login(editor)
    draft = objects["draft"]
    response = client.post(admin_url(draft, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Network.objects.filter(pk=draft.pk).exists()


def test_administrators_can_delete_a_published_network(client, objects, administrator):
    client.force_login(administrator)
    network = objects["network"]
    response = client.post(admin_url(network, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Network.objects.filter(pk=network.pk).exists()


def test_deleting_a_network_leaves_no_search_document_behind(client, objects, administrator):
    client.force_login(administrator)
    network = objects["network"]
    client.post(admin_url(network, "delete"), {"post": "yes"})
    assert not network.search_documents.exists()
