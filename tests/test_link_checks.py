"""manage.py check_links against a web server on 127.0.0.1, and what the admin makes of it."""

import http.server
import threading
import time
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.urls import reverse

from networks.models import LinkCheck, Membership, Network
from networks.roles import EDITORS

from .factories import MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


class Site(http.server.BaseHTTPRequestHandler):
    """A site whose addresses answer as the networks' sometimes do."""

    ROUTES = {
        "/ok": (200, None),
        "/gone": (404, None),
        "/error": (500, None),
        "/moved": (301, "/ok"),
        "/moved-twice": (308, "/moved"),
        "/temporary": (302, "/ok"),
        "/moved-then-temporary": (301, "/temporary"),
    }

    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(4)
        if self.path.startswith("/busy"):
            with Site.lock:
                Site.in_flight += 1
                Site.most_in_flight = max(Site.most_in_flight, Site.in_flight)
            time.sleep(0.5)
            with Site.lock:
                Site.in_flight -= 1
        status, location = self.ROUTES.get(self.path, (200, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def check_links(**options):
    out = StringIO()
    # A timeout well above what the other addresses take on a loaded machine (a 1 s timeout once
    # found /moved "broken" in CI), well below /slow's answer.
    call_command("check_links", stdout=out, timeout=2, **options)
    return out.getvalue()


@pytest.fixture
def networks(site):
    found = {}
    for path in ["/ok", "/gone", "/error", "/moved", "/moved-twice", "/temporary", "/slow"]:
        slug = path.strip("/")
        found[slug] = NetworkFactory(slug=slug, website=f"{site}{path}")
    MembershipFactory(network=found["ok"], profile_url=f"{site}/moved-then-temporary")
    return found


class TestCheckLinks:
    def test_each_address_is_found_broken_moved_or_working(self, site, networks):
        output = check_links()
        outcomes = dict(LinkCheck.objects.values_list("url", "outcome"))
        assert outcomes == {
            f"{site}/ok": "ok",
            f"{site}/gone": "broken",
            f"{site}/error": "broken",
            f"{site}/moved": "moved",
            f"{site}/moved-twice": "moved",
            f"{site}/temporary": "ok",  # the address given stays the one to give
            f"{site}/slow": "broken",
            f"{site}/moved-then-temporary": "ok",
        }
        moved = LinkCheck.objects.get(url=f"{site}/moved-twice")
        assert moved.new_url == f"{site}/ok"
        assert LinkCheck.objects.get(url=f"{site}/gone").status == 404
        assert LinkCheck.objects.get(url=f"{site}/slow").error == "timed out"
        # The summary, in Italian.
        assert f"Interrotto: {site}/gone (404)" in output
        assert f"Interrotto: {site}/slow (nessuna risposta entro il tempo concesso)" in output
        assert f"Spostato definitivamente: {site}/moved → {site}/ok" in output
        assert "Indirizzi controllati: 8. Interrotti: 3, spostati: 2, funzionanti: 3." in output

    def test_a_second_check_updates_the_first(self, site, networks):
        check_links()
        first = LinkCheck.objects.get(url=f"{site}/gone").checked_at
        Site.ROUTES["/gone"] = (200, None)
        try:
            check_links()
        finally:
            Site.ROUTES["/gone"] = (404, None)
        again = LinkCheck.objects.get(url=f"{site}/gone")
        assert (again.outcome, again.checked_at > first) == ("ok", True)
        assert LinkCheck.objects.count() == 8

    def test_an_address_that_names_no_server_is_broken(self, db):
        NetworkFactory(website="http://nessun-server.invalid/")
        output = check_links()
        check = LinkCheck.objects.get()
        assert (check.outcome, check.status) == ("broken", None)
        assert check.error == "name not found"
        assert "(nome del server non trovato)" in output

    def test_checks_run_side_by_side_but_no_more_than_asked(self, site, db):
        for number in range(9):
            NetworkFactory(slug=f"occupata-{number}", website=f"{site}/busy?{number}")
        Site.most_in_flight = 0
        check_links(workers=3)
        assert Site.most_in_flight in (2, 3)  # never one at a time, never more than three
        assert LinkCheck.objects.filter(outcome="ok").count() == 9


@pytest.fixture
def editor(client):
    user = User.objects.create_user("redattrice", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return client


class TestAdmin:
    def changelist(self, client, **query):
        return client.get(reverse("admin:networks_network_changelist"), query)

    def test_the_list_shows_the_problems_of_each_network(self, editor, site, networks):
        check_links()
        content = self.changelist(editor).content.decode()
        assert "Indirizzi web" in content
        assert "interrotto: 404" in content
        assert "interrotto: nessuna risposta entro il tempo concesso" in content
        assert f"spostato a {site}/ok" in content

    def test_the_filter_finds_the_networks_with_a_problem(self, editor, site, networks):
        check_links()
        NetworkFactory(slug="mai-controllata", website="https://example.org/nuovo")
        for value, slugs in [
            ("broken", {"gone", "error", "slow"}),
            ("moved", {"moved", "moved-twice"}),
            ("ok", {"ok", "temporary"}),
            ("unchecked", {"mai-controllata"}),
        ]:
            response = self.changelist(editor, links=value)
            shown = {network.slug for network in response.context["cl"].result_list}
            assert shown == slugs, value

    def test_the_page_reads_the_checks_once(
        self, editor, site, networks, django_assert_max_num_queries
    ):
        check_links()
        for number in range(20):
            NetworkFactory(slug=f"altra-{number}", website=f"{site}/ok?{number}")
        with django_assert_max_num_queries(25):
            self.changelist(editor)

    def test_an_editor_replaces_the_moved_addresses_by_their_new_ones(self, editor, site, networks):
        # Drafts: a published network's changes go through review (test_an_editor_leaves_…).
        Network.objects.update(status=Network.Status.DRAFT)
        check_links()
        selected = [networks["moved"].pk, networks["gone"].pk]
        response = editor.post(
            reverse("admin:networks_network_changelist"),
            {"action": "use_new_addresses", "_selected_action": selected},
            follow=True,
        )
        assert "1 indirizzo sostituito dal nuovo." in response.content.decode()
        assert Network.objects.get(slug="moved").website == f"{site}/ok"
        assert Network.objects.get(slug="gone").website == f"{site}/gone"  # broken: left as is
        history = Network.objects.get(slug="moved").history.first()
        assert history.website == f"{site}/ok"

    def test_an_editor_leaves_published_networks_as_they_are(self, editor, site, networks):
        check_links()
        response = editor.post(
            reverse("admin:networks_network_changelist"),
            {"action": "use_new_addresses", "_selected_action": [networks["moved"].pk]},
            follow=True,
        )
        assert "1 rete pubblicata è rimasta com’era" in response.content.decode()
        assert Network.objects.get(slug="moved").website == f"{site}/moved"

    def test_a_moved_profile_page_is_replaced_too(self, editor, site, networks):
        Network.objects.update(status=Network.Status.DRAFT)
        membership = Membership.objects.get(network=networks["ok"])
        membership.profile_url = f"{site}/moved"
        membership.save()
        check_links()
        editor.post(
            reverse("admin:networks_network_changelist"),
            {"action": "use_new_addresses", "_selected_action": [networks["ok"].pk]},
        )
        membership.refresh_from_db()
        assert membership.profile_url == f"{site}/ok"

    def test_someone_who_may_only_look_cannot_replace_addresses(self, client, site, networks):
        user = User.objects.create_user("lettore", password="x", is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="view_network"))
        client.force_login(user)
        check_links()
        response = client.post(
            reverse("admin:networks_network_changelist"),
            {"action": "use_new_addresses", "_selected_action": [networks["moved"].pk]},
        )
        assert response.status_code in (200, 302, 403)
        assert Network.objects.get(slug="moved").website == f"{site}/moved"
