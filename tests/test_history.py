"""Every change to the content is kept with who, when and which fields, and can be reverted."""

import pytest
from django.urls import reverse

from networks.models import Network

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_admin import inline_management_data

pytestmark = pytest.mark.django_db


def change_form_data(network, **changes):
    """Return the admin change form of `network` as a browser would post it, with `changes`."""
    data = {
        "name_it": network.name_it,
        "name_en": network.name_en,
        "slug": network.slug,
        "acronym": network.acronym,
        "status": network.status,
        "summary_it": network.summary_it,
        "summary_en": network.summary_en,
        "description_it": network.description_it,
        "description_en": network.description_en,
        "scope": network.scope,
        "website": network.website,
        "themes": [theme.pk for theme in network.themes.all()],
        **inline_management_data("memberships"),
        **inline_management_data("documents"),
    }
    data.update(changes)
    return data


@pytest.fixture
def network(admin_client):
    network = NetworkFactory(name_it="Energy Cities", summary_en="Old summary")
    admin_client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        change_form_data(network, summary_en="New summary"),
    )
    return Network.objects.get(pk=network.pk)


def test_an_edit_is_kept_with_who_and_which_fields(admin_client, admin_user, network):
    latest = network.history.first()
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert delta.changed_fields == ["summary_en"]
    page = admin_client.get(reverse("admin:networks_network_history", args=[network.pk]))
    content = page.content.decode()
    assert "Old summary" in content and "New summary" in content


def test_a_network_can_be_reverted_to_an_earlier_version(admin_client, network):
    earlier = network.history.last()
    form_url = reverse("admin:networks_network_simple_history", args=[network.pk, earlier.pk])
    assert admin_client.get(form_url).status_code == 200
    response = admin_client.post(form_url, change_form_data(network, summary_en=earlier.summary_en))
    assert response.status_code == 302
    reverted = Network.objects.get(pk=network.pk)
    assert reverted.summary_en == "Old summary"
    assert reverted.name == "Energy Cities"


def test_theme_changes_of_a_network_are_kept(admin_client):
    network = NetworkFactory()
    theme = ThemeFactory()
    admin_client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        change_form_data(network, themes=[theme.pk]),
    )
    latest = network.history.first()
    assert [row.theme_id for row in latest.themes.all()] == [theme.pk]


@pytest.mark.parametrize(
    "make",
    [ThemeFactory, MembershipFactory, DocumentFactory],
    ids=["theme", "membership", "document"],
)
def test_themes_memberships_and_documents_keep_history(admin_client, make):
    obj = make()
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert obj.history.count() == 1
