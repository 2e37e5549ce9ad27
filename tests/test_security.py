"""Production settings and the security headers every response carries."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db


def manage(*args, **environ):
    """Run manage.py in a fresh interpreter with only `environ` as the project's settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_reports_nothing_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="reti.comune.modena.it",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_a_tls_proxy_the_forwarded_protocol_is_trusted_only_when_asked():
    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    key = secrets.token_urlsafe(50)
    direct = manage("shell", "-c", show, DJANGO_SECRET_KEY=key)
    assert direct.stdout.strip().endswith("None")
    trusted = manage("shell", "-c", show, DJANGO_SECRET_KEY=key, DJANGO_BEHIND_TLS_PROXY="1")
    assert "HTTP_X_FORWARDED_PROTO" in trusted.stdout


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/it/reti/")
    assert response.status_code == 301
    assert response.url == "https://testserver/it/reti/"


def test_https_responses_tell_browsers_to_stay_on_https(client, settings):
    response = client.get("/it/reti/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/it/reti/", "/en/networks/eurodesk/", "/it/reti/nessuna/", "/admin/login/"]
)
def test_every_response_carries_the_security_headers(client, path):
    NetworkFactory(slug="eurodesk")
    assert_security_headers(client.get(path))


def test_a_page_from_the_page_cache_carries_the_security_headers_too(
    client, django_assert_num_queries
):
    NetworkFactory(slug="eurodesk")
    client.get("/it/reti/")
    with django_assert_num_queries(0):  # answered from the page cache
        response = client.get("/it/reti/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_pages_have_no_inline_script(client):
    NetworkFactory(slug="eurodesk")
    for path in ["/it/reti/", "/en/networks/eurodesk/", "/it/dati-aperti/"]:
        content = client.get(path).content.decode()
        for script in content.split("<script")[1:]:
            opening = script.split(">", 1)[0]
            assert "src=" in opening or 'type="application/ld+json"' in opening, opening


def test_the_admin_address_is_configurable():
    show = "from django.urls import reverse; print(reverse('admin:index'))"
    moved = manage(
        "shell",
        "-c",
        show,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ADMIN_URL="gestione",
    )
    assert moved.stdout.strip().endswith("/gestione/")


def test_short_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Modena2026!")  # 11 characters
    validate_password("Ghirlandina-1319-torre")
