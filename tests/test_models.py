import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from networks.models import Membership, Network, NetworksPage, Theme

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def refused_by_database(**kwargs):
    """Return True if the database itself refuses `Model.objects.create(**kwargs)`."""
    model = kwargs.pop("model")
    try:
        with transaction.atomic():
            model.objects.create(**kwargs)
    except IntegrityError:
        return True
    return False


class TestNetworkRules:
    def test_founding_year_out_of_range_is_refused_by_the_database(self):
        base = {"model": Network, "name_it": "Rete", "summary_it": "s", "description_it": "d"}
        assert refused_by_database(**base, slug="a", founded_year=1200)
        assert refused_by_database(**base, slug="b", founded_year=3000)
        assert not refused_by_database(**base, slug="c", founded_year=1990)

    def test_founding_year_out_of_range_gets_a_form_message(self):
        network = NetworkFactory.build(founded_year=19990)
        with pytest.raises(ValidationError) as error:
            network.full_clean()
        assert "founded_year" in error.value.message_dict

    def test_duplicate_slug_is_refused(self):
        NetworkFactory(slug="energy-cities")
        with pytest.raises(IntegrityError), transaction.atomic():
            NetworkFactory(slug="energy-cities")

    def test_duplicate_slug_gets_a_form_message(self):
        NetworkFactory(slug="energy-cities")
        with pytest.raises(ValidationError) as error:
            NetworkFactory.build(slug="energy-cities").full_clean()
        assert "slug" in error.value.message_dict

    def test_empty_slug_is_refused_by_the_database(self):
        assert refused_by_database(
            model=Network, name_it="Rete", summary_it="s", description_it="d", slug=""
        )

    def test_unknown_scope_or_status_is_refused_by_the_database(self):
        base = {"model": Network, "name_it": "Rete", "summary_it": "s", "description_it": "d"}
        assert refused_by_database(**base, slug="a", scope="planetary")
        assert refused_by_database(**base, slug="b", status="archived")

    def test_new_network_starts_as_a_draft(self):
        network = Network.objects.create(
            name_it="Rete", summary_it="s", description_it="d", slug="rete"
        )
        assert network.status == Network.Status.DRAFT
        assert not network.is_published

    def test_key_facts_date_without_facts_gets_a_form_message(self):
        network = NetworkFactory.build(key_facts_it="", key_facts_date="2024-01-01")
        with pytest.raises(ValidationError) as error:
            network.full_clean()
        assert "key_facts_date" in error.value.message_dict

    def test_published_leaves_out_drafts(self):
        published = NetworkFactory(status=Network.Status.PUBLISHED)
        NetworkFactory(status=Network.Status.DRAFT)
        assert list(Network.objects.published()) == [published]

    def test_networks_are_listed_by_name(self):
        NetworkFactory(name_it="Energy Cities")
        NetworkFactory(name_it="Climate Alliance")
        assert [str(network) for network in Network.objects.all()] == [
            "Climate Alliance",
            "Energy Cities",
        ]

    def test_name_falls_back_to_italian_where_english_is_missing(self):
        network = NetworkFactory(name_it="Rete delle Città interculturali", name_en="")
        with translation.override("en"):
            assert network.name == "Rete delle Città interculturali"

    def test_name_is_shown_in_the_active_language(self):
        network = NetworkFactory(name_it="Città Creative UNESCO", name_en="UNESCO Creative Cities")
        with translation.override("en"):
            assert str(network) == "UNESCO Creative Cities"
        with translation.override("it"):
            assert str(network) == "Città Creative UNESCO"


class TestJoinedYear:
    def test_joined_year_is_that_of_the_active_membership(self):
        network = NetworkFactory()
        MembershipFactory(network=network, joined_year=1996, left_year=2005)
        MembershipFactory(network=network, joined_year=2012)
        assert Network.objects.with_joined_year().get().joined_year == 2012

    def test_joined_year_of_a_network_left_is_that_of_the_latest_membership(self):
        network = NetworkFactory()
        MembershipFactory(network=network, joined_year=1996, left_year=2005)
        MembershipFactory(network=network, joined_year=2008, left_year=2015)
        assert Network.objects.with_joined_year().get().joined_year == 2008

    def test_network_without_membership_has_no_joined_year(self):
        NetworkFactory()
        assert Network.objects.with_joined_year().get().joined_year is None


