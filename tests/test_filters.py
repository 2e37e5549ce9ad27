"""The filters of the public list: each alone and combined, counts, search, ordering, pages."""

import re

import pytest
from django.core.cache import cache

from networks.models import Network

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    return {
        "clima": ThemeFactory(slug="clima-ed-energia", name_it="Clima ed energia"),
        "giovani": ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth"),
        "pace": ThemeFactory(slug="pace", name_it="Pace"),
    }


@pytest.fixture
def networks(themes):
    def network(name_it, name_en, year, scope, theme_keys, **fields):
        created = NetworkFactory(
            name_it=name_it,
            name_en=name_en,
            scope=scope,
            themes=[themes[key] for key in theme_keys],
            **fields,
        )
        MembershipFactory(network=created, joined_year=year)
        return created

    return {
        "unesco": network(
            "Città Creative UNESCO",
            "UNESCO Creative Cities",
            2021,
            "international",
            [],
            description_it="Cultura e creatività come motori dello sviluppo.",
            description_en="Culture and creativity as drivers of development.",
        ),
        "energy": network("Energy Cities", "Energy Cities", 1998, "european", ["clima"]),
        "climate": network("Climate Alliance", "Climate Alliance", 2002, "european", ["clima"]),
        "eurodesk": network("Eurodesk", "Eurodesk", 2007, "european", ["giovani"]),
        "peace": network("Mayors for Peace", "Mayors for Peace", 2023, "international", ["pace"]),
        "civinet": network(
            "Civinet Italia",
            "",
            2014,
            "national",
            [],
            description_it="Mobilità sostenibile nei comuni italiani.",
            description_en="",
        ),
    }


def shown(client, query, language="it"):
    path = "/it/reti/" if language == "it" else "/en/networks/"
    response = client.get(path, query)
    assert response.status_code == 200
    return [network.name_it for network in response.context["network_list"]]


class TestEachFilter:
    def test_no_filter_shows_every_network_by_name(self, client, networks):
        assert shown(client, {}) == [
            "Città Creative UNESCO",
            "Civinet Italia",
            "Climate Alliance",
            "Energy Cities",
            "Eurodesk",
            "Mayors for Peace",
        ]

    def test_one_theme(self, client, networks):
        assert shown(client, {"theme": "clima-ed-energia"}) == ["Climate Alliance", "Energy Cities"]

    def test_two_themes_show_networks_of_either(self, client, networks):
        assert shown(client, {"theme": ["clima-ed-energia", "giovani"]}) == [
            "Climate Alliance",
            "Energy Cities",
            "Eurodesk",
        ]

    def test_a_network_of_both_themes_is_shown_once(self, client, networks, themes):
        networks["eurodesk"].themes.add(themes["clima"])
        assert shown(client, {"theme": ["clima-ed-energia", "giovani"]}).count("Eurodesk") == 1

    def test_scope(self, client, networks):
        assert shown(client, {"scope": "international"}) == [
            "Città Creative UNESCO",
            "Mayors for Peace",
        ]

    def test_joined_after_and_before(self, client, networks):
        assert shown(client, {"joined_after": "2014"}) == [
            "Città Creative UNESCO",
            "Civinet Italia",
            "Mayors for Peace",
        ]
        assert shown(client, {"joined_before": "2002"}) == ["Climate Alliance", "Energy Cities"]
        assert shown(client, {"joined_after": "2002", "joined_before": "2014"}) == [
            "Civinet Italia",
            "Climate Alliance",
            "Eurodesk",
        ]

    def test_drafts_never_match(self, client, networks, themes):
        draft = NetworkFactory(name_it="Clima in bozza", status=Network.Status.DRAFT)
        draft.themes.add(themes["clima"])
        assert "Clima in bozza" not in shown(client, {"theme": "clima-ed-energia"})
        assert "Clima in bozza" not in shown(client, {"q": "bozza"})


