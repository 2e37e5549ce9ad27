"""The admin's home page: what needs the office's attention, each item leading to it."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback
from networks.models import LinkCheck, Network

from .factories import MembershipFactory, NetworkFactory, StaffFactory
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")
CHANGELIST = reverse("admin:networks_network_changelist")
REGISTER = reverse("admin:memberships_register")


def home(client):
    return client.get(HOME).content.decode()


def row(page, label):
    """The dashboard's line `label`: its count and the networks it names."""
    found = re.search(
        rf'<th scope="row"><a href="([^"]+)">{re.escape(label)}</a></th>\s*'
        r'<td class="dashboard-count">(\d+)</td>\s*<td>(.*?)</td>',
        page,
        re.S,
    )
    assert found, label
    href, count, names = found.groups()
    return href.replace("&amp;", "&"), int(count), re.findall(r">([^<]+)</a>", names)


def listed(client, href):
    return sorted(network.name for network in client.get(href).context["cl"].result_list)


@pytest.fixture
def content(db):
    today = timezone.localdate()
    NetworkFactory(name_it="Bozza uno", status=Network.Status.DRAFT)
    NetworkFactory(name_it="In attesa", status=Network.Status.REVIEW)
    NetworkFactory(name_it="Senza inglese", summary_en="")
    NetworkFactory(
        name_it="Dati vecchi",
        key_facts="246 città",
        key_facts_date=today - datetime.timedelta(days=400),
    )
    NetworkFactory(name_it="Dati senza data", key_facts="100 città", key_facts_date=None)
    NetworkFactory(name_it="Dati freschi", key_facts="12 città", key_facts_date=today)
    broken = NetworkFactory(name_it="Sito rotto", website="https://rotto.example/")
    LinkCheck.objects.create(
        url=broken.website, outcome="broken", status=404, checked_at=timezone.now()
    )
    moved = NetworkFactory(name_it="Sito spostato", website="https://vecchio.example/")
    LinkCheck.objects.create(
        url=moved.website,
        outcome="moved",
        status=301,
        new_url="https://nuovo.example/",
        checked_at=timezone.now(),
    )


@pytest.mark.parametrize("role", ["editor", "administrator"])
@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("In attesa di revisione", ["In attesa"]),
        ("Bozze", ["Bozza uno"]),
        ("Testi mancanti in Inglese", ["Senza inglese"]),
        ("Dati principali più vecchi di 12 mesi", ["Dati vecchi"]),
        ("Dati principali senza data", ["Dati senza data"]),
        ("Indirizzi web non funzionanti", ["Sito rotto"]),
        ("Indirizzi web spostati", ["Sito spostato"]),
    ],
)
def test_each_thing_to_do_is_counted_named_and_leads_to_its_list(
    client, content, request, role, label, names
):
    client.force_login(request.getfixturevalue(role))
    href, count, shown = row(home(client), label)
    assert (count, shown) == (len(names), names)
    assert listed(client, href) == names


def test_the_age_of_key_facts_comes_from_the_settings(client, editor, content, settings):
    settings.KEY_FACTS_MAX_AGE_MONTHS = 24
    client.force_login(editor)
    href, count, _names = row(home(client), "Dati principali più vecchi di 24 mesi")
    assert count == 0
    assert listed(client, href) == []


def test_a_long_list_names_the_first_and_links_to_all(client, editor):
    for index in range(7):
        NetworkFactory(name_it=f"Bozza {index}", status=Network.Status.DRAFT)
    client.force_login(editor)
    href, count, names = row(home(client), "Bozze")
    assert (count, len(names)) == (7, 5)
    assert len(listed(client, href)) == 7


# The memberships register


@pytest.fixture
def memberships(db):
    MembershipFactory(
        network=NetworkFactory(name_it="Eurodesk"),
        department="Politiche giovanili",
        annual_fee=Decimal("1500.00"),
        council_resolution="Delibera G.C. n. 12/2021",
    )
    MembershipFactory(network=NetworkFactory(name_it="Energy Cities"), annual_fee=Decimal("250"))
    MembershipFactory(network=NetworkFactory(name_it="Rete lasciata"), left_year=2020)


def test_the_register_lists_active_memberships_with_the_fees_total(client, editor, memberships):
    client.force_login(editor)
    page = home(client)
    register = page[page.index("Registro delle adesioni") :]
    assert "Eurodesk" in register and "Politiche giovanili" in register
    assert "Delibera G.C. n. 12/2021" in register
    assert "Rete lasciata" not in register
    assert re.search(r"Totale delle quote annuali</th>\s*<td[^>]*>1\.750,00</td>", register)
    link = re.search(r'<a href="([^"]+)">1 adesione attiva senza delibera</a>', register)
    memberships = client.get(link.group(1).replace("&amp;", "&")).context["cl"].result_list
    assert [membership.network.name for membership in memberships] == ["Energy Cities"]


def test_the_register_downloads_as_a_workbook_for_the_council(client, editor, memberships):
    client.force_login(editor)
    response = client.get(REGISTER)
    assert response["Content-Disposition"].startswith('attachment; filename="registro-adesioni-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert rows[0][:2] == ["Rete", "Anno di adesione"]
    assert [line[0] for line in rows[1:]] == ["Energy Cities", "Eurodesk", "Totale"]
    assert Decimal(str(rows[-1][5])) == Decimal("1750")


def test_who_may_not_see_memberships_gets_no_register(client, memberships):
    client.force_login(StaffFactory(permissions=["view_network"]))
    assert "Registro delle adesioni" not in home(client)
    assert client.get(REGISTER).status_code == 403


# Recent changes


def test_colleagues_changes_are_listed_with_a_link_to_the_versions(client, editor, administrator):
    network = NetworkFactory(name_it="Eurodesk")
    client.force_login(administrator)
    url = reverse("admin:networks_network_change", args=[network.pk])
    client.post(url, change_form_data(network, summary_it="Una sintesi nuova."))
    client.post(reverse("admin:auth_user_add"), {})  # nothing an editor may see

    client.force_login(editor)
    page = home(client)
    changes = page[page.index("Modifiche recenti dei colleghi") :]
    history = reverse("admin:networks_network_history", args=[network.pk])
    assert f'<a href="{history}">Eurodesk</a>' in changes
    assert "Campi modificati: Sintesi [it]." in changes
    client.force_login(administrator)
    assert "Modifiche recenti dei colleghi" not in home(client)  # only their own


# Ratings


def test_page_ratings_of_the_last_90_days(client, administrator):
    Feedback.objects.create(path="/it/reti/", language="it", rating=2, answer="incomplete")
    Feedback.objects.create(path="/it/reti/", language="it", rating=5, comment="Molto chiara")
    old = Feedback.objects.create(path="/it/vecchia/", language="it", rating=1)
    Feedback.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=91)
    )
    client.force_login(administrator)
    page = home(client)
    ratings = page[page.index("Valutazioni delle pagine degli ultimi 90 giorni") :]
    assert re.search(r"/it/reti/</a></th>\s*<td[^>]*>3,5</td>\s*<td[^>]*>2</td>", ratings)
    assert "/it/vecchia/" not in ratings
    assert "A volte le indicazioni non erano complete: 1" in ratings
    assert "«Molto chiara»" in ratings


def test_who_may_not_read_ratings_does_not_see_them(client):
    Feedback.objects.create(path="/it/reti/", language="it", rating=2)
    client.force_login(StaffFactory(permissions=["view_network"]))
    assert "Valutazioni delle pagine degli ultimi" not in home(client)
