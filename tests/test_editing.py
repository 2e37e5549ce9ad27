"""The editors' workflow in the admin: drafts, preview, publishing, translation completeness."""

import re

import pytest
from django.urls import reverse

from networks.models import Network

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:networks_network_changelist")


class TestPreview:
    def test_staff_see_a_draft_on_the_site_marked_as_a_preview(self, editor_client):
        NetworkFactory(slug="bozza", name_it="Rete nuova", status=Network.Status.DRAFT)
        response = editor_client.get("/it/reti/bozza/")
        content = response.content.decode()
        assert response.status_code == 200
        assert "Anteprima: questa rete è una bozza" in content
        assert '<meta name="robots" content="noindex">' in content
        assert "no-store" in response["Cache-Control"]

    def test_visitors_do_not_see_the_draft(self, client):
        NetworkFactory(slug="bozza", status=Network.Status.DRAFT)
        assert client.get("/it/reti/bozza/").status_code == 404

    def test_preview_does_not_put_drafts_in_the_list(self, editor_client):
        NetworkFactory(name_it="Rete nuova", status=Network.Status.DRAFT)
        NetworkFactory(name_it="Rete pubblicata")
        content = editor_client.get("/it/reti/").content.decode()
        assert "Rete pubblicata" in content and "Rete nuova" not in content

    def test_view_on_site_from_the_admin_opens_the_preview(self, editor_client):
        draft = NetworkFactory(slug="bozza", status=Network.Status.DRAFT)
        change = editor_client.get(reverse("admin:networks_network_change", args=[draft.pk]))
        assert change.context["has_absolute_url"]
        view_on_site = reverse(
            "admin:view_on_site", args=[change.context["content_type_id"], draft.pk]
        )
        response = editor_client.get(view_on_site, follow=True)
        assert response.redirect_chain[-1][0].endswith("/it/reti/bozza/")
        assert response.status_code == 200

    def test_published_pages_of_visitors_do_not_vary_by_cookie(self, client):
        NetworkFactory(slug="eurodesk")
        response = client.get("/it/reti/eurodesk/")
        assert "Cookie" not in response.get("Vary", "")


class TestBulkPublishing:
    def test_publish_and_unpublish_the_selected_networks(self, administrator_client):
        drafts = [NetworkFactory(status=Network.Status.DRAFT) for _index in range(2)]
        other = NetworkFactory(status=Network.Status.DRAFT)
        response = administrator_client.post(
            CHANGELIST,
            {"action": "publish", "_selected_action": [n.pk for n in drafts], "confirm": "1"},
            follow=True,
        )
        assert "2 reti sono ora “Pubblicata”." in response.content.decode()
        assert Network.objects.published().count() == 2
        assert Network.objects.get(pk=other.pk).status == Network.Status.DRAFT

        administrator_client.post(
            CHANGELIST, {"action": "unpublish", "_selected_action": [drafts[0].pk]}
        )
        assert Network.objects.published().count() == 1

    def test_publishing_shows_on_the_site_at_once(self, client, administrator_client):
        draft = NetworkFactory(name_it="Rete nuova", status=Network.Status.DRAFT)
        assert "Rete nuova" not in client.get("/it/reti/").content.decode()
        administrator_client.post(
            CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "confirm": "1"}
        )
        assert "Rete nuova" in client.get("/it/reti/").content.decode()

    def test_publishing_is_recorded_in_the_history(self, administrator_client, administrator):
        draft = NetworkFactory(status=Network.Status.DRAFT)
        administrator_client.post(
            CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "confirm": "1"}
        )
        history = administrator_client.get(
            reverse("admin:networks_network_history", args=[draft.pk])
        )
        content = history.content.decode()
        assert re.search(r"Stato:.*Bozza.*Pubblicata", content, re.S)
        assert administrator.username in content

    def test_staff_without_the_publish_permission_do_not_get_the_actions(self, client, intern):
        client.force_login(intern)
        NetworkFactory()
        actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
        assert "publish" not in [name for name, _label in actions]


class TestTranslationCompleteness:
    def test_list_shows_which_networks_miss_english(self, admin_client):
        NetworkFactory(name_it="Rete tradotta")
        NetworkFactory(name_it="Rete da tradurre", description_en="")
        response = admin_client.get(CHANGELIST)
        rows = {
            network.name_it: network.missing_languages()
            for network in response.context["cl"].result_list
        }
        assert rows == {"Rete tradotta": [], "Rete da tradurre": ["en"]}
        assert '<td class="field-missing_translations">EN</td>' in response.content.decode()

    def test_filter_networks_missing_english(self, admin_client):
        NetworkFactory(name_it="Rete tradotta")
        NetworkFactory(name_it="Rete da tradurre", summary_en=None)
        response = admin_client.get(CHANGELIST, {"missing": "en"})
        assert [network.name_it for network in response.context["cl"].result_list] == [
            "Rete da tradurre"
        ]
        assert "Testo mancante: Inglese" in response.content.decode()
