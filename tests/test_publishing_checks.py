"""
Checks before publishing: whoever publishes a network that lacks something is told what, in
Italian, and confirms; from its form (its state, "Salva e pubblica") and from the bulk action.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Network

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_admin import inline_management_data
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:networks_network_changelist")

MISSING = [
    "Mancano i suoi testi in Inglese.",
    "Non ha temi: non compare nella pagina di nessun tema.",
    "Non ha un’adesione attiva.",
    "Non ha documenti pubblici.",
]


@pytest.fixture
def bare(db):
    """A draft with none of what a published network should have."""
    return NetworkFactory(status=Network.Status.DRAFT, name_it="Eurodesk", summary_en="")


@pytest.fixture
def complete(db):
    network = NetworkFactory(
        status=Network.Status.DRAFT,
        name_it="Energy Cities",
        themes=[ThemeFactory()],
        key_facts="1.000 città",
        key_facts_date=timezone.localdate(),
    )
    MembershipFactory(network=network, joined_year=1998)
    DocumentFactory(network=network, is_public=True)
    return network


def change_url(network):
    return reverse("admin:networks_network_change", args=[network.pk])


def status(network):
    return Network.objects.get(pk=network.pk).status


def publish_from_the_form(client, network, **changes):
    network = Network.objects.get(pk=network.pk)
    data = change_form_data(network, status="published", **changes)
    return client.post(change_url(network), data)


def test_publishing_a_network_that_lacks_things_lists_them_and_asks(client, administrator, bare):
    client.force_login(administrator)
    page = publish_from_the_form(client, bare)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Prima di pubblicare, controlla:" in text
    for warning in MISSING:
        assert warning in text
    assert "Sì, pubblicala comunque" in text
    assert status(bare) == Network.Status.DRAFT

    publish_from_the_form(client, bare, confirm_publish="on")
    assert status(bare) == Network.Status.PUBLISHED


def test_a_complete_network_is_published_at_once(client, administrator, complete):
    client.force_login(administrator)
    rows = {**membership_row(complete), **document_row(complete), **facts(complete)}
    response = publish_from_the_form(client, complete, **rows)
    assert response.status_code == 302
    assert status(complete) == Network.Status.PUBLISHED


def facts(network):
    return {"key_facts_it": network.key_facts_it, "key_facts_date": network.key_facts_date}


def membership_row(network):
    membership = network.memberships.get()
    return {
        **inline_management_data("memberships", total=1, initial=1),
        "memberships-0-id": str(membership.pk),
        "memberships-0-network": str(network.pk),
        "memberships-0-joined_year": str(membership.joined_year),
    }


def document_row(network):
    document = network.documents.get()
    return {
        **inline_management_data("documents", total=1, initial=1),
        "documents-0-id": str(document.pk),
        "documents-0-network": str(network.pk),
        "documents-0-title_it": document.title_it,
        "documents-0-language": document.language,
        "documents-0-is_public": "on",
    }


def test_what_the_same_save_adds_or_removes_counts(client, administrator, complete):
    client.force_login(administrator)
    rows = {**membership_row(complete), **document_row(complete), **facts(complete)}
    rows["memberships-0-left_year"] = "2024"  # the membership ends in this save
    text = publish_from_the_form(client, complete, **rows).content.decode()
    assert "Non ha un’adesione attiva." in text
    assert "Non ha documenti pubblici." not in text
    assert status(complete) == Network.Status.DRAFT


def test_old_or_undated_key_facts_are_warned_of(client, administrator, complete):
    client.force_login(administrator)
    rows = {**membership_row(complete), **document_row(complete)}
    old = timezone.localdate() - datetime.timedelta(days=500)
    text = publish_from_the_form(
        client, complete, key_facts_it="1.000 città", key_facts_date=old.isoformat(), **rows
    ).content.decode()
    assert "I suoi dati principali sono più vecchi di 12 mesi." in text
    text = publish_from_the_form(
        client, complete, key_facts_it="1.000 città", key_facts_date="", **rows
    ).content.decode()
    assert "I suoi dati principali non hanno una data." in text


def test_approving_a_network_in_review_is_checked_too(client, administrator, bare):
    Network.objects.filter(pk=bare.pk).update(status=Network.Status.REVIEW)
    client.force_login(administrator)
    data = change_form_data(Network.objects.get(pk=bare.pk), _publish="1")
    text = client.post(change_url(bare), data).content.decode()
    assert "Non ha temi" in text
    assert status(bare) == Network.Status.REVIEW


def test_saving_a_network_already_published_asks_nothing(client, administrator):
    network = NetworkFactory(status=Network.Status.PUBLISHED)
    client.force_login(administrator)
    data = change_form_data(network, summary_it="Nuova sintesi.")
    assert client.post(change_url(network), data).status_code == 302


def test_the_bulk_action_lists_what_each_network_lacks_then_publishes(
    client, administrator, bare, complete
):
    NetworkFactory(name_it="Eurodesk", status=Network.Status.PUBLISHED)  # the same name
    client.force_login(administrator)
    selected = {"action": "publish", "_selected_action": [bare.pk, complete.pk]}
    page = client.post(CHANGELIST, selected)
    text = page.content.decode()
    assert "Prima di pubblicare, controlla:" in text
    assert "La rete «Eurodesk» ha lo stesso nome." in text
    for warning in MISSING:
        assert warning in text
    assert change_url(bare) in text
    assert change_url(complete) not in text  # it lacks nothing
    assert {status(bare), status(complete)} == {Network.Status.DRAFT}

    client.post(CHANGELIST, {**selected, "confirm": "1"})
    assert {status(bare), status(complete)} == {Network.Status.PUBLISHED}


def test_the_bulk_action_publishes_complete_networks_at_once(client, administrator, complete):
    client.force_login(administrator)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [complete.pk]})
    assert status(complete) == Network.Status.PUBLISHED
