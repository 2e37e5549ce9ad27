"""The public pages: addresses, languages, contents, what never shows, and their cost in queries."""

import datetime
import json
import re

import html5lib
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models.signals import post_init
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from networks.models import Network, NetworksPage
from networks.sitemaps import NetworkSitemap

from .factories import (
    DocumentFactory,
    MembershipFactory,
    NetworkFactory,
    ThemeFactory,
    create_networks_in_bulk,
)
from .test_uploads import image_bytes

pytestmark = pytest.mark.django_db


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def structured_data(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


@pytest.fixture
def climate():
    theme = ThemeFactory(name_it="Clima ed energia", name_en="Climate and energy", slug="clima")
    network = NetworkFactory(
        name_it="Alleanza per il clima",
        name_en="Climate Alliance",
        slug="climate-alliance",
        summary_it="Comuni europei per il clima.",
        summary_en="European towns for the climate.",
        acronym="CA",
        promoter_it="Alleanza per il clima dei comuni europei",
        promoter_en="Klima-Bündnis",
        themes=[theme],
    )
    MembershipFactory(
        network=network,
        joined_year=2002,
        sector_it="Energia",
        sector_en="Energy",
        public_notes_it="Modena partecipa al gruppo di lavoro sul clima.",
        public_notes_en="Modena takes part in the climate working group.",
        department="Settore Ambiente segreto",
        contact_person="Maria Rossi",
        annual_fee=1234.56,
        council_resolution="Delibera G.C. 99/2002",
    )
    return network


class TestAddresses:
    def test_addresses_are_translated(self):
        assert url("networks:list", "it") == "/it/reti/"
        assert url("networks:list", "en") == "/en/networks/"
        assert url("networks:detail", "it", slug="eurodesk") == "/it/reti/eurodesk/"
        assert url("networks:detail", "en", slug="eurodesk") == "/en/networks/eurodesk/"
        assert url("networks:theme", "it", slug="giovani") == "/it/temi/giovani/"
        assert url("networks:theme", "en", slug="giovani") == "/en/themes/giovani/"

    @pytest.mark.parametrize(
        ("accept", "target"),
        [
            ("en-GB,en;q=0.9", "/en/networks/"),
            ("it", "/it/reti/"),
            ("de", "/it/reti/"),
            ("", "/it/reti/"),
        ],
    )
    def test_home_sends_visitors_to_the_list_in_their_language(self, client, accept, target):
        response = client.get("/", headers={"accept-language": accept})
        assert response.status_code == 302
        assert response.url == target
        assert "Accept-Language" in response["Vary"]

    def test_language_home_leads_to_the_list(self, client):
        assert client.get("/en/").url == "/en/networks/"

    def test_unknown_network_is_not_found(self, client):
        assert client.get("/it/reti/nessuna/").status_code == 404

    def test_draft_network_is_not_found(self, client):
        NetworkFactory(slug="bozza", status=Network.Status.DRAFT)
        assert client.get("/it/reti/bozza/").status_code == 404
        assert client.get("/en/networks/bozza/").status_code == 404

    def test_unknown_theme_is_not_found(self, client):
        assert client.get("/en/themes/nothing/").status_code == 404

    @pytest.mark.parametrize("path", ["////%5B", "///%5Bit/reti/", "////evil.example/%5B"])
    def test_paths_that_look_like_other_hosts_are_simply_not_found(self, client, path):
        # Found by tests/test_robustness.py: "//[" used to crash the 404 page.
        response = client.get(path)
        assert response.status_code == 404
        assert 'href="http://testserver/' in response.content.decode()

    @pytest.mark.parametrize(
        ("path", "text"),
        [("/it/reti/nessuna/", "Pagina non trovata"), ("/en/networks/none/", "Page not found")],
    )
    def test_not_found_page_speaks_the_visitors_language(self, client, path, text):
        response = client.get(path)
        assert response.status_code == 404
        assert text in response.content.decode()


class TestList:
    def test_list_shows_introduction_and_published_networks(self, client, climate):
        NetworkFactory(name_it="Rete in bozza", status=Network.Status.DRAFT)
        content = client.get("/it/reti/").content.decode()
        assert "Alleanza per il clima" in content
        assert "Comuni europei per il clima." in content
        assert "2002" in content
        assert "Energia" in content
        assert 'href="/it/temi/clima/"' in content
        assert "Rete in bozza" not in content

    def test_english_list_shows_english_texts(self, client, climate):
        response = client.get("/en/networks/")
        content = response.content.decode()
        assert '<html lang="en">' in content
        assert "Climate Alliance" in content
        assert "European towns for the climate." in content
        assert 'href="/en/themes/clima/"' in content

    def test_untranslated_network_shows_the_italian_text(self, client):
        NetworkFactory(name_it="Rete delle Città interculturali", name_en="", summary_en="")
        content = client.get("/en/networks/").content.decode()
        assert "Rete delle Città interculturali" in content

    def test_italian_fallback_is_marked_as_italian(self, client):
        NetworkFactory(name_it="Rete delle Città interculturali", name_en="", summary_en="")
        content = client.get("/en/networks/").content.decode()
        assert '<p class="card-text" lang="it">Una rete di comuni europei.</p>' in content
        assert 'lang="it">Rete delle Città interculturali</a>' in content

    def test_translated_text_carries_no_language_mark(self, client, climate):
        content = client.get("/en/networks/").content.decode()
        assert '<p class="card-text">European towns for the climate.</p>' in content
        italian = client.get("/it/reti/").content.decode()
        assert '<p class="card-text">Comuni europei per il clima.</p>' in italian

    @pytest.mark.parametrize(
        "path, overview, full_text",
        [
            ("/it/reti/", "/it/reti/panoramica/", "/it/reti/testo-completo/"),
            ("/en/networks/", "/en/networks/overview/", "/en/networks/full-text/"),
        ],
    )
    def test_list_and_footer_lead_to_the_overview_and_the_full_text(
        self, client, climate, path, overview, full_text
    ):
        content = client.get(path).content.decode()
        main, footer = content.split('<footer class="it-footer"')
        for part in (main, footer):
            assert f'href="{overview}"' in part and f'href="{full_text}"' in part

    def test_result_count_is_announced(self, client, climate):
        content = client.get("/en/networks/").content.decode()
        assert re.search(r'role="status">\s*1 network found\s*</p>', content)


class TestDetail:
    def test_detail_shows_the_public_facts(self, client, climate):
        DocumentFactory(network=climate, title_en="Statutes", is_public=True)
        response = client.get("/en/networks/climate-alliance/")
        content = response.content.decode()
        assert response.status_code == 200
        for text in [
            "Climate Alliance",
            "Description of the network.",
            "2002",
            "Energy",
            "Modena takes part in the climate working group.",
            "Klima-Bündnis",
            "International",
            "Climate and energy",
            "Statutes",
            "PDF",
        ]:
            assert text in content, text

    def test_untranslated_description_is_marked_as_italian(self, client, climate):
        Network.objects.filter(pk=climate.pk).update(description_en="")
        content = client.get("/en/networks/climate-alliance/").content.decode()
        assert '<div lang="it"><p>Descrizione della rete.</p></div>' in content

    def test_the_promoting_organisation_is_in_the_pages_language(self, client, climate):
        italian = client.get("/it/reti/climate-alliance/").content.decode()
        assert "<dd>Alleanza per il clima dei comuni europei</dd>" in italian
        assert "Klima-Bündnis" not in italian
        english = client.get("/en/networks/climate-alliance/").content.decode()
        assert "<dd>Klima-Bündnis</dd>" in english
        climate.promoter_en = ""
        climate.save()
        english = client.get("/en/networks/climate-alliance/").content.decode()
        assert '<dd lang="it">Alleanza per il clima dei comuni europei</dd>' in english

    def test_website_is_marked_as_an_external_link(self, client, climate):
        content = client.get("/en/networks/climate-alliance/").content.decode()
        assert re.search(r'<a href="https://example.org/" rel="external noopener"', content)
        assert "(external site)" in content

    def test_internal_fields_never_reach_the_page(self, client, climate):
        DocumentFactory(network=climate, title_it="Verbale interno", is_public=False)
        for path in ["/it/reti/climate-alliance/", "/it/reti/", "/it/temi/clima/"]:
            content = client.get(path).content.decode()
            assert "Alleanza per il clima" in content, path  # the page shows the network
            for secret in [
                "Settore Ambiente segreto",
                "Maria Rossi",
                "1234",
                "99/2002",
                "Verbale interno",
            ]:
                assert secret not in content, (path, secret)

    def test_breadcrumbs_lead_back_to_the_list(self, client, climate):
        content = client.get("/it/reti/climate-alliance/").content.decode()
        assert 'data-element="breadcrumb"' in content
        assert '<a href="/it/reti/">Reti internazionali di città</a>' in content

    def test_networks_sharing_a_theme_are_suggested_but_not_drafts(self, client, climate):
        theme = climate.themes.get()
        NetworkFactory(name_it="Energy Cities", themes=[theme])
        NetworkFactory(name_it="Rete in bozza", themes=[theme], status=Network.Status.DRAFT)
        NetworkFactory(name_it="Eurodesk")
        response = client.get("/it/reti/climate-alliance/")
        assert [network.name for network in response.context["related_networks"]] == [
            "Energy Cities"
        ]

    def test_structured_data_describes_the_network_and_the_city_as_member(self, client, climate):
        [data] = structured_data(client.get("/en/networks/climate-alliance/"))
        assert data["@type"] == "Organization"
        assert data["name"] == "Climate Alliance"
        assert data["member"]["@type"] == "GovernmentOrganization"
        assert data["member"]["name"] == "Comune di Modena"


class TestTheme:
    def test_theme_page_lists_its_published_networks(self, client, climate):
        theme = climate.themes.get()
        NetworkFactory(name_it="Rete in bozza", themes=[theme], status=Network.Status.DRAFT)
        NetworkFactory(name_it="Eurodesk")
        response = client.get("/it/temi/clima/")
        content = response.content.decode()
        assert "Clima ed energia" in content
        assert "Alleanza per il clima" in content
        assert "Rete in bozza" not in content
        assert "Eurodesk" not in content
        assert 'href="/it/reti/?theme=clima"' in content

    def test_theme_page_structured_data_lists_its_networks(self, client, climate):
        [data] = structured_data(client.get("/en/themes/clima/"))
        assert data["name"] == "Climate and energy"
        [item] = data["mainEntity"]["itemListElement"]
        assert item["item"]["@type"] == "Organization"
        assert item["item"]["member"]["name"] == "Comune di Modena"

    def test_theme_page_is_paginated_and_filtered_as_the_list_is(self, client, climate):
        theme = climate.themes.get()
        create_networks_in_bulk(24, [theme])
        first = client.get("/it/temi/clima/")
        assert first.context["paginator"].count == 25
        assert len(first.context["page_obj"].object_list) == 20
        assert 'href="?page=2#results"' in first.content.decode()
        assert len(client.get("/it/temi/clima/?page=2").context["page_obj"].object_list) == 5
        found = client.get("/it/temi/clima/?q=alleanza")
        assert [network.slug for network in found.context["page_obj"].object_list] == [
            "climate-alliance"
        ]
        content = found.content.decode()
        assert "1 rete trovata" in content
        assert 'href="/it/temi/clima/#results"' in content  # the chip that removes the words
        # The theme is the page's: no theme to choose among the filters.
        assert 'name="theme"' not in content
        assert 'action="/it/temi/clima/#results"' in content

    def test_a_theme_without_networks_says_so(self, client):
        ThemeFactory(slug="vuoto", name_it="Tema vuoto")
        content = client.get("/it/temi/vuoto/").content.decode()
        assert "Nessuna rete è ancora pubblicata su questo tema." in content
        assert "Nessuna rete corrisponde a questi filtri" not in content


class TestOfficeContacts:
    @pytest.fixture
    def office(self, db):
        page = NetworksPage.load()
        page.contact_office_it = "Ufficio Relazioni internazionali"
        page.contact_office_en = "International relations office"
        page.contact_email = "relazioni@example.org"
        page.contact_phone = "+39 059 203.2000"
        page.contact_address = "Piazza Grande 16, 41121 Modena"
        page.contact_hours_it = "Lunedì–venerdì 9–13\nGiovedì anche 15–17"
        page.save()
        return page

    @pytest.mark.parametrize("path", ["/it/reti/", "/it/reti/climate-alliance/", "/it/temi/clima/"])
    def test_list_network_and_theme_pages_give_the_office_contacts(
        self, client, climate, office, path
    ):
        content = client.get(path).content.decode()
        block = content[content.index('<section class="office-contacts') :]
        block = block[: block.index("</section>")]
        assert "Contatti" in block
        assert "Ufficio Relazioni internazionali" in block
        assert '<a href="tel:+390592032000">+39 059 203.2000</a>' in block
        # A long e-mail address breaks on a phone between its parts, not inside a word.
        assert 'href="mailto:relazioni@example.org">relazioni@<wbr>example.<wbr>org</a>' in block
        assert "Piazza Grande 16, 41121 Modena" in block
        assert "Lunedì–venerdì 9–13<br>Giovedì anche 15–17" in block

    def test_the_english_page_gives_them_in_english_or_marked_italian(
        self, client, climate, office
    ):
        content = client.get("/en/networks/").content.decode()
        assert ">International relations office</p>" in content
        assert "Opening hours" in content
        assert '<span lang="it">Lunedì–venerdì 9–13<br>' in content

    def test_no_office_no_contacts_block(self, client, climate):
        assert "office-contacts" not in client.get("/it/reti/").content.decode()

    def test_structured_data_gives_the_office_as_the_city_s_contact_point(
        self, client, climate, office
    ):
        expected = {
            "@type": "ContactPoint",
            "name": "Ufficio Relazioni internazionali",
            "email": "relazioni@example.org",
            "telephone": "+39 059 203.2000",
        }
        [listing] = structured_data(client.get("/it/reti/"))
        assert listing["publisher"]["contactPoint"] == expected
        assert listing["publisher"]["address"] == "Piazza Grande 16, 41121 Modena"
        [network] = structured_data(client.get("/it/reti/climate-alliance/"))
        assert network["member"]["contactPoint"] == expected


class TestPhoneIntroduction:
    def test_the_introduction_folds_after_its_first_paragraph_on_a_phone(self, client):
        page = NetworksPage.load()
        page.introduction_it = "Primo paragrafo.\n\nSecondo paragrafo.\n\nTerzo."
        page.save()
        content = client.get("/it/reti/").content.decode()
        first, rest = content.split("<summary>Leggi tutto</summary>")
        assert "<p>Primo paragrafo.</p>" in first
        assert rest.index("<p>Secondo paragrafo.</p><p>Terzo.</p>") < rest.index("</details>")
        # On a larger screen the rest is shown instead of the fold.
        assert '<div class="d-none d-lg-block"><p>Secondo paragrafo.</p>' in first

    def test_the_filters_return_to_the_results(self, client, climate):
        content = client.get("/it/reti/?q=clima").content.decode()
        assert 'action="/it/reti/#results"' in content
        assert '<div id="results"' in content

    @pytest.mark.parametrize("path", ["/it/reti/", "/it/temi/clima/"])
    def test_the_filters_come_folded_unless_they_have_errors(self, client, climate, path):
        # Folded in the page itself: a script folding them on a phone would move the results
        # once drawn. filters.js opens them on a large screen (test_accessibility).
        assert '<details class="network-filters-panel">' in client.get(path).content.decode()
        content = client.get(path, {"joined_after": "abc"}).content.decode()
        assert '<details class="network-filters-panel" open>' in content


class TestLanguageSwitcher:
    def test_switcher_leads_to_the_same_page_in_the_other_language(self, client, climate):
        content = client.get("/it/reti/climate-alliance/").content.decode()
        assert 'href="/en/networks/climate-alliance/" hreflang="en" lang="en"' in content

    def test_switcher_keeps_the_filters(self, client, climate):
        content = client.get("/it/reti/?theme=clima&q=clima").content.decode()
        assert 'href="/en/networks/?theme=clima&amp;q=clima" hreflang="en"' in content

    def test_switching_sets_no_cookie(self, client, climate):
        response = client.get("/en/networks/")
        assert not response.cookies


class TestPageMetadata:
    def test_every_page_has_title_description_canonical_and_alternates(self, client, climate):
        for path in ["/it/reti/", "/en/networks/climate-alliance/", "/it/temi/clima/"]:
            content = client.get(path).content.decode()
            assert re.search(r"<title>[^<]+ – Comune di Modena</title>", content), path
            assert re.search(r'<meta name="description" content="[^"]+">', content), path
            assert f'<link rel="canonical" href="http://testserver{path}">' in content
            assert 'hreflang="it"' in content and 'hreflang="en"' in content
            assert 'hreflang="x-default"' in content
            assert '<meta property="og:title" content="' in content

    @pytest.mark.parametrize(
        "path, canonical, alternates",
        [
            # A page of results is its own canonical; its alternates are the same page.
            ("/it/reti/?page=2", "/it/reti/?page=2", ["/it/reti/?page=2", "/en/networks/?page=2"]),
            # A filtered list is the list seen another way: the list is what to index.
            ("/en/networks/?theme=clima&page=2", "/en/networks/", ["/it/reti/", "/en/networks/"]),
            ("/it/reti/?q=clima", "/it/reti/", ["/it/reti/", "/en/networks/"]),
            ("/it/reti/?page=1", "/it/reti/", ["/it/reti/", "/en/networks/"]),
            # Past the last page, or not a number: the page shown is the one to index.
            ("/it/reti/?page=99", "/it/reti/?page=2", ["/it/reti/?page=2", "/en/networks/?page=2"]),
            ("/it/reti/?page=due", "/it/reti/", ["/it/reti/", "/en/networks/"]),
            (
                "/it/temi/clima/?page=2",
                "/it/temi/clima/?page=2",
                ["/it/temi/clima/?page=2", "/en/themes/clima/?page=2"],
            ),
        ],
    )
    def test_canonical_and_alternates_agree(self, client, climate, path, canonical, alternates):
        create_networks_in_bulk(24, [climate.themes.get()])  # two pages of 20
        content = client.get(path).content.decode()
        assert f'<link rel="canonical" href="http://testserver{canonical}">' in content
        found = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', content)
        )
        assert found == {
            "it": f"http://testserver{alternates[0]}",
            "en": f"http://testserver{alternates[1]}",
            "x-default": f"http://testserver{alternates[0]}",
        }
        assert f'<meta property="og:url" content="http://testserver{canonical}">' in content

    @pytest.mark.parametrize(
        "path",
        ["/it/reti/", "/en/networks/climate-alliance/", "/it/temi/clima/", "/it/note-legali/"],
    )
    def test_every_page_has_an_image_for_sharing(self, client, climate, path):
        content = client.get(path).content.decode()
        image = static("networks/img/site-image.png")
        assert f'<meta property="og:image" content="http://testserver{image}">' in content

    def test_a_network_is_shared_with_its_logo(self, client):
        network = NetworkFactory(slug="con-logo")
        network.logo.save("logo.png", ContentFile(image_bytes()))
        content = client.get("/it/reti/con-logo/").content.decode()
        assert (
            f'<meta property="og:image" content="http://testserver{network.logo.url}">' in content
        )
        assert content.count('property="og:image"') == 1

    def test_the_sharing_image_is_configurable(self, client, climate, settings):
        settings.SITE_IMAGE = "https://www.comune.example.it/condivisione.png"
        content = client.get("/it/reti/").content.decode()
        assert (
            '<meta property="og:image" content="https://www.comune.example.it/condivisione.png">'
            in content
        )

    def test_the_language_switch_keeps_the_filters(self, client, climate):
        content = client.get("/it/reti/?q=clima&page=2").content.decode()
        assert 'href="/en/networks/?q=clima&amp;page=2" hreflang="en"' in content

    def test_list_structured_data_lists_the_networks(self, client, climate):
        [data] = structured_data(client.get("/en/networks/"))
        assert data["@type"] == "CollectionPage"
        [item] = data["mainEntity"]["itemListElement"]
        assert item["item"]["name"] == "Climate Alliance"

    def test_structured_data_cannot_close_its_script_element(self, client):
        NetworkFactory(name_it="</script><script>alert(1)</script>")
        content = client.get("/it/reti/").content.decode()
        assert "<script>alert(1)" not in content
        # The name is in the structured data all the same, escaped.
        assert '"name": "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)' in content

    @pytest.mark.parametrize("path", ["/it/reti/", "/en/networks/", "/it/note-legali/"])
    def test_footer_links_of_the_modello_comuni(self, client, path):
        content = client.get(path).content.decode()
        for element in ["accessibility-link", "privacy-policy-link", "legal-notes"]:
            assert f'data-element="{element}"' in content

    # AgID's heading and sentence, word for word (italia/pa-website-validator-ng,
    # src/audits/license/legalNotes.ts), which its validator compares with the page's (C.SI.3.4).
    AGID_LICENCE_TITLE = "Licenza dei contenuti"
    AGID_LICENCE_TEXT = (
        "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto "
        "legislativo 7 marzo 2005, n. 82 (CAD) e salvo dove diversamente specificato (compresi i "
        "contenuti incorporati di terzi), i dati, i documenti e le informazioni pubblicati sul "
        "sito sono rilasciati con licenza CC-BY 4.0. Gli utenti sono quindi liberi di condividere "
        "(riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), rappresentare, "
        "eseguire e recitare questo materiale con qualsiasi mezzo e formato e modificare "
        "(trasformare il materiale e utilizzarlo per opere derivate) per qualsiasi fine, anche "
        "commerciale con il solo onere di attribuzione, senza apporre restrizioni aggiuntive."
    )

    def test_legal_notes_give_agid_s_licence_word_for_word(self, client):
        # As the validator reads them: the section's text, and the bodies' texts joined.
        root = html5lib.parse(
            client.get("/it/note-legali/").content.decode(), namespaceHTMLElements=False
        )

        def texts(name):
            return [
                "".join(element.itertext())
                for element in root.iter()
                if element.get("data-element") == name
            ]

        assert [text.strip() for text in texts("legal-notes-section")] == [self.AGID_LICENCE_TITLE]
        body = " ".join(" ".join(texts("legal-notes-body")).split()).replace("'", "’")
        assert body == self.AGID_LICENCE_TEXT

    def test_the_english_legal_notes_give_the_licence_in_english(self, client):
        content = client.get("/en/legal-notes/").content.decode()
        assert 'data-element="legal-notes-section">Content licence<' in content
        assert "released under the CC-BY 4.0 licence" in content


