"""Write the whole content (database and uploaded files) into one archive, for `restore`."""

import io
import os
import posixpath
import tarfile
from pathlib import Path

from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

# Derived or short-lived data: rebuilt (search documents) or not worth keeping (sessions).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "networks.searchdocument",
    "opendata.builtfile",
]
# The archive's folder of each storage of uploads: the logos, the documents.
FOLDERS = {"media": "default", "private-media": "documents"}


def stored_files(storage, folder=""):
    """Yield the name of every file in `storage` under `folder`, a folder or a bucket's prefix."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder not made yet: nothing uploaded
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from stored_files(storage, posixpath.join(folder, name))


def owner_only(path):
    """
    Open `path` for writing, readable by its owner only (0600) whatever the umask: the archive
    holds password hashes and the office's internal fields.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode; the umask may take bits
    return os.fdopen(descriptor, "wb")


class Command(BaseCommand):
    help = "Save the database and the uploaded files (logos, documents) into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive to write (default: backup-<date and time>.tar.gz here)",
        )

    def handle(self, *args, output=None, **options):
        output = Path(output or f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        data = io.StringIO()
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            indent=1,
            stdout=data,
        )
        encoded = data.getvalue().encode()
        with owner_only(output) as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            entry = tarfile.TarInfo("data.json")
            entry.size = len(encoded)
            entry.mtime = int(timezone.now().timestamp())
            archive.addfile(entry, io.BytesIO(encoded))
            # From the folders or the bucket (settings.STORAGES): the same archive either way.
            for folder, alias in FOLDERS.items():
                storage = storages[alias]
                for name in stored_files(storage):
                    entry = tarfile.TarInfo(f"{folder}/{name}")
                    entry.size = storage.size(name)
                    entry.mtime = int(storage.get_modified_time(name).timestamp())
                    with storage.open(name, "rb") as content:
                        archive.addfile(entry, content)
        self.stdout.write(f"Backup written to {output}")
