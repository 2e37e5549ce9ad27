"""
Scheduled publishing: a published network is on the site between its `publish_at` and its
`unpublish_at` on every public page, whether or not `publish_scheduled` has run, and cached
pages move on at those dates by themselves.
"""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from networks.models import ContentVersion, Network

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def theme(db):
    return ThemeFactory(name_it="Clima ed energia", slug="clima-ed-energia")


def scheduled(theme, status=Network.Status.PUBLISHED, **dates):
    network = NetworkFactory(
        name_it="Rete Programmata",
        name_en="Scheduled Network",
        slug="rete-programmata",
        status=status,
        themes=[theme],
        **dates,
    )
    MembershipFactory(network=network, joined_year=2020)
    return network


# Every public place a network shows in, and how to tell that it does.
PUBLIC_PLACES = [
    ("/it/reti/", "Rete Programmata"),
    ("/it/reti/?q=programmata", "Rete Programmata"),
    ("/it/temi/clima-ed-energia/", "Rete Programmata"),
    ("/it/reti/rete-programmata/", "Rete Programmata"),
    ("/it/reti/feed/", "Rete Programmata"),
    ("/en/networks/", "Scheduled Network"),
    ("/opendata/networks.json", "Rete Programmata"),
    ("/opendata/networks.csv", "Rete Programmata"),
    ("/sitemap-networks.xml", "rete-programmata"),
]


def shown(client, address, text):
    response = client.get(address)
    assert response.status_code in (200, 404), address
    return text in response.content.decode()


@pytest.mark.parametrize(("address", "text"), PUBLIC_PLACES)
def test_a_network_scheduled_for_later_shows_nowhere_before_its_date(
    client, clock, theme, address, text
):
    scheduled(theme, publish_at=LATER)
    assert not shown(client, address, text)


@pytest.mark.parametrize(("address", "text"), PUBLIC_PLACES)
def test_it_shows_everywhere_once_its_date_comes_without_the_command(
    client, clock, theme, address, text
):
    scheduled(theme, publish_at=LATER)
    assert not shown(client, address, text)  # and the page cached

    clock.move_to(LATER + datetime.timedelta(seconds=1))
    assert shown(client, address, text)


@pytest.mark.parametrize(("address", "text"), PUBLIC_PLACES)
def test_a_network_leaves_every_page_at_its_withdrawal_without_the_command(
    client, clock, theme, address, text
):
    scheduled(theme, unpublish_at=LATER)
    assert shown(client, address, text)

    clock.move_to(LATER)
    assert not shown(client, address, text)


def test_counts_leave_it_out_until_its_date(client, clock, theme):
    NetworkFactory(status=Network.Status.PUBLISHED, themes=[theme])
    scheduled(theme, publish_at=LATER)
    overview = client.get(reverse("networks:overview")).context
    assert overview["total"] == 1
    themes = {row.label: row.count for row in overview["charts"][2].rows}
    assert themes["Clima ed energia"] == 1

    clock.move_to(LATER)
    overview = client.get(reverse("networks:overview")).context
    assert overview["total"] == 2
    assert {row.label: row.count for row in overview["charts"][2].rows}["Clima ed energia"] == 2


def test_its_words_are_not_offered_as_corrections_before_its_date(client, clock, theme):
    scheduled(theme, publish_at=LATER)
    assert "Forse cercavi" not in client.get("/it/reti/?q=programmat").content.decode()


def test_its_public_documents_are_not_served_before_its_date(client, clock, theme):
    document = DocumentFactory(network=scheduled(theme, publish_at=LATER), is_public=True)
    assert client.get(document.file.url).status_code == 404

    clock.move_to(LATER)
    response = client.get(document.file.url)
    response.close()
    assert response.status_code == 200


