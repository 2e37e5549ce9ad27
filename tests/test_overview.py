"""
The overview (the networks in figures) and the full text of every network: what a visitor reads
there in both languages, the charts and their tables, printing, and their cost in queries.

The accessibility of both pages in a browser is checked in tests/test_overview_browser.py.
"""

import datetime
import re

import html5lib
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.models import Network

from .factories import MembershipFactory, NetworkFactory, ThemeFactory, create_networks_in_bulk
from .test_html_validity import ID_REFERENCES
from .test_html_validity import parse as parse_strictly
from .test_public_pages import url

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def networks():
    """
    Four published networks and a draft: two European ones joined in 2007, an international one
    joined in 2021, a national one joined in 1990, before the chart's first year.
    """
    climate = ThemeFactory(name_it="Clima", name_en="Climate", slug="clima")
    youth = ThemeFactory(name_it="Giovani", name_en="Youth", slug="giovani")
    peace = ThemeFactory(name_it="Pace", name_en="Peace", slug="pace")
    published = [
        ("Energy Cities", Network.Scope.EUROPEAN, 2007, [climate, youth]),
        ("Eurocities", Network.Scope.EUROPEAN, 2007, [climate]),
        ("ICLEI", Network.Scope.INTERNATIONAL, 2021, [climate]),
        ("ANCI", Network.Scope.NATIONAL, 1990, []),
    ]
    for name, scope, year, themes in published:
        network = NetworkFactory(name_it=name, name_en=name, scope=scope, themes=themes)
        MembershipFactory(network=network, joined_year=year)
    draft = NetworkFactory(
        name_it="Rete in bozza",
        name_en="Draft network",
        scope=Network.Scope.EUROPEAN,
        status=Network.Status.DRAFT,
        themes=[climate, youth, peace],
    )
    MembershipFactory(network=draft, joined_year=2007)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def text(element):
    return " ".join("".join(element.itertext()).split())


def section(root, chart_id):
    [found] = root.findall(f".//section[@aria-labelledby='{chart_id}-heading']")
    return found


def table(root, chart_id):
    """Return the rows of a chart's table: {label: count}."""
    rows = section(root, chart_id).findall(".//table/tbody/tr")
    return {text(row.find("th")): int(text(row.find("td"))) for row in rows}


def bars(root, chart_id):
    return section(root, chart_id).findall(f".//{SVG}rect[@class='chart-bar']")


