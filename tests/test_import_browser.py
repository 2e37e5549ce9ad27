"""
The import's preview in Chromium, on the office's 1280 by 800 screen: what changes is read without
scrolling sideways, and its buttons confirm or cancel the import.

Set SCREENSHOT_DIR to keep a picture of each preview there (they go to the test's temporary
folder otherwise).
"""

import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from networks.models import Network
from networks.resources import CSV, NetworkResource

from .factories import PASSWORD, StaffFactory
from .test_accessibility import CHROMIUM_ARGS, DESKTOP, browser, live_server  # noqa: F401
from .test_admin_layout import OVERFLOWING

pytestmark = pytest.mark.django_db(transaction=True)

IMPORT_PATH = "/admin/networks/network/import/"


@pytest.fixture
def office(browser, live_server, tmp_path, monkeypatch):  # noqa: F811
    """Return a page of the admin, logged in as an administrator, and the folder of pictures."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    call_command("loaddata", "demo", verbosity=0)
    StaffFactory(superuser=True)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    yield page, Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


def exported_rows():
    with translation.override("it"):
        content = CSV().export_data(NetworkResource().export(Network.objects.all()))
    return list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff"), newline="")))


def as_csv(rows):
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode()


def preview(page, live_server, rows):  # noqa: F811
    page.goto(live_server.url + IMPORT_PATH)
    page.set_input_files(
        "#id_import_file", {"name": "reti.csv", "mimeType": "text/csv", "buffer": as_csv(rows)}
    )
    page.select_option("#id_format", label="csv")
    with page.expect_navigation():
        page.click("input[type=submit]")


def assert_fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.evaluate(OVERFLOWING) == []


def test_the_preview_of_changes_fits_the_screen_and_confirms(office, live_server):  # noqa: F811
    page, pictures = office
    rows = exported_rows()
    rows[0]["Descrizione (IT)"] = (rows[0]["Descrizione (IT)"] + " ") * 6 + "Una frase in più."
    rows[0]["Sito internet"] = "https://www.example.org/" + "un-indirizzo-molto-lungo/" * 8
    rows[1]["Sigla"] = "NUOVA"
    rows[1]["Temi"] = ""
    rows[2]["Stato"] = "Bozza"
    new = {**dict.fromkeys(rows[0], ""), "Indirizzo della pagina": "rete-nuova"}
    new.update({"Nome (IT)": "Rete nuova", "Sintesi (IT)": "Una rete.", "Stato": "Bozza"})
    new.update({"Descrizione (IT)": "Una rete nuova.", "Ambito": "Europea", "Temi": "Giovani"})
    preview(page, live_server, [*rows, new])

    assert page.get_by_role("heading", name="Reti nuove").is_visible()
    assert page.get_by_role("heading", name="Reti modificate").is_visible()
    assert page.locator(".import-rows .empty").first.is_visible()  # "vuoto", not None
    assert_fits(page)
    page.screenshot(path=pictures / "import-preview.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Conferma importazione", exact=True).click()
    assert page.url.endswith("/admin/networks/network/")
    assert "Reti nuove: 1; modificate: 3" in page.locator(".messagelist").inner_text()
    assert Network.objects.get(slug="rete-nuova").name_it == "Rete nuova"


def test_the_preview_of_errors_fits_the_screen_and_cancelling_changes_nothing(
    office,
    live_server,  # noqa: F811
):
    page, pictures = office
    rows = exported_rows()
    rows[0]["Anno di fondazione"] = "millenovecento"
    rows[1]["Temi"] = "Temi che non ci sono"
    rows[2]["Nome (IT)"] = ""
    preview(page, live_server, rows)
    assert page.get_by_role("heading", name="Righe con errori").is_visible()
    assert page.get_by_text("Scrivere l’anno con le quattro cifre").is_visible()
    assert_fits(page)
    page.screenshot(path=pictures / "import-errors.png", full_page=True)

    rows = exported_rows()
    rows[0]["Sigla"] = "ANNULLATA"
    preview(page, live_server, rows)
    with page.expect_navigation():
        page.get_by_role("button", name="Annulla", exact=True).click()
    assert "non è cambiato nulla" in page.locator(".messagelist").inner_text()
    assert not Network.objects.filter(acronym="ANNULLATA").exists()