class TestSitemapAndRobots:
    @staticmethod
    def sitemap_pages(client):
        """Return the index's addresses of the sitemap's pages, and their contents."""
        index = client.get("/sitemap.xml")
        assert index.status_code == 200
        locations = re.findall(r"<loc>(.*?)</loc>", index.content.decode())
        contents = []
        for location in locations:
            response = client.get(location.replace("&amp;", "&"))
            assert response.status_code == 200
            contents.append(response.content.decode())
        return locations, contents

    def test_sitemap_lists_every_public_page_with_alternates(self, client, climate):
        NetworkFactory(slug="bozza", status=Network.Status.DRAFT)
        _locations, contents = self.sitemap_pages(client)
        content = "".join(contents)
        assert "<loc>http://testserver/it/reti/climate-alliance/</loc>" in content
        assert "<loc>http://testserver/en/networks/climate-alliance/</loc>" in content
        assert (
            '<xhtml:link rel="alternate" hreflang="en" '
            'href="http://testserver/en/networks/climate-alliance/"/>'
        ) in content
        # The default for other languages is the Italian page, as the page itself says, not
        # "/reti/…", which only redirects.
        assert (
            '<xhtml:link rel="alternate" hreflang="x-default" '
            'href="http://testserver/it/reti/climate-alliance/"/>'
        ) in content
        assert 'href="http://testserver/reti/' not in content
        assert "<loc>http://testserver/en/themes/clima/</loc>" in content
        assert "<loc>http://testserver/it/reti/</loc>" in content
        assert "bozza" not in content

    # Five networks in two languages are ten addresses: pages of 4 end on a network, pages of 3
    # split one network's two addresses between two pages.
    @pytest.mark.parametrize("limit, pages", [(4, 3), (3, 4)])
    def test_many_networks_are_listed_in_pages_each_once_per_language(
        self, client, monkeypatch, limit, pages
    ):
        monkeypatch.setattr(NetworkSitemap, "limit", limit)
        networks = [NetworkFactory(slug=f"rete-{index}") for index in range(5)]
        locations, contents = self.sitemap_pages(client)
        assert f"http://testserver/sitemap-networks.xml?p={pages}" in locations
        listed = re.findall(r"<loc>(.*?)</loc>", "".join(contents))
        for network in networks:
            assert listed.count(f"http://testserver/it/reti/{network.slug}/") == 1
            assert listed.count(f"http://testserver/en/networks/{network.slug}/") == 1
        assert client.get(f"/sitemap-networks.xml?p={pages + 1}").status_code == 404
        assert client.get("/sitemap-nothing.xml").status_code == 404

    def test_a_page_of_the_sitemap_reads_only_its_own_networks(self, client, monkeypatch):
        monkeypatch.setattr(NetworkSitemap, "limit", 4)
        for index in range(9):
            NetworkFactory(slug=f"rete-{index}")
        read = []

        def count(instance, **kwargs):
            read.append(instance)

        post_init.connect(count, sender=Network)
        try:
            content = client.get("/sitemap-networks.xml?p=2").content.decode()
        finally:
            post_init.disconnect(count, sender=Network)
        assert content.count("<url>") == 4
        assert len(read) == 2

    def test_robots_points_to_the_sitemap_and_keeps_out_of_the_admin(self, client):
        response = client.get("/robots.txt")
        assert response["Content-Type"].startswith("text/plain")
        content = response.content.decode()
        assert "Disallow: /admin/" in content
        assert "Sitemap: http://testserver/sitemap.xml" in content

    def test_robots_does_not_reveal_a_moved_admin(self, client, settings):
        settings.ADMIN_URL = "gestione-riservata-7f3a/"
        content = client.get("/robots.txt").content.decode()
        assert "gestione" not in content and "admin" not in content
        assert "Disallow:\n" in content  # a valid record that keeps nothing out


