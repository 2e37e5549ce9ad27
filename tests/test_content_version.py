"""The content version moves once per change the office makes, however many rows it writes."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from networks import cache as page_cache
from networks.models import Network

from .factories import MembershipFactory, NetworkFactory, ThemeFactory
from .test_history import change_form_data
from .test_uploads import PDF, document_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def touches():
    with mock.patch.object(
        page_cache, "content_changed", wraps=page_cache.content_changed
    ) as touch:
        yield touch


def test_a_save_with_themes_a_membership_and_a_document_moves_it_once(admin_client, touches):
    network = NetworkFactory(themes=[ThemeFactory()])
    membership = MembershipFactory(network=network)
    data = change_form_data(network, themes=[ThemeFactory().pk], summary_it="Nuova sintesi")
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-network": str(network.pk),
            "memberships-0-joined_year": "2011",
            "documents-TOTAL_FORMS": "1",
            **document_row(0, PDF),
        }
    )
    touches.reset_mock()
    response = admin_client.post(reverse("admin:networks_network_change", args=[network.pk]), data)
    assert response.status_code == 302
    assert touches.call_count == 1


def test_a_bulk_action_over_several_networks_moves_it_once(admin_client, touches):
    drafts = [NetworkFactory(status=Network.Status.DRAFT) for _index in range(3)]
    touches.reset_mock()
    admin_client.post(
        reverse("admin:networks_network_changelist"),
        {
            "action": "publish",
            "_selected_action": [network.pk for network in drafts],
            "confirm": "1",
        },
    )
    assert Network.objects.published().count() == 3
    assert touches.call_count == 1


def test_a_request_that_writes_nothing_leaves_it(admin_client, touches):
    network = NetworkFactory()
    touches.reset_mock()
    admin_client.get(reverse("admin:networks_network_change", args=[network.pk]))
    admin_client.post(reverse("admin:networks_network_changelist"), {"action": ""})
    assert touches.call_count == 0


def test_a_save_outside_a_request_still_moves_it(touches):
    network = NetworkFactory()
    touches.reset_mock()
    network.save()
    assert touches.call_count == 1


def test_the_page_shows_the_change_after_the_save(client, admin_client):
    network = NetworkFactory(summary_it="Sintesi di prima")
    assert "Sintesi di prima" in client.get(network.get_absolute_url()).content.decode()
    admin_client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        change_form_data(network, summary_it="Sintesi dopo"),
    )
    assert "Sintesi dopo" in client.get(network.get_absolute_url()).content.decode()


def listed(client):
    """Return the list page as a visitor gets it (from the page cache once it is there)."""
    return client.get("/it/reti/").content.decode()


def restore_a_backup_with(name, tmp_path):
    NetworkFactory(name_it=name)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    Network.objects.all().delete()
    return lambda: call_command("restore", str(archive), verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("command", "shows"),
    [
        (lambda tmp_path: lambda: call_command("loaddata", "demo", verbosity=0), "Eurodesk"),
        (lambda tmp_path: lambda: call_command("load_demo_content", verbosity=0), "Eurodesk"),
        (
            lambda tmp_path: lambda: call_command("populate_synthetic", networks=3, verbosity=0),
            "Adriatic",
        ),
        (lambda tmp_path: restore_a_backup_with("Rete da ripristinare", tmp_path), "ripristinare"),
    ],
    ids=["loaddata", "load_demo_content", "populate_synthetic", "restore"],
)
def test_every_command_that_writes_content_shows_on_pages_cached_before(
    client, tmp_path, command, shows
):
    run = command(tmp_path)
    before = listed(client)
    assert shows not in before
    assert listed(client) == before  # now from the page cache
    run()
    assert shows in listed(client)
