"""The demo content in fixtures/: the fifteen networks of the Comune di Modena's page."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from networks.models import Membership, Network, NetworksPage, Theme

pytestmark = pytest.mark.django_db

# The networks and the years Modena joined them, as the original page gives them.
SEED = {
    "Città Creative UNESCO": 2021,
    "Civinet Italia": 2014,
    "Climate Alliance": 2002,
    "Covenant of Mayors": 2010,
    "Energy Cities": 1998,
    "Eurodesk": 2007,
    "Europe Direct": 1997,
    "European Forum for Urban Security": 1996,
    "EXARC": 2004,
    "Healthy Cities": 2007,
    "Mayors for Peace": 2023,
    "NEMO - Network of European Museum Organisations": 2015,
    "Major Cities of Europe": 2016,
    "Rete delle Città interculturali": 2019,
    "Tree Cities of the World": 2021,
}

TRANSLATED = {
    Network: ["name", "summary", "description"],
    Theme: ["name", "description"],
    NetworksPage: ["title", "introduction"],
}


@pytest.fixture
def demo():
    call_command("loaddata", "demo", verbosity=0)


def test_all_fifteen_networks_load_with_the_year_modena_joined(demo):
    joined = {
        network.name_it: network.joined_year
        for network in Network.objects.published().with_joined_year()
    }
    assert joined == SEED


def test_every_network_has_one_active_membership_and_a_theme(demo):
    for network in Network.objects.all():
        assert network.memberships.active().count() == 1, network
        assert network.themes.exists(), network


def test_every_theme_gathers_at_least_one_network(demo):
    assert not Theme.objects.filter(networks=None).exists()


@pytest.mark.parametrize("model", TRANSLATED, ids=lambda model: model.__name__)
def test_texts_are_given_in_every_language(demo, model):
    for obj in model.objects.all():
        for field in TRANSLATED[model]:
            for code, _name in settings.LANGUAGES:
                assert getattr(obj, f"{field}_{code}"), f"{obj} has no {field}_{code}"


def test_english_page_shows_the_english_texts(demo):
    unesco = Network.objects.get(slug="citta-creative-unesco")
    with translation.override("en"):
        assert "UNESCO" in unesco.name
        assert unesco.name != unesco.name_it
        assert unesco.description != unesco.description_it


def test_seed_facts_are_kept(demo):
    unesco = Network.objects.get(slug="citta-creative-unesco")
    assert unesco.memberships.get().sector_en == "Media Arts"
    assert unesco.key_facts_en == "246 cities in 72 countries"
    assert unesco.key_facts_date is not None
    peace = Network.objects.get(slug="mayors-for-peace")
    assert "8,234" in peace.key_facts_en
    assert "166" in peace.key_facts_en
    assert Network.objects.get(acronym="NEMO").key_facts_en.startswith("Over 30,000")
    assert Network.objects.get(slug="civinet-italia").scope == Network.Scope.NATIONAL


def test_seed_typos_are_fixed(demo):
    peace = Network.objects.get(slug="mayors-for-peace")
    assert "MAYOR FOR PEACE" not in peace.description_it
    assert "appello sel" not in peace.description_it
    for network in Network.objects.all():
        assert ".I " not in network.description_it and ".La " not in network.description_it


def test_websites_are_full_addresses(demo):
    for network in Network.objects.all():
        assert network.website.startswith("https://"), network


def test_internal_membership_fields_are_left_for_the_office(demo):
    assert not Membership.objects.exclude(department="").exists()
    assert not Membership.objects.filter(annual_fee__isnull=False).exists()


def test_introduction_opens_with_the_seed_text(demo):
    page = NetworksPage.load()
    assert page.title_it == "Reti internazionali di città"
    assert page.introduction_it.startswith("Le reti internazionali di città sono network")
    assert page.introduction_it.count("\n\n") == 3


def test_demo_command_loads_into_an_empty_database_only(db):
    call_command("load_demo_content", verbosity=0)
    assert Network.objects.count() == 15
    assert all(network.history.exists() for network in Network.objects.all())
    Network.objects.filter(slug="eurodesk").update(name_it="Eurodesk Italia")
    call_command("load_demo_content", verbosity=0)
    assert Network.objects.get(slug="eurodesk").name_it == "Eurodesk Italia"
