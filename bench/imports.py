"""
Time the admin's import and export of the networks at a size, by default the largest file an
import takes (networks.resources.MAX_ROWS), as the office does it: the export, then an import of
the file with every row changed (the preview, then the confirmation), then an import of the same
file into a database without those networks (every row new).

    .venv/bin/python bench/imports.py                  # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/imports.py
    .venv/bin/python bench/imports.py --rows 1000 --format csv

The database is a test database made afresh (test_<name> on PostgreSQL, dropped at the end). The
requests go through Django's test client, without a web server: the figures are the server's
time, which gunicorn's timeout (30 s) bounds. Prints a Markdown report: the machine, then a table.
"""

import argparse
import os
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modena_networks.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-the-benchmark-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from tablib import Dataset  # noqa: E402

from bench.common import Report, log  # noqa: E402
from networks import search  # noqa: E402
from networks.models import ContentVersion, Network  # noqa: E402
from networks.resources import CSV, FORMATS, MAX_ROWS, XLSX  # noqa: E402


class HiddenInputs(HTMLParser):
    """The hidden fields of the preview's confirmation form, as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


@dataclass
class Seconds:
    """The time a step took: on the clock, and of this process's CPU (the database's too, in
    SQLite), which depends less on what else the shared machine runs."""

    wall: float
    cpu: float

    def __add__(self, other):
        return Seconds(self.wall + other.wall, self.cpu + other.cpu)

    def __str__(self):
        return f"{self.wall:.1f} | {self.cpu:.1f}"


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, Seconds(time.perf_counter() - wall, time.process_time() - cpu)


def changed(content, file_format):
    """Return the exported file with every network's Italian summary changed."""
    dataset = file_format().create_dataset(content)
    headers = dataset.headers[:-1]  # without the line numbers the reader adds
    summary = headers.index("Sintesi (IT)")
    rows = []
    for row in dataset:
        row = list(row[:-1])
        row[summary] = f"{row[summary]} Aggiornata."
        rows.append(row)
    return file_format().export_data(Dataset(*rows, headers=headers))


def import_file(client, content, file_format, name):
    """Upload the file and confirm it; return the seconds of the preview and the confirmation."""
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())
    data = {"format": str(FORMATS.index(file_format)), "import_file": upload}
    preview, preview_seconds = timed(client.post, reverse("admin:networks_network_import"), data)
    page = preview.content.decode()
    if preview.status_code != 200 or 'name="confirm"' not in page:
        sys.exit(f"the preview offers no confirmation ({preview.status_code}):\n{page[-3000:]}")
    parser = HiddenInputs()
    parser.feed(page)
    url = reverse("admin:networks_network_process_import")
    confirmed, confirm_seconds = timed(client.post, url, parser.fields)
    if confirmed.status_code != 302 or confirmed.url != reverse(
        "admin:networks_network_changelist"
    ):
        sys.exit(f"the confirmation failed: {confirmed.status_code} {confirmed.get('Location')}")
    return preview_seconds, confirm_seconds, len(preview.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    options = parser.parse_args()
    file_format = XLSX if options.format == "xlsx" else CSV

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, as in production, rather than the test runner's database in memory.
        database["TEST"]["NAME"] = tempfile.mktemp(prefix="bench-import-", suffix=".sqlite3")
    log("--- a test database, migrated")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            WHITENOISE_AUTOREFRESH=True,
        ):
            print(run(options.rows, file_format))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows, file_format):
    """Time the export and the two imports; return the report."""
    from django.contrib.auth.models import User

    command = shlex.join(["bench/imports.py", *sys.argv[1:]])
    report = Report("Import and export", command)
    log(f"--- {rows:,} synthetic networks")
    call_command("populate_synthetic", networks=rows, verbosity=0)
    log("--- the export, then an import with every row changed")
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.org", None))
    export_data = {"format": str(FORMATS.index(file_format))}
    export, export_seconds = timed(
        client.post, reverse("admin:networks_network_export"), export_data
    )
    content = export.content
    edited = changed(content, file_format)
    name = f"reti.{file_format().get_extension()}"

    versions = Network.history.count()
    version_before = ContentVersion.current()
    changed_times = import_file(client, edited, file_format, name)
    assert Network.objects.filter(summary_it__endswith="Aggiornata.").count() == rows
    assert Network.history.count() == versions + rows, "one version per changed network"
    found = search.matching(Network.objects.all(), "aggiornata", ["it"])
    assert found.count() == rows, "the search finds the new words"
    assert ContentVersion.current() > version_before

    log("--- the synthetic networks deleted, then an import with every row new")
    Network.objects.filter(slug__startswith="synthetic-").delete()
    new_times = import_file(client, content, file_format, name)
    assert Network.objects.filter(slug__startswith="synthetic-").count() == rows

    table = [
        "| step | seconds | CPU seconds |",
        "| --- | ---: | ---: |",
        f"| export ({len(content) / 1e6:.1f} MB) | {export_seconds} |",
    ]
    for label, (preview, confirm, page) in [
        ("every row changed", changed_times),
        ("every row new", new_times),
    ]:
        table += [
            f"| import, {label}: preview ({page / 1e3:.0f} kB page) | {preview} |",
            f"| import, {label}: confirmation | {confirm} |",
            f"| import, {label}: both | {preview + confirm} |",
        ]
    data = f"- Data: {rows:,} synthetic networks in {file_format().get_title().upper()}"
    return report.text("\n".join(table), details=[data])


if __name__ == "__main__":
    main()