class TestQueryCounts:
    """The pages cost the same number of queries at 15 networks and at 200, all of one theme."""

    @staticmethod
    def visit(client, path):
        """Return the number of queries the page took, and how many networks it counted."""
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        context = response.context
        if "paginator" in context:  # the list, a theme
            return len(queries), context["paginator"].count
        return len(queries), None  # a network, with its six related ones

    @pytest.mark.parametrize(
        "path",
        [
            "/it/reti/",
            "/en/networks/?theme={theme}&q=network&joined_after=1995&order=-joined",
            "/it/temi/{theme}/",
            "/it/reti/{network}/",
        ],
    )
    def test_queries_do_not_grow_with_the_networks(self, client, path):
        themes = ThemeFactory.create_batch(3)  # every network has the first
        network = create_networks_in_bulk(15, themes)[-1]
        path = path.format(network=network.slug, theme=themes[0].slug)
        few, counted = self.visit(client, path)
        create_networks_in_bulk(185, themes)
        many, counted_after = self.visit(client, path)
        assert many == few
        if counted is not None:
            assert counted_after > counted, "the page shows the networks added"


def test_showing_the_list_writes_nothing(client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as queries:
        client.get("/it/reti/")
    assert not [query for query in queries if not query["sql"].startswith("SELECT")]


class TestItalianDetails:
    def test_dates_and_languages_are_written_as_italian_writes_them(self, client):
        network = NetworkFactory(
            slug="rete", key_facts_it="246 città", key_facts_date=datetime.date(2019, 10, 1)
        )
        DocumentFactory(network=network, language="en", date=datetime.date(2019, 10, 1))
        content = client.get("/it/reti/rete/").content.decode()
        assert "ottobre 2019" in content
        assert "(inglese, PDF" in content
        assert "1 ottobre 2019" in content
        assert "Ottobre" not in content

    def test_english_keeps_its_capitals(self, client):
        network = NetworkFactory(slug="rete", key_facts_date=datetime.date(2019, 10, 1))
        DocumentFactory(network=network, language="it", date=datetime.date(2019, 10, 1))
        content = client.get("/en/networks/rete/").content.decode()
        assert "(Italian, PDF" in content
        assert "1 October 2019" in content

    def test_screen_readers_hear_the_right_number(self, client):
        one, two = ThemeFactory(slug="uno", name_it="Uno"), ThemeFactory(slug="due", name_it="Due")
        NetworkFactory(themes=[one, two])
        NetworkFactory(themes=[two])
        content = client.get("/it/reti/").content.decode()
        assert '(1<span class="visually-hidden"> rete</span>)' in content
        assert '(2<span class="visually-hidden"> reti</span>)' in content
        assert '<span class="visually-hidden">1 stella su 5</span>' in content
        assert '<span class="visually-hidden">3 stelle su 5</span>' in content

    def test_a_long_web_address_breaks_between_its_parts(self, client):
        NetworkFactory(slug="rete", website="https://www.example.org/reti/internazionali/modena")
        content = client.get("/it/reti/rete/").content.decode()
        assert "www.<wbr>example.<wbr>org/<wbr>reti/<wbr>internazionali/<wbr>modena" in content
