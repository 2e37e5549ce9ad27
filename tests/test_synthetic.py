"""populate_synthetic: realistic networks in bulk for the benchmarks, replaced on each run."""

import pytest
from django.core.management import call_command

from networks.models import Document, Membership, Network, SearchDocument

pytestmark = pytest.mark.django_db


def test_creates_networks_with_their_parts_and_can_run_again(client):
    call_command("populate_synthetic", networks=50, verbosity=0)
    call_command("populate_synthetic", networks=40, verbosity=0)
    synthetic = Network.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 40
    assert Membership.objects.filter(network__in=synthetic).count() == 40
    assert SearchDocument.objects.filter(network__in=synthetic).count() == 80
    assert Document.objects.filter(network__in=synthetic).count() == 4
    assert all(network.themes.exists() for network in synthetic)
    assert synthetic.published().exists() and synthetic.exclude(status="published").exists()


def test_synthetic_networks_show_and_search_like_real_ones(client):
    call_command("populate_synthetic", networks=30, verbosity=0)
    network = Network.objects.published().filter(slug__startswith="synthetic-").first()
    assert client.get(network.get_absolute_url()).status_code == 200
    response = client.get("/en/networks/", {"q": network.name_en})
    assert network in response.context["network_list"]


def test_leaves_the_real_content_alone():
    call_command("loaddata", "demo", verbosity=0)
    call_command("populate_synthetic", networks=10, verbosity=0)
    call_command("populate_synthetic", networks=10, verbosity=0)
    assert Network.objects.exclude(slug__startswith="synthetic-").count() == 15