class TestOverview:
    def test_heading_counts_the_published_networks_only(self, client, networks):
        root = page(client, "/en/networks/overview/")
        assert text(root.find(".//h1")) == "Modena belongs to 4 international networks"

    def test_one_network_is_counted_in_the_singular(self, client):
        NetworkFactory()
        root = page(client, "/en/networks/overview/")
        assert text(root.find(".//h1")) == "Modena belongs to 1 international network"

    def test_the_italian_heading(self, client, networks):
        # Needs the Italian catalogue with this page's texts and address.
        root = page(client, "/it/reti/panoramica/")
        assert text(root.find(".//h1")) == "Modena partecipa a 4 reti internazionali"
        NetworkFactory(status=Network.Status.DRAFT)
        Network.objects.published().exclude(name_it="ANCI").delete()
        root = page(client, "/it/reti/panoramica/")
        assert text(root.find(".//h1")) == "Modena partecipa a 1 rete internazionale"

    def test_tables_give_the_counts_by_year_scope_and_theme(self, client, networks):
        root = page(client, "/en/networks/overview/")
        assert table(root, "joinings") == {"2007": 2, "2021": 1}
        assert table(root, "scopes") == {"International": 1, "European": 2, "National": 1}
        assert table(root, "themes") == {"Climate": 3, "Youth": 1, "Peace": 0}

    def test_a_network_joined_before_the_first_year_is_counted_but_not_charted(
        self, client, networks
    ):
        content = client.get("/en/networks/overview/").content.decode()
        assert (
            "1 network is not in the chart: its year of joining is before 1996, after "
            f"{timezone.localdate().year} or not known." in content
        )

    def test_the_chart_of_joinings_ends_this_year(self, client):
        this_year = timezone.localdate().year
        MembershipFactory(joined_year=this_year)
        root = page(client, "/en/networks/overview/")
        assert table(root, "joinings") == {str(this_year): 1}
        description = text(section(root, "joinings").find(f".//{SVG}desc"))
        assert f"from 1996 to {this_year}" in description
        assert "not in the chart" not in text(root)

    def test_theme_names_lead_to_the_theme_pages(self, client, networks):
        root = page(client, "/en/networks/overview/")
        links = [link.get("href") for link in section(root, "themes").findall(".//table//a")]
        assert links == ["/en/themes/clima/", "/en/themes/giovani/", "/en/themes/pace/"]

    @pytest.mark.parametrize("chart_id", ["joinings", "scopes", "themes"])
    def test_each_chart_is_an_image_with_a_title_and_a_description(
        self, client, networks, chart_id
    ):
        root = page(client, "/en/networks/overview/")
        [svg] = section(root, chart_id).findall(f".//{SVG}svg")
        assert svg.get("role") == "img"
        assert svg.get("width") == "100%"
        assert re.fullmatch(r"0 0 \d+ [\d.]+", svg.get("viewBox"))
        title, description = svg.get("aria-labelledby").split()
        assert text(svg.find(f"{SVG}title[@id='{title}']"))
        assert text(svg.find(f"{SVG}desc[@id='{description}']"))
        assert svg.find(f".//{SVG}script") is None
        # The figures are written on the chart too.
        labels = [text(label) for label in svg.findall(f".//{SVG}text")]
        assert set(map(str, table(root, chart_id).values())) <= set(labels)

    def test_bars_are_as_long_as_their_counts(self, client, networks):
        root = page(client, "/en/networks/overview/")
        # Climate 3, Youth 1, Peace none.
        widths = [float(bar.get("width")) for bar in bars(root, "themes")]
        assert len(widths) == 2
        assert widths[0] == max(widths)
        assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)
        # 2007: 2, 2021: 1.
        heights = [float(bar.get("height")) for bar in bars(root, "joinings")]
        assert heights[0] == pytest.approx(2 * heights[1], abs=0.2)
        # European 2, international and national 1.
        widths = [float(bar.get("width")) for bar in bars(root, "scopes")]
        assert widths[1] == max(widths) == pytest.approx(2 * widths[0], abs=0.2)

    def test_numbers_in_the_charts_are_not_written_with_a_decimal_comma(self, client, networks):
        content = client.get(url("networks:overview", "it")).content.decode()
        svgs = re.findall(r'<svg class="chart".*?</svg>', content, re.S)
        assert len(svgs) == 3
        for svg in svgs:
            assert not re.search(r'="[^"]*\d,\d', svg)

    def test_english_page_speaks_english(self, client, networks):
        content = client.get("/en/networks/overview/").content.decode()
        assert '<html lang="en">' in content
        for words in ["Networks joined each year", "Networks by scope", "Networks by theme"]:
            assert words in content

    def test_the_overview_leads_to_the_full_text(self, client, networks):
        content = client.get("/en/networks/overview/").content.decode()
        assert 'href="/en/networks/full-text/"' in content


