"""The bin: a deleted network leaves every public output, waits whole, comes back in one click."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from networks.models import Network

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_uploads import files_in, image_bytes, upload_logo

pytestmark = pytest.mark.django_db

BIN = reverse("admin:networks_network_bin")
EMPTY = reverse("admin:networks_network_bin_empty")


def restore_url(network_id):
    return reverse("admin:networks_network_bin_restore", args=[network_id])


def delete(client, network):
    url = reverse("admin:networks_network_delete", args=[network.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


@pytest.fixture
def network(admin_client):
    network = NetworkFactory(
        name_it="Città educative", slug="citta-educative", themes=[ThemeFactory()]
    )
    upload_logo(admin_client, network, "logo.png", image_bytes())
    MembershipFactory(network=network, joined_year=1998, department="Istruzione")
    DocumentFactory(network=network, title_it="Carta delle città educative")
    return Network.objects.get(pk=network.pk)


def public_outputs(client):
    return "".join(
        client.get(url).content.decode()
        for url in [
            "/it/reti/",
            "/it/reti/?q=educative",
            "/opendata/networks.csv",
            "/opendata/networks.json",
            "/it/reti/feed/",
            "/sitemap-networks.xml",
        ]
    )


def test_a_deleted_network_leaves_the_site_and_waits_in_the_bin(client, admin_client, network):
    assert "Città educative" in public_outputs(client)
    delete(admin_client, network)
    assert "Città educative" not in public_outputs(client)
    assert client.get("/it/reti/citta-educative/").status_code == 404

    page = admin_client.get(BIN).content.decode()
    assert "Città educative" in page
    assert (
        "Cestino (1 rete)"
        in admin_client.get(reverse("admin:networks_network_changelist")).content.decode()
    )


def test_the_delete_page_says_the_network_goes_into_the_bin(admin_client, network):
    page = admin_client.get(reverse("admin:networks_network_delete", args=[network.pk]))
    assert "va nel cestino" in page.content.decode()
    url = reverse("admin:networks_network_delete", args=[network.pk])
    after = admin_client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert f'Le reti eliminate aspettano nel <a href="{BIN}">cestino</a>' in after


def test_restoring_brings_the_network_back_as_it_was(client, admin_client, network):
    logo = network.logo.name
    delete(admin_client, network)
    response = admin_client.post(restore_url(network.pk), follow=True)
    assert "è tornata dal cestino" in response.content.decode()

    restored = Network.objects.get(pk=network.pk)
    assert restored.status == Network.Status.PUBLISHED
    assert restored.logo.name == logo and restored.logo.storage.exists(logo)
    assert restored.themes.count() == 1
    assert restored.memberships.get().department == "Istruzione"
    assert restored.documents.get().title_it == "Carta delle città educative"
    assert "Città educative" in public_outputs(client)
    assert "Città educative" not in admin_client.get(BIN).content.decode()


def test_editors_restore_in_one_click(client, admin_client, network, editor):
    delete(admin_client, network)
    client.force_login(editor)
    assert client.post(restore_url(network.pk)).status_code == 302
    assert Network.objects.filter(pk=network.pk).exists()


def test_restoring_needs_the_permissions_to_add(client, admin_client, viewer, network):
    delete(admin_client, network)
    client.force_login(viewer)
    page = client.get(BIN).content.decode()
    assert "Città educative" in page and ">Ripristina</button>" not in page
    assert client.post(restore_url(network.pk)).status_code == 403
    assert not Network.objects.filter(pk=network.pk).exists()


def test_a_network_whose_address_was_taken_meanwhile_is_not_restored(admin_client, network):
    delete(admin_client, network)
    NetworkFactory(slug="citta-educative", name_it="Un'altra rete")
    response = admin_client.post(restore_url(network.pk), follow=True)
    assert "indirizzo della pagina" in response.content.decode()
    assert not Network.objects.filter(pk=network.pk).exists()


@pytest.mark.parametrize("url", [EMPTY, "delete"])
def test_editors_cannot_empty_the_bin_or_delete_from_it(client, admin_client, network, url, editor):
    delete(admin_client, network)
    if url == "delete":
        url = reverse("admin:networks_network_bin_delete", args=[network.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Network.history.filter(id=network.pk).exists()
    assert "Svuota il cestino" not in client.get(BIN).content.decode()


def test_administrators_empty_the_bin_after_a_confirmation_naming_what_goes(
    client, admin_client, administrator, settings, network, django_capture_on_commit_callbacks
):
    kept = NetworkFactory()
    upload_logo(admin_client, kept, "kept.png", image_bytes(size=(30, 30)))
    delete(admin_client, network)
    client.force_login(administrator)

    confirmation = client.get(EMPTY).content.decode()
    assert "Città educative" in confirmation and kept.name_it not in confirmation
    assert Network.history.filter(id=network.pk).exists(), "asking changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(EMPTY).status_code == 302
    assert not Network.history.filter(id=network.pk).exists()
    assert "Il cestino è vuoto." in client.get(BIN).content.decode()
    assert files_in(settings.PRIVATE_MEDIA_ROOT) == []
    stored = files_in(settings.MEDIA_ROOT)
    assert stored and all(
        Network.objects.get(pk=kept.pk).logo.name[15:-4] in name for name in stored
    )


def test_administrators_delete_one_network_of_the_bin_for_good(
    client, admin_client, network, administrator
):
    other = NetworkFactory(name_it="Altra rete")
    delete(admin_client, network)
    delete(admin_client, other)
    client.force_login(administrator)
    url = reverse("admin:networks_network_bin_delete", args=[network.pk])
    assert "Città educative" in client.get(url).content.decode()
    client.post(url)
    page = client.get(BIN).content.decode()
    assert "Città educative" not in page and "Altra rete" in page


def test_the_bin_dates_each_deletion_in_the_site_s_time_zone(admin_client, network):
    delete(admin_client, network)
    records = Network.history.filter(id=network.pk)
    # Move the whole history back, keeping its order: the deletion stays the latest record.
    records.update(history_date=F("history_date") - datetime.timedelta(days=330))
    deleted_at = records.get(history_type="-").history_date
    shown = date_format(timezone.localtime(deleted_at), "SHORT_DATETIME_FORMAT")
    assert timezone.localtime(deleted_at).utcoffset() != datetime.timedelta(0)
    assert shown in admin_client.get(BIN).content.decode()
