"""Static files as production serves them: hashed, compressed names built by collectstatic."""

import json

from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from modena_networks import settings as project_settings
from networks.views import server_error


def test_collectstatic_builds_hashed_compressed_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = project_settings.STORAGES
    call_command("collectstatic", "--no-input", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in [
        "css/bootstrap-italia.min.css",
        "js/bootstrap-italia.min.js",
        "networks/css/fonts.css",
        "jquery-ui/jquery-ui.min.js",
    ]:
        assert paths[name] != name, name
        assert (tmp_path / f"{paths[name]}.gz").exists(), name
    fonts = (tmp_path / paths["networks/css/fonts.css"]).read_text()
    titillium = paths["fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2"]
    assert titillium.rsplit("/", 1)[1] in fonts


def test_server_error_page_speaks_the_visitors_language():
    request = RequestFactory().get("/en/networks/")
    with translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Service temporarily unavailable" in content
    with translation.override("it"):
        assert "Servizio temporaneamente non disponibile" in server_error(request).content.decode()
