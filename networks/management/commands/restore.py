"""Load an archive made by `backup` into an empty, migrated database."""

import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from networks.models import Network
from networks.search import reindex_all
from networks.signals import muted

FOLDERS = {"media": "MEDIA_ROOT", "private-media": "PRIVATE_MEDIA_ROOT"}


class Command(BaseCommand):
    help = "Restore a backup archive (database and uploaded files) onto an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        if Network.objects.exists():
            raise CommandError(
                "The database already has networks: restore onto an empty, migrated database."
            )
        with tempfile.TemporaryDirectory() as folder, tarfile.open(archive, "r:gz") as source:
            # The "data" filter refuses absolute paths, links out of the folder and the like.
            source.extractall(folder, filter="data")
            unpacked = Path(folder)
            if not (unpacked / "data.json").exists():
                raise CommandError(f"{archive} is not a backup: it has no data.json.")
            with transaction.atomic(), muted():
                # The groups the migrations made are in the backup, as they were then.
                from django.contrib.auth.models import Group

                Group.objects.all().delete()
                call_command("loaddata", unpacked / "data.json", verbosity=0)
                reindex_all()
            for name, setting in FOLDERS.items():
                if (unpacked / name).is_dir():
                    target = Path(getattr(settings, setting))
                    target.mkdir(parents=True, exist_ok=True)
                    for path in (unpacked / name).rglob("*"):
                        if path.is_file():
                            destination = target / path.relative_to(unpacked / name)
                            destination.parent.mkdir(parents=True, exist_ok=True)
                            destination.write_bytes(path.read_bytes())
        self.stdout.write(f"Restored {archive}")
