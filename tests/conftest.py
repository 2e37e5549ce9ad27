import os
import tempfile

import pytest
from django.core.cache import cache
from django.db import connection
from hypothesis import settings as hypothesis_settings

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