class TestWords:
    @pytest.mark.parametrize("words", ["citta", "CITTÀ", "Città creative", "crèative unesco"])
    def test_search_ignores_accents_and_case(self, client, networks, words):
        assert shown(client, {"q": words}) == ["Città Creative UNESCO"]

    def test_every_word_must_match(self, client, networks):
        assert shown(client, {"q": "cities energy"}) == ["Energy Cities"]

    def test_search_reads_the_description(self, client, networks):
        assert shown(client, {"q": "creatività"}) == ["Città Creative UNESCO"]

    def test_search_in_english_reads_the_english_text(self, client, networks):
        assert shown(client, {"q": "drivers of development"}, "en") == ["Città Creative UNESCO"]
        assert shown(client, {"q": "motori"}, "en") == []

    def test_search_in_english_falls_back_to_the_italian_text(self, client, networks):
        assert shown(client, {"q": "mobilita sostenibile"}, "en") == ["Civinet Italia"]

    def test_search_reads_the_sector_of_the_membership(self, client, networks):
        networks["unesco"].memberships.update(sector_it="Media Arts")
        networks["unesco"].memberships.get().save()
        assert shown(client, {"q": "media arts"}) == ["Città Creative UNESCO"]

    def test_a_long_query_is_refused_with_a_message(self, client, networks):
        response = client.get("/en/networks/", {"q": "energy " * 40})
        assert "Ensure this value has at most 200 characters" in response.content.decode()

    def test_repeated_words_count_once(self, client, networks):
        assert shown(client, {"q": "energy energy cities " * 6}) == ["Energy Cities"]

    def test_search_follows_edits(self, client, networks):
        eurodesk = networks["eurodesk"]
        eurodesk.summary_it = "Opportunità europee per i ragazzi"
        eurodesk.save()
        assert shown(client, {"q": "ragazzi"}) == ["Eurodesk"]


class TestCombinedFilters:
    def test_theme_scope_years_and_words_together(self, client, networks):
        query = {
            "theme": ["clima-ed-energia", "giovani"],
            "scope": "european",
            "joined_after": "2000",
            "q": "alliance",
        }
        assert shown(client, query) == ["Climate Alliance"]

    def test_theme_counts_apply_the_other_filters(self, client, networks):
        response = client.get("/it/reti/", {"scope": "european", "theme": "pace"})
        counts = {theme.slug: theme.network_count for theme in response.context["theme_facets"]}
        assert counts == {"clima-ed-energia": 2, "giovani": 1, "pace": 0}
        chosen = [theme.slug for theme in response.context["theme_facets"] if theme.chosen]
        assert chosen == ["pace"]

    def test_theme_counts_are_shown_beside_each_theme(self, client, networks):
        content = client.get("/it/reti/").content.decode()
        assert re.search(r"Clima ed energia <span class=\"facet-count\">\(2<", content)

    def test_active_filters_are_removable_chips(self, client, networks):
        response = client.get(
            "/it/reti/", {"theme": ["clima-ed-energia", "giovani"], "scope": "european"}
        )
        chips = {chip["label"]: chip["remove_url"] for chip in response.context["active_filters"]}
        assert chips["Giovani"] == "/it/reti/?theme=clima-ed-energia&scope=european"
        assert chips["Europea"] == "/it/reti/?theme=clima-ed-energia&theme=giovani"
        content = response.content.decode()
        assert "rimuovi questo filtro" in content

    def test_empty_result_says_what_to_change(self, client, networks):
        response = client.get("/it/reti/", {"q": "nessunaparola"})
        content = response.content.decode()
        assert list(response.context["network_list"]) == []
        assert "Nessuna rete corrisponde ai filtri scelti" in content
        assert "Rimuovi uno dei filtri" in content


