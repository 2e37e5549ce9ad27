"""The admin on the office's 1280 by 800 screens: no list or form needs scrolling sideways."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command

from networks.models import Document, Membership, Network
from networks.roles import EDITORS, sync_roles

from .factories import PASSWORD, StaffFactory
from .test_accessibility import CHROMIUM_ARGS, DESKTOP, browser, live_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


# Elements wider than the window, or boxes that scroll their content sideways.
OVERFLOWING = """() => {
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    if (box.width && box.right > window.innerWidth + 1) {
      found.push(`${element.tagName}.${element.className} ends at ${Math.round(box.right)} px`);
    } else if (scrolls && element.scrollWidth > element.clientWidth + 1) {
      found.push(`${element.tagName}.${element.className} scrolls ${element.scrollWidth} px`);
    }
  }
  return found.slice(0, 5);
}"""


@pytest.fixture
def office(browser, live_server):  # noqa: F811
    """Return a function opening an admin page as a logged-in member of the office."""
    call_command("loaddata", "demo", verbosity=0)
    network = Network.objects.get(slug="citta-creative-unesco")
    Document.objects.create(
        network=network,
        title_it="Statuto della rete delle Città Creative UNESCO, versione aggiornata",
        language="it",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="statuto.pdf"),
    )
    Membership.objects.filter(network=network).update(
        department="Settore Cultura, Sport e Politiche giovanili",
        contact_person="Maria Rossi Bianchi",
        annual_fee="1250.50",
        council_resolution="Delibera G.C. n. 123/2021",
    )
    Network.objects.get(slug="eurodesk").delete()  # something in the bin
    sync_roles(Group, Permission)  # the tables were emptied after the last test
    StaffFactory(username="redattrice", groups=[EDITORS])
    StaffFactory(superuser=True)
    contexts = {}

    def open_admin(user, path):
        if user not in contexts:
            contexts[user] = browser.new_context(viewport=DESKTOP)
            login = contexts[user].new_page()
            login.goto(f"{live_server.url}/admin/login/")
            login.fill("#id_username", user)
            login.fill("#id_password", PASSWORD)
            with login.expect_navigation():
                login.click("input[type=submit]")
            login.close()
        page = contexts[user].new_page()
        page.goto(live_server.url + path)
        assert page.url == live_server.url + path, page.url
        return page

    yield open_admin, network
    for context in contexts.values():
        context.close()


PAGES = [
    "/admin/",
    "/admin/networks/network/",
    "/admin/networks/network/{network}/change/",
    "/admin/networks/network/{network}/history/",
    "/admin/networks/network/add/",
    "/admin/networks/network/bin/",
    "/admin/networks/membership/",
    "/admin/networks/document/",
    "/admin/networks/theme/",
    "/admin/feedback/feedback/",
]


@pytest.mark.parametrize("user", ["admin", "redattrice"])
def test_every_list_and_form_fits_a_1280_pixel_screen(office, user):
    open_admin, network = office
    for path in PAGES:
        page = open_admin(user, path.format(network=network.pk))
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], path
        assert page.evaluate(OVERFLOWING) == [], path
        page.close()
