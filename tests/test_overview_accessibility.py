"""
The overview and the full text as a browser shows them (tests/test_accessibility.py's Chromium
and fixtures, with the demo content): axe-core on a desktop and on a 375 px phone, the charts'
contrast and size, and the pages on paper.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from .test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    contrast,
    live_server,
    open_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

NARROW_PHONE = {"width": 375, "height": 812}
NAMES = ["networks:overview", "networks:full_text"]


def path(name, language="it"):
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_page_has_no_accessibility_violations(open_page, name, language):  # noqa: F811
    assert_no_axe_violations(open_page(path(name, language)))


@pytest.mark.parametrize("name", NAMES)
def test_page_fits_a_narrow_phone_without_accessibility_violations(open_page, name):  # noqa: F811
    page = open_page(path(name), viewport=NARROW_PHONE)
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]


def test_charts_fit_a_narrow_phone_with_legible_figures(open_page):  # noqa: F811
    page = open_page(path("networks:overview"), viewport=NARROW_PHONE)
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW_PHONE["width"]
        assert box["width"] > 300, "the chart should use the phone's width"
    font_sizes = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')]"
        ".map(text => text.getBoundingClientRect().height)"
    )
    assert min(font_sizes) >= 9


def test_bars_and_figures_stand_out_from_the_page(open_page):  # noqa: F811
    page = open_page(path("networks:overview"))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    bar = page.locator("svg.chart rect.chart-bar").first.evaluate("e => getComputedStyle(e).fill")
    label = page.locator("svg.chart text").first.evaluate("e => getComputedStyle(e).fill")
    assert bar == "rgb(0, 102, 204)"  # the kit's primary blue
    assert contrast(bar, background) >= 3  # graphics (WCAG 1.4.11)
    assert contrast(label, background) >= 4.5  # text (WCAG 1.4.3)


def test_the_print_button_shows_with_javascript_and_not_on_paper(open_page):  # noqa: F811
    page = open_page(path("networks:full_text", "en"))
    button = page.get_by_role("button", name="Print")
    assert button.is_visible()
    page.emulate_media(media="print")
    assert not button.is_visible()
    for hidden in [".it-header-wrapper", ".breadcrumb-container", "#feedback", ".it-footer"]:
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("h1").is_visible()
    assert page.locator("article").count() == 15  # the demo's networks, all on paper
