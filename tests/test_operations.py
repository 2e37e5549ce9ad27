"""Operations: the health check, request ids, one-line logs with tracebacks."""

import io
import json
import logging
import wsgiref.util

import pytest
from django.core import signals
from django.db import close_old_connections

from modena_networks import health, logs
from networks.views import NetworkListView

pytestmark = pytest.mark.django_db


def test_health_check_is_ok_when_everything_works(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def broken_check(part):
    def broken():
        raise ConnectionError(f"{part} down")

    return broken


@pytest.mark.parametrize("part", ["database", "storage"])
def test_health_check_names_what_fails(client, monkeypatch, part):
    monkeypatch.setitem(health.CHECKS, part, broken_check(part))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()[part] == "failing"


def test_health_check_reports_a_failing_cache_but_keeps_the_site_in_the_load_balancer(
    client, monkeypatch
):
    monkeypatch.setitem(health.CHECKS, "cache", broken_check("cache"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "failing", "storage": "ok"}


def test_every_response_has_a_request_id_and_keeps_the_proxy_s(client):
    generated = client.get("/it/reti/")["X-Request-ID"]
    assert len(generated) == 32
    given = client.get("/it/reti/", headers={"x-request-id": "lb-1234"})
    assert given["X-Request-ID"] == "lb-1234"
    forged = client.get("/it/reti/", headers={"x-request-id": "<script>\n"})
    assert forged["X-Request-ID"] != "<script>\n"


def test_a_server_error_is_logged_on_one_line_with_its_traceback_and_request_id(
    client, monkeypatch, settings
):
    def failing(self):
        raise RuntimeError("database on fire")

    # The handler LOGGING configures, writing where the test can read it.
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(
        logs.OneLineFormatter(settings.LOGGING["formatters"]["one_line"]["format"])
    )
    logging.getLogger("django.request").addHandler(handler)
    monkeypatch.setattr(NetworkListView, "get_queryset", failing)
    client.raise_request_exception = False
    try:
        response = client.get("/it/reti/", headers={"x-request-id": "req-42"})
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert response.status_code == 500
    assert "Servizio temporaneamente non disponibile" in response.content.decode()
    [line] = output.getvalue().splitlines()
    assert "ERROR django.request [req-42] Internal Server Error: /it/reti/" in line
    assert "Traceback (most recent call last)" in line
    assert line.endswith("RuntimeError: database on fire")


def test_gunicorn_s_entry_point_serves_the_site():
    from modena_networks.wsgi import application

    environ = {"PATH_INFO": "/healthz", "HTTP_HOST": "testserver"}
    wsgiref.util.setup_testing_defaults(environ)
    statuses = []
    # As Django's test client does: the test's transaction keeps its connection open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"]
    assert json.loads(body) == {"database": "ok", "cache": "ok", "storage": "ok"}
