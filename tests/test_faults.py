"""Faults: the database or the cache failing is a styled, short answer, never a crash or a hang."""

import socket
import time

import pytest
from django.conf import settings as django_settings
from django.db import InterfaceError, OperationalError, connection

from networks import cache as page_cache
from networks.views import NetworkListView

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db

UNAVAILABLE = {
    "it": "Servizio temporaneamente non disponibile",
    "en": "Service temporarily unavailable",
}


@pytest.fixture(autouse=True)
def network():
    return NetworkFactory(slug="eurodesk", name_it="Eurodesk Italia", name_en="Eurodesk")


def database_down(error_class):
    """Make every query of this test's connection fail as with the database unreachable."""

    def refuse(execute, sql, params, many, context):
        raise error_class("connection to server at 127.0.0.1, port 5432 failed")

    return connection.execute_wrapper(refuse)


@pytest.mark.parametrize("error_class", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "path, language",
    [("/it/reti/", "it"), ("/en/networks/", "en"), ("/en/networks/eurodesk/", "en")],
)
def test_a_database_outage_is_a_styled_503_in_the_visitor_s_language(
    client, caplog, error_class, path, language
):
    with database_down(error_class):
        response = client.get(path)
    content = response.content.decode()
    assert response.status_code == 503
    assert UNAVAILABLE[language] in content
    assert f'<html lang="{language}">' in content
    assert "Server Error (500)" not in content
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.levelname == "ERROR"
    assert record.getMessage() == f"Service Unavailable: {path}"
    assert record.exc_info[0] is error_class


def test_a_503_is_not_kept_by_the_page_cache(client):
    with database_down(OperationalError):
        assert client.get("/it/reti/").status_code == 503
    response = client.get("/it/reti/")
    assert response.status_code == 200
    assert "Eurodesk Italia" in response.content.decode()


def test_pages_seen_before_are_still_served_while_the_database_is_down(client):
    seen = client.get("/it/reti/eurodesk/")
    with database_down(OperationalError):
        again = client.get("/it/reti/eurodesk/")
    assert again.status_code == 200
    assert again.content == seen.content


def test_other_errors_are_still_a_styled_500(client, monkeypatch):
    def failing(self):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(NetworkListView, "get_queryset", failing)
    client.raise_request_exception = False
    response = client.get("/it/reti/")
    assert response.status_code == 500
    assert UNAVAILABLE["it"] in response.content.decode()
    assert "Retry-After" not in response


def test_workers_check_their_database_connection_before_using_it_again():
    # After a database restart, each worker's kept connection is dead: checked at the start of
    # each request, it is replaced at once instead of failing one request per worker.
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.fixture
def redis_down(settings):
    """Point the cache at a Redis port of the loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.mark.parametrize(
    "path", ["/it/reti/", "/en/networks/eurodesk/", "/it/reti/?q=euro", "/opendata/networks.csv"]
)
def test_redis_down_is_not_an_outage(client, redis_down, path):
    response = client.get(path)
    assert response.status_code == 200
    assert client.get(path).content == response.content


def test_the_health_check_says_degraded_but_up_with_redis_down(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "failing", "storage": "ok"}


def test_a_cache_outage_is_logged_with_its_traceback_once_a_minute_not_on_every_request(
    client, redis_down, caplog, monkeypatch
):
    monkeypatch.setattr(page_cache, "last_failure_logged", None)

    def logged():
        return [record for record in caplog.records if record.name == "networks.cache"]

    for path in ["/it/reti/", "/en/networks/", "/en/networks/eurodesk/"]:
        assert client.get(path).status_code == 200
    [record] = logged()
    assert "The cache is unavailable" in record.getMessage()
    assert record.exc_info is not None
    # A minute later, the outage is said again.
    monkeypatch.setattr(page_cache, "last_failure_logged", time.monotonic() - 61)
    client.get("/it/reti/")
    assert len(logged()) == 2
