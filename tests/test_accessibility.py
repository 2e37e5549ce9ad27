"""
The public pages as a browser shows them, checked with axe-core for WCAG 2.1 A and AA and axe's
best practices, on a desktop and on a phone, and with the keyboard.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; axe-core ships inside
axe-playwright-python. Without Chromium the checks are skipped, except in CI (CI=true), where
they fail: .ci/run installs it.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from .pages import PAGES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# On a phone, one page of each kind: the Italian ones, whose texts are the longer.
PHONE_PAGES = [page for page in PAGES if page.id.endswith("-it")]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} for the accessibility checks: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI must run them)")
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's synchronous API keeps its asyncio loop running in this thread, and Django
        # refuses database calls there (loading the demo, emptying the tables) unless told that
        # they are safe. They are: the loop is Playwright's, and no Django code runs in it.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(scope="module")
def live_server():
    """
    Serve the site from a thread, as pytest-django's live_server does, for this module only.

    WhiteNoise reads its settings once, when the server starts, before tests/conftest.py's
    settings apply to a test: without them it looks for collectstatic's folder, which the tests
    never build, and warns (an error here) that it is missing. SecurityMiddleware likewise reads
    once whether to redirect to HTTPS, which this plain-HTTP server cannot speak.
    """
    with override_settings(WHITENOISE_AUTOREFRESH=True, SECURE_SSL_REDIRECT=False):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def open_page(browser, live_server):
    """
    Return a function that opens a path of the demo site in a new browser tab, as a visitor would.

    It fails the test if the page answers with another status than expected, or if any file the
    page needs (CSS, JavaScript, fonts, icons) fails to load: without the kit's styles, axe would
    judge the contrast of an unstyled page.
    """
    call_command("loaddata", "demo", verbosity=0)
    contexts = []

    def open_page(path, status=200, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        failed = []

        def check_response(response):
            if response.status >= 400 and not response.request.is_navigation_request():
                failed.append(f"{response.url} ({response.status})")

        page.on("response", check_response)
        page.on("requestfailed", lambda request: failed.append(f"{request.url} (failed)"))
        # The Content-Security-Policy is in force here too: nothing the page does may break it.
        blocked = []
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        # Until the network is idle: the kit's script and the icon load after the page does,
        # and a request still open when the test ends would reach a server being stopped.
        response = page.goto(live_server.url + path, wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => null)")
        assert response.status == status
        assert not failed, f"files the page needs did not load: {failed}"
        assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
        return page

    yield open_page
    for context in contexts:
        context.close()


def contrast(first, second):
    """Return the WCAG contrast ratio of two opaque CSS colours written as "rgb(r, g, b)"."""

    def luminance(colour):
        channels = [int(value) / 255 for value in colour[colour.index("(") + 1 : -1].split(",")]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    darker, lighter = sorted([luminance(first), luminance(second)])
    return (lighter + 0.05) / (darker + 0.05)


def assert_no_axe_violations(page):
    """Run axe-core on `page`; fail with one readable paragraph per violation, and its nodes."""
    paragraphs = []
    for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
        lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
        for node in violation["nodes"]:
            summary = " ".join(node["failureSummary"].split())
            lines.append(f"  {' > '.join(map(str, node['target']))}: {summary}")
        paragraphs.append("\n".join(lines))
    assert not paragraphs, "axe-core found:\n\n" + "\n\n".join(paragraphs)


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_page_has_no_accessibility_violations(open_page, path, status):
    assert_no_axe_violations(open_page(path, status))


@pytest.mark.parametrize(("path", "status"), PHONE_PAGES)
def test_page_on_a_phone_has_no_accessibility_violations(open_page, path, status):
    assert_no_axe_violations(open_page(path, status, viewport=PHONE))


@pytest.mark.parametrize("stars", [2, 5])
def test_page_rating_questions_after_the_stars_have_no_accessibility_violations(open_page, stars):
    page = open_page("/en/networks/citta-creative-unesco/")
    page.locator(f'label[for="feedback-rate-{stars}"]').click()
    assert page.locator("#feedback-comment").is_visible()
    assert_no_axe_violations(page)


def test_pages_are_styled_by_the_kit_with_its_fonts_and_scripts(open_page):
    page = open_page("/it/reti/")
    header = page.locator(".it-header-center-wrapper")
    assert header.evaluate("element => getComputedStyle(element).backgroundColor") == (
        "rgb(0, 102, 204)"  # the kit's primary blue
    )
    loaded_fonts = page.evaluate(
        "[...document.fonts].filter(font => font.status === 'loaded').map(font => font.family)"
    )
    assert {"Titillium Web", "Lora"} <= {family.strip("'\"") for family in loaded_fonts}
    assert page.evaluate("typeof window.bootstrap") == "object"


@pytest.mark.parametrize("path", ["/it/reti/", "/en/networks/citta-creative-unesco/"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_main_content(open_page, path):
    page = open_page(path)
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.get_attribute("href") == "#main-content"
    assert skip_link.bounding_box()["width"] > 1, "the focused skip link should be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main')?.id") == "main-content"


def test_unchosen_rating_stars_stand_out_from_the_card(open_page):
    # Axe checks the contrast of text only; these stars are the rating's radio buttons, and
    # controls need 3:1 against what is around them (WCAG 1.4.11).
    page = open_page("/it/reti/")
    card = page.locator("[data-element=feedback]")
    background = card.evaluate("element => getComputedStyle(element).backgroundColor")
    star = card.locator('label[for="feedback-rate-1"] svg')
    colours = star.evaluate("svg => [getComputedStyle(svg).fill, getComputedStyle(svg).stroke]")
    edges = [colour for colour in colours if colour.startswith("rgb(")]
    assert max(contrast(colour, background) for colour in edges) >= 3


def test_cards_are_centred_on_a_phone(open_page):
    page = open_page("/it/reti/", viewport={"width": 375, "height": 800})
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('.network-card')].map(card => {
            const box = card.getBoundingClientRect();
            return [box.left, window.innerWidth - box.right];
        })"""
    )
    assert gaps
    for left, right in gaps:
        assert abs(left - right) <= 1, (left, right)


