"""
What Lighthouse judges of the public pages besides their timings (make audit measures those):
the site's icons, compressed pages, deferred scripts, fonts preloaded with fallbacks that keep
the layout still while they load.
"""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from networks.management.commands import build_kit_css

from .factories import NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/it/reti/",
    "/en/networks/",
    "/it/reti/eurodesk/",
    "/it/temi/giovani/",
    "/it/note-legali/",
]


@pytest.fixture
def content(db):
    NetworkFactory(slug="eurodesk", themes=[ThemeFactory(slug="giovani")])


@pytest.mark.parametrize("path", PAGES)
def test_every_page_names_its_icons(client, content, path):
    page = client.get(path).content.decode()
    assert f'<link rel="icon" href="{static("networks/img/favicon.svg")}">' in page
    assert (
        f'<link rel="apple-touch-icon" href="{static("networks/img/apple-touch-icon.png")}">'
        in page
    )


def test_favicon_ico_leads_to_the_site_s_icon(client):
    # Browsers ask for it whatever the page says: a 404 there is an error in their console.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("networks/img/favicon.ico")


def test_the_icons_are_configurable(client, content, settings):
    settings.SITE_ICON = "https://www.comune.example.it/stemma.svg"
    settings.SITE_TOUCH_ICON = "city/stemma-180.png"
    settings.SITE_ICON_ICO = "https://www.comune.example.it/favicon.ico"
    page = client.get("/it/reti/").content.decode()
    assert '<link rel="icon" href="https://www.comune.example.it/stemma.svg">' in page
    assert f'<link rel="apple-touch-icon" href="{static("city/stemma-180.png")}">' in page
    assert client.get("/favicon.ico")["Location"] == "https://www.comune.example.it/favicon.ico"


@pytest.mark.parametrize("path", ["/it/reti/", "/it/reti/eurodesk/"])
def test_pages_are_compressed_for_browsers_that_accept_it(client, content, path):
    plain = client.get(path)
    assert "Content-Encoding" not in plain
    compressed = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3


def test_a_page_from_the_page_cache_is_compressed_too(client, content):
    client.get("/it/reti/")
    cached = client.get("/it/reti/", headers={"Accept-Encoding": "gzip"})
    assert cached["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("path", PAGES)
def test_scripts_are_deferred_and_the_kit_s_bundle_is_not_loaded(client, content, path):
    page = client.get(path).content.decode()
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)
    assert scripts
    assert all(" defer" in script for script in scripts), scripts
    assert "bootstrap-italia.bundle" not in page
    # The kit itself stays: AgID's validator reads its version from it (C.SI.1.2).
    assert static("js/bootstrap-italia.min.js") in page
    assert "css/bootstrap-italia.min.css" not in page  # its subset instead: kit.css


def test_the_fonts_the_first_screen_uses_are_preloaded(client, content):
    page = client.get("/it/reti/").content.decode()
    preloaded = re.findall(
        r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', page
    )
    assert (
        static("fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2") in preloaded
    )
    assert len(preloaded) <= 3  # each one delays the others


def test_the_fonts_have_fallbacks_of_the_same_size():
    # While Titillium Web and Lora load, text is set in local fonts adjusted to their metrics, so
    # that the page does not move when they arrive (Lighthouse's layout shift).
    css = Path(finders.find("networks/css/fonts.css")).read_text()
    for family in ["Titillium Web Fallback", "Lora Fallback"]:
        face = re.search(rf'font-family: "{family}";[^}}]*', css)
        assert face, family
        for descriptor in ["size-adjust", "ascent-override", "descent-override", "src: local("]:
            assert descriptor in face.group(0), (family, descriptor)
    site = Path(finders.find("networks/css/site.css")).read_text()
    assert '"Titillium Web", "Titillium Web Fallback"' in site


def test_the_kit_s_style_sheet_is_the_subset_build_kit_css_writes():
    # A class a template starts using needs `manage.py build_kit_css`: without its rules the page
    # would look unstyled where the class is.
    kit = Path(finders.find(build_kit_css.KIT)).read_text()
    assert build_kit_css.OUTPUT.read_text() == build_kit_css.build(kit, build_kit_css.words_used())


def test_the_subset_keeps_the_rules_of_the_classes_used_and_only_those():
    kit = (
        ".btn{color:red}.carousel{color:blue}.btn:not(.carousel):hover{color:green}"
        "@media (min-width:768px){.btn,.carousel .item{margin:0}.carousel{margin:1px}}"
        ":root{--bootstrap-italia-version:'2.18.0'}h1{font-size:2rem}"
        "@font-face{font-family:VideoJS}@keyframes spin{to{transform:rotate(1turn)}}"
    )
    css = build_kit_css.build(kit, {"btn"})
    assert ".btn{color:red}" in css
    assert ".btn:not(.carousel):hover{color:green}" in css
    assert "@media (min-width:768px){.btn{margin:0}}" in css
    assert ':root{--bootstrap-italia-version:"2.18.0"}h1{font-size:2rem}' in css
    assert "@keyframes spin" in css
    assert "carousel{" not in css and ".item" not in css and "VideoJS" not in css
