"""The settings read from the environment, each checked in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "DATABASE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "PASSWORD_HASHER": settings.PASSWORD_HASHERS[0],
}))
"""


def run_settings(script=SHOW_SETTINGS, **environ):
    """Run `script` in a fresh interpreter with the settings of `environ` alone."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "MEDIA_ROOT"))
    }
    env.update(DJANGO_SETTINGS_MODULE="modena_networks.settings", **environ)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_asked_for():
    result = run_settings(DJANGO_SECRET_KEY="s3cret")
    shown = json.loads(result.stdout)
    assert shown["DEBUG"] is False
    assert shown["ALLOWED_HOSTS"] == []
    assert shown["SESSION_COOKIE_SECURE"] is True


def test_passwords_are_hashed_with_pbkdf2_outside_the_tests():
    # The tests hash with MD5 for speed (conftest.py); the site never does.
    shown = json.loads(run_settings(DJANGO_SECRET_KEY="s3cret").stdout)
    assert shown["PASSWORD_HASHER"] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_debug_on_with_the_variable():
    shown = json.loads(run_settings(DJANGO_DEBUG="1").stdout)
    assert shown["DEBUG"] is True
    assert "127.0.0.1" in shown["ALLOWED_HOSTS"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_database_defaults_to_sqlite_in_the_project_folder():
    shown = json.loads(run_settings(DJANGO_SECRET_KEY="s3cret").stdout)
    assert shown["DATABASE"] == "django.db.backends.sqlite3"
    assert shown["DATABASE_NAME"] == str(settings.BASE_DIR / "db.sqlite3")


def test_database_url_media_root_and_hosts_come_from_the_environment():
    shown = json.loads(
        run_settings(
            DJANGO_SECRET_KEY="s3cret",
            DATABASE_URL="postgres://office@db.internal:5432/networks",
            MEDIA_ROOT="/srv/media",
            DJANGO_ALLOWED_HOSTS="reti.comune.modena.it, www.comune.modena.it",
        ).stdout
    )
    assert shown["DATABASE"] == "django.db.backends.postgresql"
    assert shown["DATABASE_NAME"] == "networks"
    assert shown["MEDIA_ROOT"] == "/srv/media"
    assert shown["ALLOWED_HOSTS"] == ["reti.comune.modena.it", "www.comune.modena.it"]


def test_every_cache_key_carries_the_release():
    from django.core.cache import cache

    assert settings.RELEASE
    assert cache.make_key("page:anything").startswith(f"{settings.RELEASE}:")


def test_the_release_changes_with_a_template_and_can_be_set_by_the_deploy(tmp_path):
    from modena_networks.settings import code_digest

    template = tmp_path / "card.html"
    template.write_text("<p>{{ network }}</p>")
    before = code_digest(tmp_path)
    assert code_digest(tmp_path) == before, "the same code, the same release"
    template.write_text("<p class='card'>{{ network }}</p>")
    assert code_digest(tmp_path) != before
    show = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "modena_networks.settings"}
    env.update(DJANGO_RELEASE="2026.12.1", DJANGO_SECRET_KEY="x")
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + show],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "2026.12.1"