class TestFullText:
    def test_every_published_network_in_full_and_no_draft(self, client, networks):
        content = client.get("/en/networks/full-text/").content.decode()
        for name in ["Energy Cities", "Eurocities", "ICLEI", "ANCI"]:
            assert f">{name}</a></h2>" in content
        assert content.count("<p>Description of the network.</p>") == 4
        assert "Draft network" not in content

    def test_networks_are_in_the_order_of_their_names_in_the_page_s_language(self, client):
        NetworkFactory(name_it="Città educative", name_en="Educating Cities")
        NetworkFactory(name_it="Alleanza per il clima", name_en="Climate Alliance")
        NetworkFactory(name_it="Zeta", name_en="Alpha")

        def names(path):
            headings = page(client, path).iter("h2")
            return [text(h2) for h2 in headings if h2.get("id", "").startswith("network-")]

        assert names(url("networks:full_text", "it")) == [
            "Alleanza per il clima",
            "Città educative",
            "Zeta",
        ]
        assert names("/en/networks/full-text/") == ["Alpha", "Climate Alliance", "Educating Cities"]

    def test_each_network_with_its_facts_and_themes(self, client):
        network = NetworkFactory(
            name_en="Climate Alliance",
            acronym="CA",
            summary_en="European towns for the climate.",
            description_en="First paragraph.\n\nSecond paragraph.",
            key_facts_en="1,800 towns in 27 countries",
            key_facts_date=datetime.date(2024, 3, 1),
            website="https://www.climatealliance.org/en/home",
            themes=[ThemeFactory(name_en="Climate", slug="clima")],
        )
        MembershipFactory(network=network, joined_year=2002)
        content = client.get("/en/networks/full-text/").content.decode()
        for html in [
            "<abbr>CA</abbr>",
            "European towns for the climate.",
            "<p>First paragraph.</p>\n\n<p>Second paragraph.</p>",
            "1,800 towns in 27 countries",
            "(as of March 2024)",
            "<dd>2002</dd>",
            "www.<wbr>climatealliance.<wbr>org/<wbr>en/<wbr>home",
            '<a href="/en/themes/clima/">Climate</a>',
            f'<a href="{url("networks:detail", "en", slug=network.slug)}">Climate Alliance</a>',
        ]:
            assert html in content, html

    def test_untranslated_texts_are_marked_as_italian(self, client):
        NetworkFactory(name_en="", description_en="")
        content = client.get("/en/networks/full-text/").content.decode()
        assert '<div lang="it"><p>Descrizione della rete.</p></div>' in content

    def test_the_print_button_works_with_javascript_only(self, client, networks):
        content = client.get("/en/networks/full-text/").content.decode()
        assert re.search(r"<button [^>]*data-print hidden>Print</button>", content)
        assert re.search(r'<script src="[^"]*networks/js/print\.js" defer>', content)
        assert "onclick" not in content  # the Content-Security-Policy refuses inline scripts
        assert re.search(
            r'<link rel="stylesheet" href="[^"]*networks/css/print\.css" media="print">', content
        )

    def test_the_italian_page(self, client, networks):
        # Needs the Italian catalogue with this page's texts and address.
        content = client.get("/it/reti/testo-completo/").content.decode()
        assert "<h1>Reti internazionali di città</h1>" in content
        assert "Il testo completo delle 4 reti a cui aderisce Modena" in content
        assert ">Stampa</button>" in content


@pytest.mark.parametrize("name", ["overview", "full_text"])
class TestBothPages:
    def test_both_languages_answer(self, client, networks, name):
        for language in ["it", "en"]:
            response = client.get(url(f"networks:{name}", language))
            assert response.status_code == 200
            assert f'<html lang="{language}">' in response.content.decode()

    def test_alternates_lead_to_the_page_in_the_other_language(self, client, networks, name):
        it, en = url(f"networks:{name}", "it"), url(f"networks:{name}", "en")
        content = client.get(en).content.decode()
        found = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', content)
        )
        assert found == {
            "it": f"http://testserver{it}",
            "en": f"http://testserver{en}",
            "x-default": f"http://testserver{it}",
        }
        assert f'href="{it}" hreflang="it" lang="it"' in content  # the language switch

    def test_the_page_has_the_breadcrumbs_and_the_page_rating(self, client, networks, name):
        content = client.get(url(f"networks:{name}", "en")).content.decode()
        assert '<a href="/en/networks/">International city networks</a>' in content
        assert 'data-element="feedback"' in content
        assert f'name="path" value="{url(f"networks:{name}", "en")}"' in content

    def test_the_page_is_in_the_sitemap(self, client, networks, name):
        content = client.get("/sitemap-pages.xml").content.decode()
        for language in ["it", "en"]:
            assert f"<loc>http://testserver{url(f'networks:{name}', language)}</loc>" in content

    def test_a_page_seen_once_is_answered_from_the_page_cache(self, client, networks, name):
        path = url(f"networks:{name}", "en")
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        assert len(queries) == 0
        assert again.content == first.content
        NetworkFactory()  # an edit shows at once
        assert client.get(path).content != first.content

    def test_the_page_is_valid_html(self, client, networks, name):
        tree = parse_strictly(client.get(url(f"networks:{name}", "it")).content.decode())
        ids = [element.get("id") for element in tree.iter() if element.get("id")]
        assert len(ids) == len(set(ids))
        references = [
            reference
            for element in tree.iter()
            for attribute in ID_REFERENCES
            for reference in (element.get(attribute) or "").split()
        ]
        assert set(references) <= set(ids)

    def test_queries_do_not_grow_with_the_networks(self, client, name):
        themes = ThemeFactory.create_batch(3)
        path = url(f"networks:{name}", "it")

        def queries():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200
            return len(captured), response.content.decode()

        create_networks_in_bulk(3, themes)
        few, content = queries()
        create_networks_in_bulk(27, themes)
        many, content_after = queries()
        assert many == few
        assert content_after != content, "the page shows the networks added"
