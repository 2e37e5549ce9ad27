import os
import tempfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import settings as hypothesis_settings

from networks.roles import ADMINISTRATORS, EDITORS

from .factories import StaffFactory

# Property-based tests: a quick profile in `make test`, a deep one with `make robustness`.
hypothesis_settings.register_profile("quick", max_examples=60)
hypothesis_settings.register_profile("deep", max_examples=10_000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_report_header():
    return f"database: {connection.vendor}"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """
    Hash passwords with MD5 in the tests: each login and each user made costs a hash.

    Production keeps Django's default, PBKDF2 (test_settings.py checks that it does).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_storages(settings, tmp_path, monkeypatch):
    """
    Keep uploads in a temporary folder, and serve static files without the hashed manifest.

    Production uses WhiteNoise's manifest storage, which needs `collectstatic` first; the tests
    render pages without running it, so WhiteNoise serves from the apps' folders as in DEBUG.
    """
    settings.WHITENOISE_AUTOREFRESH = True
    # Temporary files (an import's preview, a restore's unpacking) in the test's folder too.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    if "LOCATION" in settings.CACHES["default"] and not settings.REDIS_URL:
        # The file cache of this test only.
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": tmp_path / "cache"}
        }
    cache.clear()  # no page cached by an earlier test
    # The test client speaks plain HTTP; production redirects it to HTTPS (test_security.py).
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The office's people, as the README's permission table names them. pytest-django's `admin_user`
# and `admin_client` are the superuser.


@pytest.fixture
def editor(db):
    """A member of the editors' group (Redattori)."""
    return StaffFactory(username="redattrice", groups=[EDITORS])


@pytest.fixture
def administrator(db):
    """A member of the administrators' group (Amministratori)."""
    return StaffFactory(username="amministratrice", groups=[ADMINISTRATORS])


@pytest.fixture
def viewer(db):
    """Staff who may look at everything in the admin and change nothing."""
    return StaffFactory(
        username="lettore", permissions=Permission.objects.filter(codename__startswith="view_")
    )


@pytest.fixture
def intern(db):
    """Staff with all the editors' permissions but the one to publish."""
    editors = Group.objects.get(name=EDITORS).permissions.exclude(codename="publish_network")
    return StaffFactory(username="stagista", permissions=editors)


@pytest.fixture
def editor_client(editor):
    """A browser logged in to the admin as the editor (beside `client`, a visitor's)."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def administrator_client(administrator):
    """A browser logged in to the admin as the administrator, who may publish."""
    client = Client()
    client.force_login(administrator)
    return client
