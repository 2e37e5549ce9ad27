"""A network's versions: one per save, whole (themes, memberships, documents, logo); going back."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.models import Document, Membership, Network, Theme
from networks.roles import ADMINISTRATORS, EDITORS

from .factories import (
    DocumentFactory,
    MembershipFactory,
    NetworkFactory,
    StaffFactory,
    ThemeFactory,
)
from .test_admin import inline_management_data, network_form_data
from .test_history import change_form_data
from .test_uploads import PDF, image_bytes, upload_logo

pytestmark = pytest.mark.django_db


def version_url(network, record):
    return reverse("admin:networks_network_simple_history", args=[network.pk, record.pk])


def membership_form(membership, **changes):
    prefix = "memberships-0"
    data = {
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        f"{prefix}-id": str(membership.pk),
        f"{prefix}-network": str(membership.network_id),
        f"{prefix}-joined_year": str(membership.joined_year),
        f"{prefix}-left_year": "",
        f"{prefix}-sector_it": membership.sector_it or "",
        f"{prefix}-sector_en": membership.sector_en or "",
        f"{prefix}-department": membership.department,
    }
    data.update({f"{prefix}-{name}": value for name, value in changes.items()})
    return data


def save(client, network, **changes):
    response = client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        change_form_data(Network.objects.get(pk=network.pk), **changes),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


class TestOneVersionPerSave:
    def test_creating_a_network_with_themes_and_a_membership_is_one_version(self, admin_client):
        theme = ThemeFactory()
        data = network_form_data(
            themes=[theme.pk],
            **inline_management_data("memberships", total=1),
            **{"memberships-0-joined_year": "2005"},
        )
        assert admin_client.post(reverse("admin:networks_network_add"), data).status_code == 302
        network = Network.objects.get()
        assert network.history.count() == 1
        version = network.history.get()
        assert [row.theme_id for row in version.themes.all()] == [theme.pk]

    def test_a_save_changing_themes_is_one_version(self, admin_client):
        network = NetworkFactory(themes=[ThemeFactory()])
        before = network.history.count()
        save(admin_client, network, themes=[ThemeFactory().pk])
        assert network.history.count() == before + 1


class TestGoingBack:
    def test_a_save_of_texts_and_a_membership_comes_back_whole(self, admin_client):
        network = NetworkFactory(summary_it="Sintesi di prima")
        membership = MembershipFactory(network=network, sector_it="Arti digitali")
        save(admin_client, network)
        earlier = network.history.first()
        save(
            admin_client,
            network,
            summary_it="Sintesi nuova",
            **membership_form(membership, sector_it="Media Arts", department="Cultura"),
        )
        assert Membership.objects.get().sector_it == "Media Arts"

        response = admin_client.post(version_url(network, earlier))
        assert response.status_code == 302
        network.refresh_from_db()
        assert network.summary_it == "Sintesi di prima"
        membership.refresh_from_db()
        assert (membership.sector_it, membership.department) == ("Arti digitali", "")

    def test_the_version_page_shows_what_comes_back(self, admin_client):
        network = NetworkFactory(summary_it="Sintesi di prima", status=Network.Status.PUBLISHED)
        MembershipFactory(network=network, joined_year=2004, sector_it="Arti digitali")
        DocumentFactory(network=network, title_it="Statuto della rete")
        save(admin_client, network)
        page = admin_client.get(version_url(network, network.history.first()))
        content = page.content.decode()
        assert "Torna a questa versione" in content
        for text in ["Sintesi di prima", "Arti digitali", "2004", "Statuto della rete"]:
            assert text in content
        assert "Pubblicata" in content and ">published<" not in content

    def test_themes_come_back(self, admin_client):
        first, second = ThemeFactory(), ThemeFactory()
        network = NetworkFactory(themes=[first])
        save(admin_client, network)
        earlier = network.history.first()
        save(admin_client, network, themes=[second.pk])
        admin_client.post(version_url(network, earlier))
        assert list(network.themes.all()) == [first]

    def test_a_replaced_logo_comes_back(self, admin_client):
        network = NetworkFactory()
        upload_logo(admin_client, network, "first.png", image_bytes(size=(80, 40)))
        earlier = network.history.first()
        first_logo = earlier.logo
        upload_logo(admin_client, network, "second.png", image_bytes(size=(50, 50)))

        response = admin_client.post(version_url(network, earlier))
        assert response.status_code == 302
        network.refresh_from_db()
        assert network.logo.name == first_logo
        assert network.logo.storage.exists(network.logo.name)
        assert admin_client.get(network.get_absolute_url()).status_code == 200

    def test_a_logo_gone_from_the_disk_does_not_stop_going_back(self, admin_client):
        network = NetworkFactory(summary_it="Sintesi di prima")
        upload_logo(admin_client, network, "first.png", image_bytes())
        earlier = Network.objects.get(pk=network.pk).history.first()
        save(admin_client, network, summary_it="Sintesi nuova", **{"logo-clear": "on"})
        network.refresh_from_db()
        earlier.instance.logo.storage.delete(earlier.logo)

        response = admin_client.post(version_url(network, earlier), follow=True)
        assert response.status_code == 200
        network.refresh_from_db()
        assert network.summary_it == "Sintesi di prima"
        assert not network.logo
        assert "Il logo di quella versione non è più" in response.content.decode()

    def test_a_network_whose_logo_file_is_gone_can_still_be_edited(self, admin_client):
        network = NetworkFactory()
        upload_logo(admin_client, network, "first.png", image_bytes())
        network.refresh_from_db()
        network.logo.storage.delete(network.logo.name)
        save(admin_client, network, summary_it="Sintesi corretta")
        network.refresh_from_db()
        assert network.summary_it == "Sintesi corretta"

    def test_a_deleted_network_comes_back_with_its_memberships_documents_and_logo(
        self, admin_client
    ):
        network = NetworkFactory(themes=[ThemeFactory()])
        upload_logo(admin_client, network, "first.png", image_bytes())
        MembershipFactory(network=network, joined_year=2001, department="Cultura")
        document = DocumentFactory(network=network)
        data = change_form_data(Network.objects.get(pk=network.pk))
        data.update(
            {
                "documents-TOTAL_FORMS": "1",
                "documents-INITIAL_FORMS": "1",
                "documents-0-id": str(document.pk),
                "documents-0-network": str(network.pk),
                "documents-0-title_it": "Statuto aggiornato",
                "documents-0-language": "it",
                "documents-0-is_public": "on",
            }
        )
        admin_client.post(reverse("admin:networks_network_change", args=[network.pk]), data)
        last = Network.objects.get(pk=network.pk).history.first()
        logo = last.logo
        admin_client.post(
            reverse("admin:networks_network_delete", args=[network.pk]), {"post": "yes"}
        )
        assert not Network.objects.filter(pk=network.pk).exists()

        response = admin_client.post(version_url(network, last))
        assert response.status_code == 302
        restored = Network.objects.get(pk=network.pk)
        assert restored.logo.name == logo and restored.logo.storage.exists(logo)
        assert restored.themes.count() == 1
        assert restored.memberships.get().department == "Cultura"
        restored_document = restored.documents.get()
        assert restored_document.title_it == "Statuto aggiornato"
        assert restored_document.file.storage.exists(restored_document.file.name)

    def test_going_back_is_itself_a_version(self, admin_client):
        network = NetworkFactory(summary_it="Prima")
        save(admin_client, network)
        earlier = network.history.first()
        save(admin_client, network, summary_it="Dopo")
        count = network.history.count()
        admin_client.post(version_url(network, earlier))
        assert network.history.count() == count + 1
        assert network.history.first().summary_it == "Prima"


class TestGoingBackNeedsItsPermissions:
    @pytest.fixture
    def network(self, admin_client):
        network = NetworkFactory(name_it="Energy Cities", status=Network.Status.PUBLISHED)
        save(admin_client, network)
        save(admin_client, network, name_it="Energy Cities 2030")
        return Network.objects.get(pk=network.pk)

    def test_who_may_only_look_sees_the_version_and_cannot_go_back(self, client, network):
        client.force_login(StaffFactory(permissions=["view_network"]))
        earlier = network.history.last()
        page = client.get(version_url(network, earlier))
        assert page.status_code == 200
        assert "Torna a questa versione" not in page.content.decode()
        assert client.post(version_url(network, earlier)).status_code == 403
        network.refresh_from_db()
        assert network.name_it == "Energy Cities 2030"

    def test_going_back_to_a_published_version_needs_the_permission_to_publish(
        self, client, admin_client, intern, network
    ):
        published = network.history.first()
        save(admin_client, network, status="draft")
        client.force_login(intern)
        response = client.post(version_url(network, published), follow=True)
        assert response.status_code == 200
        network.refresh_from_db()
        assert network.status == Network.Status.DRAFT
        assert network.name_it == "Energy Cities 2030"

    @pytest.mark.parametrize("role", [EDITORS, ADMINISTRATORS])
    def test_the_roles_may_go_back(self, client, network, role):
        # A draft: editors go back on a published network by no route (its changes go through
        # review, tests/test_routes.py).
        Network.objects.filter(pk=network.pk).update(status=Network.Status.DRAFT)
        client.force_login(StaffFactory(groups=[role]))
        earlier = network.history.last()
        assert client.post(version_url(network, earlier)).status_code == 302
        network.refresh_from_db()
        assert network.name_it == "Energy Cities"

    @pytest.mark.parametrize(
        ("model", "make"),
        [(Theme, ThemeFactory), (Membership, MembershipFactory), (Document, DocumentFactory)],
    )
    def test_the_revert_form_of_other_content_needs_the_change_permission(
        self, client, model, make
    ):
        obj = make()
        opts = model._meta
        client.force_login(StaffFactory(permissions=[f"view_{opts.model_name}"]))
        url = reverse(
            f"admin:networks_{opts.model_name}_simple_history",
            args=[obj.pk, obj.history.first().pk],
        )
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 403


def test_the_revert_form_of_a_theme_shows_the_version_s_italian_name(admin_client):
    theme = ThemeFactory(name_it="Giovani")
    earlier = theme.history.first()
    theme.name_it = "Gioventù"
    theme.save()
    url = reverse("admin:networks_theme_simple_history", args=[theme.pk, earlier.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["name_it"] == "Giovani"


def test_an_internal_document_s_file_is_not_uploaded_twice(admin_client):
    # Going back does not copy files: the version refers to the stored one.
    network = NetworkFactory()
    DocumentFactory(network=network, file=SimpleUploadedFile("a.pdf", PDF))
    save(admin_client, network)
    earlier = network.history.first()
    stored = Document.objects.get().file.name
    admin_client.post(version_url(network, earlier))
    assert Document.objects.get().file.name == stored


def test_a_version_written_before_the_memberships_of_its_save_still_has_them(admin_client):
    # The admin wrote versions so until now: first the network's, then its memberships'.
    network = NetworkFactory(summary_it="Sintesi di prima")
    MembershipFactory(network=network, joined_year=2003, sector_it="Arti digitali")
    earlier = network.history.first()
    assert not earlier.whole
    network.summary_it = "Sintesi nuova"
    network.save()
    network.memberships.update(sector_it="Media Arts")

    admin_client.post(version_url(network, earlier))
    assert Membership.objects.get().sector_it == "Arti digitali"
    assert Network.objects.get().summary_it == "Sintesi di prima"


def test_version_dates_are_shown_in_the_site_s_time_zone(admin_client, settings):
    network = NetworkFactory()
    record = network.history.first()
    network.history.filter(pk=record.pk).update(
        history_date=datetime.datetime(2026, 7, 1, 10, 30, tzinfo=datetime.UTC)
    )
    page = admin_client.get(version_url(network, record)).content.decode()
    assert "01/07/2026 12:30" in page  # Rome is two hours ahead in summer


class TestTheHistoryPage:
    def history(self, client, network):
        url = reverse("admin:networks_network_history", args=[network.pk])
        return client.get(url).content.decode()

    def test_a_save_s_membership_changes_show_in_its_entry(self, admin_client):
        network = NetworkFactory()
        membership = MembershipFactory(network=network, joined_year=2010, sector_it="Arti")
        save(admin_client, network)
        save(admin_client, network, **membership_form(membership, sector_it="Media Arts"))
        page = self.history(admin_client, network)
        assert "Adesione 2010–: Settore o ruolo [it]" in page
        assert "Arti" in page and "Media Arts" in page

    def test_internal_fields_show_only_to_those_who_may_see_memberships(self, client, admin_client):
        network = NetworkFactory()
        membership = MembershipFactory(network=network, department="Cultura")
        save(admin_client, network)
        save(admin_client, network, **membership_form(membership, department="Turismo"))
        assert "Turismo" in self.history(admin_client, network)
        client.force_login(StaffFactory(permissions=["view_network"]))
        page = self.history(client, network)
        assert "Turismo" not in page and "Cultura" not in page

    def test_creating_a_network_is_one_entry_listing_its_membership(self, admin_client):
        data = network_form_data(
            **inline_management_data("memberships", total=1),
            **{"memberships-0-joined_year": "2005"},
        )
        admin_client.post(reverse("admin:networks_network_add"), data)
        network = Network.objects.get()
        assert network.history.count() == 1
        save(admin_client, network, summary_it="Nuova sintesi")
        assert "Adesione 2005–" in self.history(admin_client, network)


def test_a_save_that_changes_nothing_records_no_change_of_texts(admin_client):
    # Browsers send text areas' line breaks as CR LF; the content has LF.
    network = NetworkFactory(description_it="Primo paragrafo.\n\nSecondo paragrafo.")
    save(admin_client, network, description_it="Primo paragrafo.\r\n\r\nSecondo paragrafo.")
    network.refresh_from_db()
    assert network.description_it == "Primo paragrafo.\n\nSecondo paragrafo."
    latest = network.history.first()
    assert latest.diff_against(latest.prev_record).changed_fields == []