class TestOrdering:
    def test_by_name_descending(self, client, networks):
        assert shown(client, {"order": "-name"})[0] == "Mayors for Peace"

    def test_by_year_joined(self, client, networks):
        assert shown(client, {"order": "joined"})[:2] == ["Energy Cities", "Climate Alliance"]
        assert shown(client, {"order": "-joined"})[:2] == [
            "Mayors for Peace",
            "Città Creative UNESCO",
        ]

    def test_names_sort_in_the_visitors_language(self, client, networks):
        # "UNESCO Creative Cities" in English, "Città Creative UNESCO" in Italian.
        english = shown(client, {}, "en")
        assert english.index("Città Creative UNESCO") > english.index("Mayors for Peace")


class TestBadInput:
    @pytest.mark.parametrize(
        "query",
        [
            {"theme": "nessun-tema"},
            {"scope": "planetary"},
            {"joined_after": "abc"},
            {"joined_before": "1e9999"},
            {"order": "password"},
            {"page": "zz"},
            {"page": "999"},
            {"q": "x" * 5000},
            {"q": " ".join(f"word{index}" for index in range(1500))},
            {"q": "%_\\'\""},
            {"theme": ""},
            {"q": "nul\x00byte"},
            {"theme": "nul\x00byte"},
            {"scope": "\x00"},
        ],
    )
    def test_bad_parameters_never_break_the_page(self, client, networks, query):
        assert client.get("/it/reti/", query).status_code == 200

    def test_unknown_theme_is_shown_as_an_error_and_the_other_filters_still_apply(
        self, client, networks
    ):
        response = client.get("/it/reti/", {"theme": "nessun-tema", "scope": "national"})
        content = response.content.decode()
        assert "Alcuni filtri non sono stati applicati" in content
        assert [network.name_it for network in response.context["network_list"]] == [
            "Civinet Italia"
        ]

    def test_an_empty_theme_is_no_theme_as_an_empty_scope_is(self, client, networks):
        both = shown(client, {"theme": ["", "giovani"], "scope": ""})
        cache.clear()  # the same page: built again, not served from the page cache
        assert both == shown(client, {"theme": "giovani"})
        assert 0 < len(both) < Network.objects.count()

    def test_error_message_is_in_english_on_english_pages(self, client, networks):
        content = client.get("/en/networks/", {"joined_after": "abc"}).content.decode()
        assert "Some filters could not be applied" in content
        assert "Enter a whole number." in content

    @pytest.mark.parametrize(
        ("year", "message"),
        [
            ("2000.5", "Inserisci un numero intero."),
            ("1200", "Assicurati che questo valore sia maggiore o uguale a 1850."),
            ("3000", "Assicurati che questo valore sia minore o uguale a 2100."),
        ],
    )
    def test_a_year_is_a_whole_number_within_the_years_of_memberships(
        self, client, networks, year, message
    ):
        content = client.get("/it/reti/", {"joined_before": year}).content.decode()
        assert message in content


class TestPagination:
    @pytest.fixture
    def many(self, themes):
        for index in range(45):
            NetworkFactory(name_it=f"Rete {index:02d}", themes=[themes["giovani"]])

    def test_pages_of_twenty(self, client, many):
        assert len(shown(client, {})) == 20
        assert shown(client, {"page": "3"}) == [f"Rete {index}" for index in range(40, 45)]

    def test_page_links_keep_the_filters(self, client, many):
        content = client.get("/it/reti/", {"theme": "giovani"}).content.decode()
        assert 'href="?theme=giovani&amp;page=2#results"' in content

    def test_a_page_past_the_end_shows_the_last_one(self, client, many):
        assert shown(client, {"page": "99"}) == [f"Rete {index}" for index in range(40, 45)]


def test_on_postgresql_the_list_filtered_by_scope_is_counted_from_an_index(networks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: its plans show which index serves a query")
    with CaptureQueriesContext(connection) as queries:
        assert Network.objects.published().filter(scope=Network.Scope.EUROPEAN).count() == 3
    [count] = queries.captured_queries
    with connection.cursor() as cursor:
        # Forbidden to read the table, the planner shows whether the index alone answers: the
        # count of a filtered list at 10,000 networks then reads no row of the table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {count['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using networks_network_on_line" in plan
