"""
The OpenAPI description of the open data (/opendata/openapi.yaml), and schemathesis over it: it
sends requests the description allows, and some it forbids, to the application itself, and
checks every answer against the description (no server error, documented status codes, content
types, headers and bodies; what the description forbids refused with a 4xx).
"""

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    youth = ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth")
    climate = ThemeFactory(slug="clima", name_it="Clima", name_en="Climate")
    eurodesk = NetworkFactory(slug="eurodesk", name_it="Eurodesk", themes=[youth], scope="european")
    MembershipFactory(network=eurodesk, joined_year=2007, sector_it="Informagiovani")
    NetworkFactory(slug="clima", name_it="Alleanza per il clima", themes=[climate])


@pytest.fixture
def api(content, settings):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis sends to the application
    # The application called as WSGI closes the database connection after each request, as it
    # should in production; here that would close the test's transaction (on PostgreSQL). Django's
    # test client keeps it open the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/opendata/openapi.yaml", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_description_follows_the_italian_guidelines(client, content):
    response = client.get("/opendata/openapi.yaml")
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    description = yaml.safe_load(response.content)
    assert description["openapi"].startswith("3.")
    info = description["info"]
    assert info["x-api-id"] and info["x-summary"]
    assert info["title"] == "Dati aperti delle reti internazionali di città"  # in Italian
    assert info["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert info["contact"]["url"] == "http://testserver/it/dati-aperti/"
    assert description["servers"] == [
        {"url": "http://testserver", "description": "Comune di Modena"}
    ]
    operation = description["paths"]["/opendata/networks.json"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    # An empty value is no filter, as in the list's form.
    assert set(parameters["theme"]["items"]["enum"]) == {"", "giovani", "clima"}
    assert parameters["order"]["enum"] == ["", "name", "-name", "joined", "-joined"]
    assert parameters["joined_after"]["anyOf"] == [
        {"type": "integer", "minimum": 1850, "maximum": 2100},
        {"type": "string", "maxLength": 0},
    ]
    assert "application/problem+json" in operation["responses"]["400"]["content"]


# schemathesis's own pytest plugin does not run under pytest 9 (it reads a node's _nodeid, which
# pytest 9 took away): its strategies are driven by Hypothesis here instead.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_is_as_described(api, mode):
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:
        if mode.is_negative and not list(operation.query):
            continue  # nothing to get wrong in an address without parameters

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=150,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def check(case):
            # Uncompressed: the WSGI client that calls the application does not gunzip.
            case.call_and_validate(headers={"Accept-Encoding": "identity"})

        check()