class TestMembershipRules:
    def test_year_left_before_year_joined_is_refused_by_the_database(self):
        network = NetworkFactory()
        assert refused_by_database(
            model=Membership, network=network, joined_year=2010, left_year=2009
        )

    def test_year_left_before_year_joined_gets_a_message_on_that_field(self):
        membership = MembershipFactory.build(
            network=NetworkFactory(), joined_year=2010, left_year=2009
        )
        with pytest.raises(ValidationError) as error:
            membership.full_clean()
        assert error.value.message_dict == {
            "left_year": ["L’anno di uscita non può precedere l’anno di adesione."]
        }

    @pytest.mark.parametrize(
        ("joined", "left"), [(1200, None), (2200, None), (2000, 2500), (0, None)]
    )
    def test_years_out_of_range_are_refused_by_the_database(self, joined, left):
        assert refused_by_database(
            model=Membership, network=NetworkFactory(), joined_year=joined, left_year=left
        )

    def test_two_active_memberships_of_one_network_are_refused(self):
        network = NetworkFactory()
        MembershipFactory(network=network, joined_year=2002)
        assert refused_by_database(model=Membership, network=network, joined_year=2010)

    def test_second_active_membership_gets_a_form_message(self):
        network = NetworkFactory()
        MembershipFactory(network=network, joined_year=2002)
        with pytest.raises(ValidationError) as error:
            MembershipFactory.build(network=network, joined_year=2010).full_clean()
        assert "Esiste già un’adesione attiva a questa rete." in str(error.value)

    def test_a_past_membership_beside_the_active_one_is_accepted(self):
        network = NetworkFactory()
        MembershipFactory(network=network, joined_year=1996, left_year=2005)
        MembershipFactory(network=network, joined_year=2012)
        assert network.memberships.count() == 2

    def test_negative_fee_is_refused_by_the_database(self):
        assert refused_by_database(
            model=Membership, network=NetworkFactory(), joined_year=2010, annual_fee=-1
        )

    def test_active_returns_only_memberships_still_held(self):
        active = MembershipFactory(joined_year=2012)
        MembershipFactory(joined_year=1996, left_year=2005)
        assert list(Membership.objects.active()) == [active]

    def test_str_shows_the_years(self):
        network = NetworkFactory(name_it="EXARC")
        assert str(MembershipFactory(network=network, joined_year=2004)) == "EXARC (2004–)"


class TestTheme:
    def test_themes_are_ordered_by_position(self):
        ThemeFactory(name_it="Salute", position=20)
        ThemeFactory(name_it="Clima", position=30)
        ThemeFactory(name_it="Pace", position=10)
        assert [str(theme) for theme in Theme.objects.all()] == ["Pace", "Salute", "Clima"]

    def test_duplicate_slug_is_refused(self):
        ThemeFactory(slug="salute")
        with pytest.raises(IntegrityError), transaction.atomic():
            ThemeFactory(slug="salute")


class TestNetworksPage:
    def test_load_creates_the_page_once(self):
        first = NetworksPage.load()
        second = NetworksPage.load()
        assert first.pk == second.pk
        assert NetworksPage.objects.count() == 1

    def test_saving_a_new_page_replaces_the_one_page(self):
        NetworksPage.load()
        NetworksPage(title_it="Reti", introduction_it="Testo").save()
        assert NetworksPage.objects.count() == 1
        assert NetworksPage.objects.get().introduction_it == "Testo"

    def test_a_second_row_is_refused_by_the_database(self):
        # bulk_create skips save(), which would otherwise pin the primary key.
        with pytest.raises(IntegrityError), transaction.atomic():
            NetworksPage.objects.bulk_create([NetworksPage(id=2, title_it="Altra")])
