"""
Every public page is valid HTML: it parses without a single error, no two elements share an id,
and every label and ARIA reference names an element that is on the page.

Browsers forgive broken markup, each in its own way; screen readers then announce what the
browser guessed. A strict parser (html5lib, the WHATWG parsing algorithm) forgives nothing.
"""

from collections import Counter

import html5lib
import pytest
from django.core.management import call_command
from django.utils import translation

from .pages import PAGES

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize(("path", "status"), PAGES)]

# Attributes whose value is one id (label's `for`) or a list of them (the ARIA ones).
ID_REFERENCES = ["for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"]


@pytest.fixture(autouse=True)
def demo():
    call_command("loaddata", "demo", verbosity=0)


@pytest.fixture(autouse=True)
def _keep_language():
    # The test client's request leaves the page's language active in this thread (LocaleMiddleware
    # activates it and nothing deactivates it): put the previous one back for the next tests.
    with translation.override(translation.get_language()):
        yield


def fetch(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    return response.content.decode()


def parse(html):
    """Return the document's tree, failing the test at the first parse error, with its place."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        (line, column), code, _data = parser.errors[-1]
        source = html.splitlines()[line - 1] if line else ""
        pytest.fail(f"HTML parse error {code!r} ({error}), line {line} column {column}:\n{source}")


def test_page_parses_without_a_single_error(client, path, status):
    assert parse(fetch(client, path, status)).find("body") is not None


def test_no_two_elements_share_an_id(client, path, status):
    ids = Counter(element.get("id") for element in parse(fetch(client, path, status)).iter())
    del ids[None]
    assert ids, "the page should have ids to check"
    assert [id_ for id_, count in ids.items() if count > 1] == []


def test_every_label_and_aria_reference_names_an_element_of_the_page(client, path, status):
    tree = parse(fetch(client, path, status))
    ids = {element.get("id") for element in tree.iter()}
    references = [
        (element.tag, attribute, id_)
        for element in tree.iter()
        for attribute in ID_REFERENCES
        for id_ in (element.get(attribute) or "").split()
    ]
    assert [reference for reference in references if reference[2] not in ids] == []
