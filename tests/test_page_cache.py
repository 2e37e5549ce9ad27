"""The public page cache: answered without database work, and never stale after an edit."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from networks import cache as page_cache
from networks.models import Network

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    network = NetworkFactory(slug="eurodesk", name_it="Eurodesk Italia", name_en="Eurodesk")
    MembershipFactory(network=network, joined_year=2007)
    return network


def queries_of(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, len(queries)


@pytest.mark.parametrize(
    "path", ["/it/reti/", "/en/networks/eurodesk/", "/it/temi/", "/opendata/networks.json"]
)
def test_a_page_seen_once_is_answered_without_the_database(client, network, path):
    if path == "/it/temi/":
        path = "/it/reti/?theme=nessuno&q=euro"
    first, first_queries = queries_of(client, path)
    again, again_queries = queries_of(client, path)
    assert first_queries > 0
    assert again_queries == 0
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_an_edit_shows_at_once_in_both_languages(client, network):
    client.get("/it/reti/")
    client.get("/en/networks/")
    network.name_it = "Eurodesk Modena"
    network.name_en = "Eurodesk Modena EN"
    network.save()
    assert "Eurodesk Modena" in client.get("/it/reti/").content.decode()
    assert "Eurodesk Modena EN" in client.get("/en/networks/").content.decode()


def test_an_edit_through_the_admin_shows_at_once(client, admin_client, network):
    client.get("/it/reti/eurodesk/")
    membership = network.memberships.get()
    admin_client.post(
        reverse("admin:networks_membership_change", args=[membership.pk]),
        {"network": network.pk, "joined_year": "2008", "left_year": ""},
    )
    assert Network.objects.with_joined_year().get().joined_year == 2008
    assert "2008" in client.get("/it/reti/eurodesk/").content.decode()


def test_unpublishing_or_deleting_removes_the_page_at_once(client, network):
    assert client.get("/it/reti/eurodesk/").status_code == 200
    network.status = Network.Status.DRAFT
    network.save()
    assert client.get("/it/reti/eurodesk/").status_code == 404
    assert "Eurodesk" not in client.get("/it/reti/").content.decode()
    other = NetworkFactory(slug="energy-cities", name_it="Energy Cities")
    assert "Energy Cities" in client.get("/it/reti/").content.decode()
    other.delete()
    assert "Energy Cities" not in client.get("/it/reti/").content.decode()


def test_theme_changes_of_a_network_show_at_once(client, network):
    client.get("/it/reti/eurodesk/")
    network.themes.add(ThemeFactory(name_it="Giovani"))
    assert "Giovani" in client.get("/it/reti/eurodesk/").content.decode()


def test_staff_always_get_a_fresh_page(client, admin_user, network):
    client.get("/it/reti/")
    client.force_login(admin_user)
    _response, queries = queries_of(client, "/it/reti/")
    assert queries > 0


def test_staff_previews_are_not_shared_with_visitors(client, admin_user, network):
    draft = NetworkFactory(slug="bozza", status=Network.Status.DRAFT)
    client.force_login(admin_user)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_cached_pages_answer_conditional_requests(client, network):
    first = client.get("/it/reti/")
    assert first["ETag"]
    response, queries = queries_of(client, "/it/reti/", if_none_match=first["ETag"])
    assert response.status_code == 304
    assert queries == 0


def test_pages_set_no_cookie_and_do_not_vary_by_cookie(client, network):
    for _visit in range(2):
        response = client.get("/it/reti/")
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_the_home_redirect_still_follows_each_visitor_s_language(client):
    assert client.get("/", headers={"accept-language": "en"}).url == "/en/networks/"
    assert client.get("/", headers={"accept-language": "it"}).url == "/it/reti/"


def test_a_broken_cache_is_not_an_outage(client, network, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    backend = caches["default"]  # not the proxy: the tests' settings replace the backend
    for method in ["get", "set", "get_many", "set_many"]:
        monkeypatch.setattr(backend, method, broken)
    response = client.get("/it/reti/")
    assert response.status_code == 200
    assert "Eurodesk Italia" in response.content.decode()
    network.save()
    assert client.get("/it/reti/").status_code == 200


def test_the_cache_can_be_switched_off(client, network, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/it/reti/")
    _response, queries = queries_of(client, "/it/reti/")
    assert queries > 0


# With the page cache off, or for an address not seen yet, a page is built from parts kept
# until the content changes: the cards of the networks and the counts of the theme filters.


def test_a_new_page_of_results_reuses_the_cards_and_counts_already_made(client, network, settings):
    settings.PAGE_CACHE_SECONDS = 0
    network.themes.add(ThemeFactory(name_it="Giovani"))
    first, first_queries = queries_of(client, "/it/reti/")
    again, again_queries = queries_of(client, "/it/reti/?order=-name")
    # Neither the themes and memberships on the cards, nor the themes and their networks (the
    # counts), nor the administration the page names are read again.
    assert again_queries == first_queries - 5
    assert "Giovani" in again.content.decode()
    assert again.content.decode().count("network-card") == first.content.decode().count(
        "network-card"
    )


def test_cards_and_theme_counts_follow_an_edit_in_both_languages(client, network, settings):
    settings.PAGE_CACHE_SECONDS = 0
    theme = ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth")
    network.themes.add(theme)
    client.get("/it/reti/")
    client.get("/en/networks/")
    theme.name_it = "Gioventù"
    theme.name_en = "Young people"
    theme.save()
    NetworkFactory(slug="yes", name_it="Rete giovani").themes.add(theme)
    italian = client.get("/it/reti/").content.decode()
    english = client.get("/en/networks/").content.decode()
    assert "Giovani" not in italian
    assert italian.count('class="chip-label">Gioventù</span>') == 2  # on both cards
    assert 'Gioventù <span class="facet-count">(2' in italian
    assert english.count('class="chip-label">Young people</span>') == 2
    assert 'Young people <span class="facet-count">(2' in english


def cached_entries():
    """Return how many entries the cache holds: in files, or in Redis."""
    if hasattr(cache, "_list_cache_files"):
        return len(cache._list_cache_files())
    return len(cache._cache.get_client().keys("*"))


def test_parameters_no_page_reads_are_redirected_away(client, network):
    response = client.get("/it/reti/?theme=giovani&utm_source=newsletter&fbclid=abc")
    assert response.status_code == 301
    assert response["Location"] == "/it/reti/?theme=giovani"
    assert client.get("/it/reti/?utm_campaign=x").headers["Location"] == "/it/reti/"


def test_junk_query_strings_add_no_cached_pages(client, network):
    client.get("/it/reti/")
    before = cached_entries()
    for index in range(300):
        client.get(f"/it/reti/?utm_source=mail{index}&ref={index}")
    assert cached_entries() == before


def test_the_same_filters_written_differently_share_one_cached_page(client, network):
    first = ThemeFactory(slug="clima")
    second = ThemeFactory(slug="giovani")
    network.themes.set([first, second])
    client.get("/it/reti/?theme=giovani&theme=clima&scope=")
    for same in [
        "/it/reti/?theme=clima&theme=giovani",
        "/it/reti/?scope=&theme=clima&theme=giovani&theme=clima",
    ]:
        response, queries = queries_of(client, same)
        assert response.status_code == 200
        assert queries == 0, same


def test_an_edit_in_one_worker_shows_in_the_others(client, network, settings, monkeypatch):
    # Each worker process has its own cache object; they must share what they store.
    assert "locmem" not in settings.CACHES["default"]["BACKEND"]
    other_worker = caches.create_connection("default")
    with monkeypatch.context() as as_the_other_worker:
        as_the_other_worker.setattr(page_cache, "cache", other_worker)
        assert "Eurodesk Italia" in client.get("/it/reti/eurodesk/").content.decode()
    network.name_it = "Eurodesk Modena"
    network.save()  # in this worker
    with monkeypatch.context() as as_the_other_worker:
        as_the_other_worker.setattr(page_cache, "cache", other_worker)
        assert "Eurodesk Modena" in client.get("/it/reti/eurodesk/").content.decode()
