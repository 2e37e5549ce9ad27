"""
The public pages, in both languages, that the accessibility and HTML validity checks visit.

Each is a page of the demo content (fixtures/demo.json) in one of the states a visitor meets: the
list, the list filtered, with filters it cannot apply and with nothing found, a network, a theme,
the overview, the full text, the legal notes, and a page that does not exist.
"""

import pytest

FILTERS = "theme=clima-ed-energia&theme=giovani&q=europ&order=-joined"

# (path, status): parametrize a test with ("path", "status").
PAGES = [
    pytest.param("/it/reti/", 200, id="list-it"),
    pytest.param("/en/networks/", 200, id="list-en"),
    pytest.param(f"/it/reti/?{FILTERS}", 200, id="filtered-it"),
    pytest.param(f"/en/networks/?{FILTERS}", 200, id="filtered-en"),
    pytest.param("/it/reti/?joined_after=ieri&order=colore", 200, id="wrong-filters-it"),
    pytest.param("/en/networks/?joined_after=yesterday&order=colour", 200, id="wrong-filters-en"),
    pytest.param("/it/reti/?q=nothingmatches", 200, id="nothing-found-it"),
    pytest.param("/en/networks/?q=nothingmatches", 200, id="nothing-found-en"),
    pytest.param("/it/reti/citta-creative-unesco/", 200, id="network-it"),
    pytest.param("/en/networks/citta-creative-unesco/", 200, id="network-en"),
    pytest.param("/it/temi/giovani/", 200, id="theme-it"),
    pytest.param("/en/themes/giovani/", 200, id="theme-en"),
    pytest.param("/it/reti/panoramica/", 200, id="overview-it"),
    pytest.param("/en/networks/overview/", 200, id="overview-en"),
    pytest.param("/it/reti/testo-completo/", 200, id="full-text-it"),
    pytest.param("/en/networks/full-text/", 200, id="full-text-en"),
    pytest.param("/it/dati-aperti/", 200, id="open-data-it"),
    pytest.param("/en/open-data/", 200, id="open-data-en"),
    pytest.param("/it/note-legali/", 200, id="legal-notes-it"),
    pytest.param("/en/legal-notes/", 200, id="legal-notes-en"),
    pytest.param("/it/reti/nessuna-rete/", 404, id="not-found-it"),
    pytest.param("/en/networks/no-such-network/", 404, id="not-found-en"),
]