def test_a_browser_holding_the_page_gets_the_new_one_at_the_date(client, clock, theme):
    scheduled(theme, publish_at=LATER)
    etag = client.get("/it/reti/")["ETag"]
    assert client.get("/it/reti/", headers={"If-None-Match": etag}).status_code == 304

    clock.move_to(LATER)
    response = client.get("/it/reti/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Rete Programmata" in response.content.decode()


def test_the_content_version_moves_to_the_date_and_tells_the_next(clock, theme):
    network = scheduled(theme, publish_at=LATER, unpublish_at=LATER + datetime.timedelta(days=7))
    edited, following = ContentVersion.state()
    assert edited <= NOW
    assert following == LATER

    clock.move_to(LATER + datetime.timedelta(hours=1))
    assert ContentVersion.state() == (LATER, network.unpublish_at)


def test_drafts_dates_move_nothing(clock, theme):
    NetworkFactory(status=Network.Status.DRAFT, publish_at=LATER)
    assert ContentVersion.state()[1] is None


# The command


def run_publish_scheduled():
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()


def test_the_command_records_what_came_in_the_history_and_is_idempotent(clock, theme):
    coming = scheduled(theme, publish_at=LATER)
    leaving = NetworkFactory(
        status=Network.Status.PUBLISHED, unpublish_at=LATER + datetime.timedelta(minutes=5)
    )
    assert "pubblicate come programmato: 0, ritirate: 0" in run_publish_scheduled()

    clock.move_to(LATER + datetime.timedelta(minutes=10))
    assert "pubblicate come programmato: 1, ritirate: 1" in run_publish_scheduled()
    coming.refresh_from_db()
    leaving.refresh_from_db()
    assert coming.publish_at is None and coming.is_on_line
    assert leaving.status == Network.Status.DRAFT and leaving.unpublish_at is None
    assert coming.history.latest().history_change_reason == "Pubblicata come programmato"
    assert leaving.history.latest().history_change_reason == "Ritirata come programmato"

    versions = coming.history.count() + leaving.history.count()
    assert "pubblicate come programmato: 0, ritirate: 0" in run_publish_scheduled()
    assert coming.history.count() + leaving.history.count() == versions


def test_a_scheduled_network_is_first_published_at_its_date(clock, theme):
    assert scheduled(theme, publish_at=LATER).first_published_at == LATER


# The admin


def schedule_form(network, publish="", unpublish=""):
    def split(value):
        if not value:
            return {"0": "", "1": ""}
        local = timezone.localtime(value)
        return {"0": local.strftime("%d/%m/%Y"), "1": local.strftime("%H:%M")}

    data = change_form_data(network)
    for name, value in (("publish_at", publish), ("unpublish_at", unpublish)):
        data.update({f"{name}_{part}": text for part, text in split(value).items()})
    return data


def change_url(network):
    return reverse("admin:networks_network_change", args=[network.pk])


def test_an_administrator_schedules_a_network_and_the_list_says_when(
    client, administrator, clock, theme
):
    network = NetworkFactory(status=Network.Status.PUBLISHED, name_it="Eurodesk")
    client.force_login(administrator)
    response = client.post(change_url(network), schedule_form(network, publish=LATER))
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.publish_at == LATER
    assert not network.is_on_line

    page = client.get(reverse("admin:networks_network_changelist")).content.decode()
    assert "Pubblicata dal 04/01/2027 10:00" not in page  # the day after
    assert "Pubblicata dal 05/01/2027 10:00" in page
    scheduled_list = client.get(reverse("admin:networks_network_changelist") + "?schedule=publish")
    assert [n.pk for n in scheduled_list.context["cl"].result_list] == [network.pk]


def test_a_withdrawal_before_the_publication_is_refused_in_italian(
    client, administrator, clock, theme
):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    client.force_login(administrator)
    data = schedule_form(network, publish=LATER, unpublish=LATER - datetime.timedelta(hours=2))
    response = client.post(change_url(network), data)
    assert response.status_code == 200
    assert "Ritira la rete dopo la data da cui è pubblicata." in response.content.decode()
    network.refresh_from_db()
    assert network.publish_at is None and network.unpublish_at is None


def test_a_withdrawal_date_passed_is_refused(client, administrator, clock, theme):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    client.force_login(administrator)
    data = schedule_form(network, unpublish=NOW - datetime.timedelta(hours=1))
    response = client.post(change_url(network), data)
    assert "Questa data è passata" in response.content.decode()
    network.refresh_from_db()
    assert network.unpublish_at is None


def test_who_cannot_publish_cannot_schedule(client, intern, clock, theme):
    network = NetworkFactory(status=Network.Status.DRAFT)
    client.force_login(intern)
    form = client.get(change_url(network)).content.decode()
    assert 'name="publish_at_0"' not in form

    client.post(change_url(network), schedule_form(network, publish=LATER))
    network.refresh_from_db()
    assert network.publish_at is None


def test_staff_preview_a_scheduled_network_with_its_date(client, administrator, clock, theme):
    network = scheduled(theme, publish_at=LATER)
    client.force_login(administrator)
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Anteprima: questa rete è pubblicata dal 5 gennaio 2027, 10:00;" in page
    assert '<meta name="robots" content="noindex">' in page


def test_going_back_to_a_version_keeps_the_dates_for_who_cannot_publish(
    client, editor, clock, theme
):
    # A draft: editors go back on a published network by no route (tests/test_routes.py).
    network = scheduled(theme, publish_at=LATER, status=Network.Status.DRAFT)
    network.publish_at = None
    network.save()
    earlier = network.history.order_by("history_date").first()
    assert earlier.publish_at == LATER
    client.force_login(editor)
    url = reverse("admin:networks_network_simple_history", args=[network.pk, earlier.history_id])
    page = client.post(url, follow=True)
    network.refresh_from_db()
    assert network.publish_at is None
    assert "Il suo stato non è cambiato: serve il permesso di pubblicare." in page.content.decode()
