"""The bulk edits of the networks' list: a theme added or removed, the key facts dated, the
active memberships ended; for editors and administrators, each change in the history."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from networks.models import Membership, Network
from networks.roles import ADMINISTRATORS, EDITORS

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:networks_network_changelist")


@pytest.fixture(params=[EDITORS, ADMINISTRATORS])
def staff(request, client):
    user = User.objects.create_user(f"utente-{request.param}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=request.param))
    client.force_login(user)
    return client


@pytest.fixture
def networks():
    # Drafts: editors' changes to published networks go through review
    # (test_editors_leave_published_networks_as_they_are).
    peace = ThemeFactory(slug="pace", name_it="Pace")
    draft = Network.Status.DRAFT
    first = NetworkFactory(slug="prima", name_it="Prima rete", themes=[peace], status=draft)
    second = NetworkFactory(slug="seconda", name_it="Seconda rete", status=draft)
    MembershipFactory(network=first, joined_year=2000)
    MembershipFactory(network=second, joined_year=2015)
    return {"peace": peace, "first": first, "second": second}


def act(client, action, networks, **data):
    selected = [network.pk for network in networks]
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": selected, **data}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


class TestThemes:
    def test_the_action_asks_for_the_theme_first_and_changes_nothing(self, staff, networks):
        response = act(staff, "add_theme", [networks["second"]])
        content = response.content.decode()
        assert "Aggiungi un tema" in content and "Seconda rete" in content
        assert not networks["second"].themes.exists()

    def test_a_theme_is_added_to_those_without_it(self, staff, networks):
        peace = networks["peace"]
        response = act(
            staff, "add_theme", [networks["first"], networks["second"]], theme=peace.pk, apply="1"
        )
        assert messages_of(response) == ["Tema «Pace» aggiunto: 1 rete modificata."]
        assert set(peace.networks.all()) == {networks["first"], networks["second"]}
        # A version of the changed network, with its new theme.
        version = networks["second"].history.first()
        assert list(version.themes.values_list("theme__slug", flat=True)) == ["pace"]

    def test_a_theme_is_removed(self, staff, networks):
        response = act(
            staff, "remove_theme", [networks["first"]], theme=networks["peace"].pk, apply="1"
        )
        assert messages_of(response) == ["Tema «Pace» tolto: 1 rete modificata."]
        assert not networks["first"].themes.exists()

    def test_no_theme_chosen_is_an_error_in_italian(self, staff, networks):
        response = act(staff, "add_theme", [networks["first"]], apply="1")
        assert "Questo campo è obbligatorio." in response.content.decode()


class TestKeyFactsDate:
    def test_the_date_is_set_on_each_network(self, staff, networks):
        response = act(
            staff,
            "set_key_facts_date",
            [networks["first"], networks["second"]],
            key_facts_date="03/12/2026",
            apply="1",
        )
        assert messages_of(response) == ["Data dei dati principali impostata: 2 reti modificate."]
        dates = set(Network.objects.values_list("key_facts_date", flat=True))
        assert dates == {datetime.date(2026, 12, 3)}
        assert networks["first"].history.first().key_facts_date == datetime.date(2026, 12, 3)

    def test_a_date_that_is_not_one_is_refused(self, staff, networks):
        response = act(
            staff, "set_key_facts_date", [networks["first"]], key_facts_date="31/02/2026", apply="1"
        )
        assert "Inserisci una data valida." in response.content.decode()
        assert Network.objects.get(slug="prima").key_facts_date != datetime.date(2026, 2, 28)


class TestEndMemberships:
    def test_active_memberships_end_in_the_year_given(self, staff, networks):
        response = act(
            staff,
            "end_memberships",
            [networks["first"], networks["second"]],
            left_year="2010",
            apply="1",
        )
        assert messages_of(response) == [
            "Adesione attiva conclusa nel 2010: 1 rete modificata.",
            "Lasciate come erano, adesione successiva al 2010: Seconda rete.",
        ]
        assert Membership.objects.get(network=networks["first"]).left_year == 2010
        assert Membership.objects.get(network=networks["second"]).left_year is None

    def test_a_year_out_of_range_is_refused(self, staff, networks):
        response = act(staff, "end_memberships", [networks["first"]], left_year="3000", apply="1")
        assert "Assicurati che questo valore sia minore o uguale a 2100." in (
            response.content.decode()
        )
        assert Membership.objects.get(network=networks["first"]).left_year is None


def test_someone_who_may_not_change_networks_is_not_offered_the_edits(client, networks):
    user = User.objects.create_user("lettore", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_network"))
    client.force_login(user)
    # No action at all for who may only look: the list has no action menu.
    assert client.get(CHANGELIST).context["action_form"] is None
    act(client, "add_theme", [networks["second"]], theme=networks["peace"].pk, apply="1")
    assert not networks["second"].themes.exists()


def test_ending_memberships_needs_the_right_to_change_them(client, networks):
    user = User.objects.create_user("solo-reti", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_network", "change_network"])
    )
    client.force_login(user)
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    names = {name for name, _label in actions}
    assert "add_theme" in names and "end_memberships" not in names
    act(client, "end_memberships", [networks["first"]], left_year="2010", apply="1")
    assert Membership.objects.get(network=networks["first"]).left_year is None


def test_editors_leave_published_networks_as_they_are(client, editor, networks):
    published = NetworkFactory(name_it="Rete pubblicata")
    client.force_login(editor)
    peace = networks["peace"]
    selected = [published, networks["second"]]
    response = act(client, "add_theme", selected, theme=peace.pk, apply="1")
    assert "1 rete pubblicata è rimasta com’era" in " ".join(messages_of(response))
    assert not published.themes.exists()
    assert networks["second"].themes.filter(pk=peace.pk).exists()
