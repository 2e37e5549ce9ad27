import io

import html5lib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from networks.admin import JoinedDecadeFilter
from networks.models import Membership, Network, NetworksPage, Theme

from .factories import (
    DocumentFactory,
    MembershipFactory,
    NetworkFactory,
    ThemeFactory,
    create_networks_in_bulk,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["network", "theme", "membership", "document"]


@pytest.fixture
def network():
    theme = ThemeFactory(name_it="Clima ed energia", name_en="Climate and energy")
    network = NetworkFactory(
        name_it="Alleanza per il clima", name_en="Climate Alliance", themes=[theme]
    )
    MembershipFactory(network=network, joined_year=2002, department="Ambiente")
    DocumentFactory(network=network)
    return network


def inline_management_data(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def network_form_data(**overrides):
    data = {
        "name_it": "Città Creative UNESCO",
        "name_en": "UNESCO Creative Cities Network",
        "slug": "citta-creative-unesco",
        "acronym": "UCCN",
        "status": "draft",
        "summary_it": "Un programma UNESCO.",
        "summary_en": "A UNESCO programme.",
        "description_it": "Descrizione.",
        "description_en": "Description.",
        "scope": "international",
        **inline_management_data("memberships"),
        **inline_management_data("documents"),
    }
    data.update(overrides)
    return data


def membership_row(index, joined, left=""):
    prefix = f"memberships-{index}"
    return {f"{prefix}-joined_year": str(joined), f"{prefix}-left_year": str(left)}


class TestPagesRender:
    @pytest.mark.parametrize("model", ADMIN_MODELS)
    def test_changelist_add_and_change_pages_open(self, admin_client, network, model):
        obj = {
            "network": network,
            "theme": network.themes.get(),
            "membership": network.memberships.get(),
            "document": network.documents.get(),
        }[model]
        for url in [
            reverse(f"admin:networks_{model}_changelist"),
            reverse(f"admin:networks_{model}_add"),
            reverse(f"admin:networks_{model}_change", args=[obj.pk]),
        ]:
            assert admin_client.get(url).status_code == 200, url

    def test_network_form_has_a_tab_per_language(self, admin_client, network):
        response = admin_client.get(reverse("admin:networks_network_change", args=[network.pk]))
        content = response.content.decode()
        for code, _name in settings.LANGUAGES:
            assert f'name="name_{code}"' in content
            assert f'name="description_{code}"' in content
        assert "modeltranslation/js/tabbed_translation_fields.js" in content

    def test_tabs_load_jquery_ui_from_our_own_static_files(self, admin_client, network):
        response = admin_client.get(reverse("admin:networks_network_change", args=[network.pk]))
        content = response.content.decode()
        assert "googleapis" not in content
        assert f"{settings.STATIC_URL}{settings.JQUERY_UI_URL}" in content
        assert finders.find(settings.JQUERY_UI_URL)

    def test_admin_speaks_italian_to_an_english_browser(self, admin_client):
        response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
        content = response.content.decode()
        assert "Comune di Modena — Reti internazionali" in content
        assert "Reti" in content  # the networks model, in Italian
        assert response["Content-Language"] == "it"

    def test_networks_page_list_leads_to_its_one_form(self, admin_client):
        response = admin_client.get(reverse("admin:networks_networkspage_changelist"))
        assert response.status_code == 302
        page = NetworksPage.objects.get()
        assert response.url == reverse("admin:networks_networkspage_change", args=[page.pk])
        assert admin_client.get(response.url).status_code == 200

    def test_the_office_contacts_are_edited_with_the_networks_page(self, admin_client):
        page = NetworksPage.load()
        change = reverse("admin:networks_networkspage_change", args=[page.pk])
        form = {
            "title_it": "Reti internazionali di città",
            "title_en": "International city networks",
            "introduction_it": "",
            "introduction_en": "",
            "contact_office_it": "Ufficio Relazioni internazionali",
            "contact_office_en": "International relations office",
            "contact_email": "relazioni@example.org",
            "contact_phone": "059 2032000 (interno 4)",
            "contact_address": "Piazza Grande 16, Modena",
            "contact_hours_it": "Lunedì–venerdì 9–13",
            "contact_hours_en": "",
        }
        content = admin_client.get(change).content.decode()
        assert "Contatti dell’ufficio" in content and "Orari di apertura" in content
        refused = admin_client.post(change, form)
        assert refused.status_code == 200
        assert "Inserisci un numero di telefono" in refused.content.decode()
        page.refresh_from_db()
        assert page.contact_office_it in ("", None)  # nothing half-saved
        saved = admin_client.post(change, {**form, "contact_phone": "+39 059 203 2000"})
        assert saved.status_code == 302
        page.refresh_from_db()
        assert (page.contact_office_it, page.contact_phone) == (
            "Ufficio Relazioni internazionali",
            "+39 059 203 2000",
        )

    def test_the_office_s_name_e_mail_and_address_fit_their_fields(self, admin_client):
        # An e-mail such as relazioni.internazionali@comune.modena.it was cut off at 20em.
        page = NetworksPage.load()
        change = reverse("admin:networks_networkspage_change", args=[page.pk])
        form = admin_client.get(change).context["adminform"].form
        for name in ["contact_office_it", "contact_email", "contact_address"]:
            assert "vLargeTextField" in form[name].field.widget.attrs["class"].split(), name
        # The tabs of the translated fields still find their classes.
        assert "mt-field-contact_office-en" in form["contact_office_en"].field.widget.attrs["class"]

    def test_networks_page_cannot_be_added_or_deleted(self, admin_client):
        page = NetworksPage.load()
        assert admin_client.get(reverse("admin:networks_networkspage_add")).status_code == 403
        delete = reverse("admin:networks_networkspage_delete", args=[page.pk])
        assert admin_client.get(delete).status_code == 403


class TestNetworkList:
    def test_list_shows_themes_year_joined_scope_and_state(self, admin_client, network):
        response = admin_client.get(reverse("admin:networks_network_changelist"))
        content = response.content.decode()
        assert "Alleanza per il clima" in content
        assert "Clima ed energia" in content
        assert "2002" in content
        assert "Internazionale" in content
        assert "Pubblicata" in content

    def test_list_shows_a_logo_thumbnail(self, admin_client, network):
        image = io.BytesIO()
        Image.new("RGB", (120, 60), "teal").save(image, "PNG")
        network.logo.save("climate-alliance.png", ContentFile(image.getvalue()))
        response = admin_client.get(reverse("admin:networks_network_changelist"))
        assert f'<img src="{network.logo.url}"' in response.content.decode()

    def test_list_does_not_grow_in_queries_with_the_networks(
        self, admin_client, network, django_assert_max_num_queries
    ):
        create_networks_in_bulk(20, [network.themes.get()])
        with django_assert_max_num_queries(12):
            admin_client.get(reverse("admin:networks_network_changelist"))

    def test_search_finds_a_network_by_its_english_name(self, admin_client, network):
        NetworkFactory(name_it="Eurodesk", name_en="Eurodesk")
        url = reverse("admin:networks_network_changelist")
        response = admin_client.get(url, {"q": "Climate Alliance"})
        assert list(response.context["cl"].result_list) == [network]

    def test_filter_by_decade_joined(self, admin_client, network):
        MembershipFactory(network=NetworkFactory(), joined_year=2021)
        url = reverse("admin:networks_network_changelist")
        response = admin_client.get(url, {"decade": "2000"})
        assert list(response.context["cl"].result_list) == [network]
        assert "2020–2029" in response.content.decode()

    def test_the_decades_offered_are_those_of_the_networks_in_order(self, admin_client, network):
        MembershipFactory(network=NetworkFactory(), joined_year=2021)
        MembershipFactory(network=NetworkFactory(), joined_year=2029)
        MembershipFactory(network=NetworkFactory(), joined_year=1990)
        NetworkFactory()  # never joined: no decade
        url = reverse("admin:networks_network_changelist")
        response = admin_client.get(url)
        (decades,) = [
            spec
            for spec in response.context["cl"].filter_specs
            if isinstance(spec, JoinedDecadeFilter)
        ]
        # The fixture's network joined in 2002.
        labels = [label for __, label in decades.lookup_choices]
        assert labels == ["1990–1999", "2000–2009", "2020–2029"]
        # A membership of another decade is offered at once.
        MembershipFactory(network=NetworkFactory(), joined_year=1985)
        assert "1980–1989" in admin_client.get(url).content.decode()

    def test_bad_decade_shows_every_network_rather_than_an_error(self, admin_client, network):
        url = reverse("admin:networks_network_changelist")
        response = admin_client.get(url, {"decade": "'; drop"})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [network]

    def test_filter_by_theme_and_scope(self, admin_client, network):
        NetworkFactory(scope=Network.Scope.NATIONAL)
        url = reverse("admin:networks_network_changelist")
        theme = network.themes.get()
        response = admin_client.get(url, {"themes__id__exact": theme.pk, "scope": "international"})
        assert list(response.context["cl"].result_list) == [network]

    def test_sorting_by_year_joined(self, admin_client, network):
        later = NetworkFactory()
        MembershipFactory(network=later, joined_year=2021)
        url = reverse("admin:networks_network_changelist")
        column = admin_client.get(url).context["cl"].list_display.index("joined_year")
        response = admin_client.get(url, {"o": f"-{column}"})
        assert list(response.context["cl"].result_list) == [later, network]


class TestNetworkForm:
    def test_adding_a_network_with_its_membership(self, admin_client):
        theme = ThemeFactory()
        data = network_form_data(themes=[theme.pk])
        data.update(inline_management_data("memberships", total=1))
        data.update(membership_row(0, 2021))
        data["memberships-0-sector_it"] = "Media Arts"
        response = admin_client.post(reverse("admin:networks_network_add"), data)
        assert response.status_code == 302, response.context["errors"]
        network = Network.objects.get(slug="citta-creative-unesco")
        assert network.name_en == "UNESCO Creative Cities Network"
        assert list(network.themes.all()) == [theme]
        assert network.memberships.get().sector_it == "Media Arts"

    def test_two_active_memberships_in_one_save_get_a_message_and_save_nothing(self, admin_client):
        data = network_form_data()
        data.update(inline_management_data("memberships", total=2))
        data.update(membership_row(0, 2002))
        data.update(membership_row(1, 2010))
        response = admin_client.post(reverse("admin:networks_network_add"), data)
        assert response.status_code == 200
        assert "Può essere attiva una sola adesione" in response.content.decode()
        assert not Network.objects.exists()
        assert not Membership.objects.exists()

    def test_year_left_before_joined_gets_a_message_in_italian(self, admin_client):
        data = network_form_data()
        data.update(inline_management_data("memberships", total=1))
        data.update(membership_row(0, 2010, left=2005))
        response = admin_client.post(reverse("admin:networks_network_add"), data)
        assert response.status_code == 200
        assert "non può precedere" in response.content.decode()
        assert not Network.objects.exists()

    def test_duplicate_slug_gets_a_message(self, admin_client, network):
        data = network_form_data(slug=network.slug)
        response = admin_client.post(reverse("admin:networks_network_add"), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["slug"]

    def test_slug_is_prepopulated_from_the_italian_name(self, admin_client):
        response = admin_client.get(reverse("admin:networks_network_add"))
        prepopulated = response.context["prepopulated_fields_json"]
        assert '"dependency_ids": ["#id_name_it"]' in prepopulated
        assert '"id": "#id_slug"' in prepopulated

    def test_theme_choices_follow_their_position(self, admin_client):
        ThemeFactory(name_it="Salute", position=20)
        ThemeFactory(name_it="Pace", position=10)
        response = admin_client.get(reverse("admin:networks_network_add"))
        choices = [
            label for _value, label in response.context["adminform"].form["themes"].field.choices
        ]
        assert choices == ["Pace", "Salute"]


def test_theme_list_counts_its_networks(admin_client, network):
    NetworkFactory(themes=[network.themes.get()])
    response = admin_client.get(reverse("admin:networks_theme_changelist"))
    theme = response.context["cl"].result_list[0]
    assert theme.network_count == 2


def form_fields(response, form_id):
    """Return what a browser sends for the form `form_id` as it came, with no button pressed."""
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    form = page.find(f".//form[@id='{form_id}']")
    fields = {}
    for field in form.iter("input"):
        kind = field.get("type", "text")
        if kind in ("checkbox", "radio") and field.get("checked") is None:
            continue
        if kind not in ("submit", "button") and field.get("name"):
            fields[field.get("name")] = field.get("value", "on" if kind == "checkbox" else "")
    for select in form.iter("select"):
        options = select.findall(".//option")
        chosen = [option for option in options if option.get("selected") is not None] or options
        fields[select.get("name")] = chosen[0].get("value", "")
    return fields


def test_theme_position_is_edited_from_the_list(admin_client, admin_user):
    culture = ThemeFactory(name_it="Cultura", position=5)
    peace = ThemeFactory(name_it="Pace", position=10)
    url = reverse("admin:networks_theme_changelist")
    data = form_fields(admin_client.get(url), "changelist-form")
    row = next(key for key, value in data.items() if key.endswith("-id") and value == str(peace.pk))
    position = row.replace("-id", "-position")
    assert data[position] == "10"
    data[position] = "1"
    response = admin_client.post(url, {**data, "_save": "Salva"})
    assert response.status_code == 302

    listed = admin_client.get(url).context["cl"].result_list
    assert [theme.name_it for theme in listed] == ["Pace", "Cultura"]
    assert Theme.objects.get(pk=culture.pk).position == 5
    version = peace.history.first()
    assert (version.position, version.history_user) == (1, admin_user)
    assert peace.history.count() == 2
    assert culture.history.count() == 1, "a row left as it was gets no version"
