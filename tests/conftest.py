import pytest
from django.core.cache import cache
from django.db import connection


def pytest_report_header():
    return f"database: {connection.vendor}"


@pytest.fixture(autouse=True)
def _test_storages(settings, tmp_path):
    """
    Keep uploads in a temporary folder, and serve static files without the hashed manifest.

    Production uses WhiteNoise's manifest storage, which needs `collectstatic` first; the tests
    render pages without running it, so WhiteNoise serves from the apps' folders as in DEBUG.
    """
    settings.WHITENOISE_AUTOREFRESH = True
    cache.clear()  # no page cached by an earlier test
    # The test client speaks plain HTTP; production redirects it to HTTPS (test_security.py).
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