def test_on_a_phone_the_results_are_in_view_after_filtering(open_page):
    phone = {"width": 375, "height": 740}
    page = open_page("/it/reti/", viewport=phone)
    # The introduction folds after its first paragraph: the filters come within the first screen.
    assert page.locator(".introduction-more").is_visible()
    assert not page.locator(".introduction-more p").first.is_visible()
    assert page.locator(".network-filters-panel summary").bounding_box()["y"] < phone["height"]
    page.locator(".network-filters-panel summary").click()
    page.locator("#id_q").fill("clima")
    page.get_by_role("button", name="Applica i filtri").click()
    page.wait_for_load_state("networkidle")
    count = page.locator(".results-count").bounding_box()
    assert 0 <= count["y"] < phone["height"] / 2, count
    first_card = page.locator(".network-card").first.bounding_box()
    assert first_card["y"] < phone["height"], first_card
    page.locator(".introduction-more summary").click()
    assert page.locator(".introduction-more p").first.is_visible()


def test_the_filters_are_open_beside_the_results_on_a_large_screen(open_page):
    assert open_page("/it/reti/").locator("#id_q").is_visible()
    phone = open_page("/it/reti/", viewport={"width": 375, "height": 740})
    assert not phone.locator("#id_q").is_visible()


def test_on_a_large_screen_the_introduction_is_whole(open_page):
    page = open_page("/it/reti/")
    assert not page.locator(".introduction-more").is_visible()
    assert page.get_by_text("Esse svolgono una funzione strategica").first.is_visible()


# Another administration's colours: the primary colour themes the kit (identity.theme)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_site_in_another_administration_s_colour_has_no_accessibility_violations(
    open_page, viewport
):
    from identity.models import Administration

    Administration.objects.create(
        name="Comune di Bologna",
        short_name="Bologna",
        ipa_code="c_a944",
        website="https://www.comune.bologna.it/",
        privacy_url="https://www.comune.bologna.it/privacy",
        accessibility_url="https://form.agid.gov.it/",
        # Bologna's red, at 9.4:1 with white.
        primary_colour="#8A1538",
    )
    page = open_page("/it/reti/", viewport=viewport)
    header = page.locator(".it-header-center-wrapper")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(0, 102, 204)"
    assert_no_axe_violations(page)


# Screenshots of the demo for the reuse catalogue (publiccode.yml): `make screenshots` keeps them
# in docs/screenshots; otherwise they are taken, checked and thrown away.

SCREENSHOTS = [
    ("list.png", "/it/reti/", DESKTOP),
    ("network.png", "/it/reti/citta-creative-unesco/", DESKTOP),
    ("overview.png", "/it/reti/panoramica/", DESKTOP),
    ("phone.png", "/it/reti/?theme=clima-ed-energia", PHONE),
]


@pytest.mark.parametrize(("name", "path", "viewport"), SCREENSHOTS, ids=[s[0] for s in SCREENSHOTS])
def test_screenshots_of_the_demo(open_page, tmp_path, name, path, viewport):
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page(path, viewport=viewport)
    page.screenshot(path=folder / name)
    from PIL import Image

    with Image.open(folder / name) as picture:
        assert picture.size == (viewport["width"], viewport["height"])
