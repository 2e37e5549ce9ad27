"""
Property-based robustness: arbitrary query strings and paths thrown at every public page and the
open data. No answer may be a server error, and nothing a visitor types comes back unescaped.

`make test` runs a quick profile; `make robustness` runs the deep one (10,000 examples a test).
"""

from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

PAGES = [
    "/it/reti/",
    "/en/networks/",
    "/it/reti/citta-creative-unesco/",
    "/en/themes/giovani/",
    "/it/dati-aperti/",
    "/opendata/networks.csv",
    "/opendata/networks.json",
    "/it/reti/feed/",
    "/sitemap.xml",
    "/sitemap-networks.xml",
]
PARAMETERS = ["q", "theme", "scope", "joined_after", "joined_before", "order", "page", "lang"]
MARKER = "<script>alert(1)</script>"

texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", MARKER, '"><img src=x onerror=alert(1)>', "%00", "\x00", "9" * 400]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
queries = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=20)), texts),
    max_size=8,
)
segments = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=40
).map(lambda segment: quote(segment, safe=""))


@pytest.fixture
def demo(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every example builds its page
    call_command("loaddata", "demo", verbosity=0)


def assert_robust(response):
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKER not in response.content.decode()


ROBUSTNESS = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@ROBUSTNESS
@given(page=st.sampled_from(PAGES), query=queries)
def test_any_query_string_on_any_public_page(client, demo, page, query):
    assert_robust(client.get(f"{page}?{urlencode(query)}"))


@ROBUSTNESS
@given(
    prefix=st.sampled_from(["/it/", "/en/", "/opendata/", "/documents/", "/"]),
    parts=st.lists(segments, max_size=4),
)
def test_any_path(client, demo, prefix, parts):
    assert_robust(client.get(prefix + "/".join(parts)))
