"""Delete old versions, then the logos and documents that no row and no version refers to."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from networks.history import logo_of_rendition, referenced, walk
from networks.models import Document, Membership, Network, NetworksPage, Theme
from networks.uploads import LOGO_FOLDER

# A file this recent may belong to a save whose transaction is not committed yet.
GRACE = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Delete the versions older than --months (each live object keeps its latest one), then the "
        "logos, renditions and documents that neither a row nor a version refers to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, required=True, help="versions older go")
        parser.add_argument(
            "--dry-run", action="store_true", help="only list what would be deleted"
        )

    def handle(self, *args, months, dry_run, **options):
        if months < 1:
            raise CommandError("--months must be 1 or more.")
        now = timezone.now()
        cutoff = now - datetime.timedelta(days=round(months * 365.25 / 12))
        verb = "Would delete" if dry_run else "Deleted"
        with transaction.atomic():
            for model in (Network, Membership, Document, Theme, NetworksPage):
                # What a live object is now stays; a deletion older than that goes whole.
                current = model.history.latest_of_each().exclude(history_type="-")
                old = model.history.filter(history_date__lt=cutoff).exclude(
                    history_id__in=current.values("history_id")
                )
                count = old.count()
                if not dry_run:
                    old.delete()
                self.stdout.write(f"{verb} {count} versions of {model._meta.verbose_name_plural}")
            if dry_run:
                transaction.set_rollback(True)

            logo_storage = Network._meta.get_field("logo").storage
            logos = referenced(Network, "logo")
            stems = {logo.rsplit(".", 1)[0] for logo in logos}
            unreferenced = [
                name for name in walk(logo_storage, LOGO_FOLDER) if name not in logos
            ] + [
                name
                for name in walk(logo_storage, f"{settings.IMAGEKIT_CACHEFILE_DIR}/{LOGO_FOLDER}")
                if logo_of_rendition(name) not in stems
            ]
            document_storage = Document._meta.get_field("file").storage
            documents = referenced(Document, "file")
            unreferenced_documents = [
                name for name in walk(document_storage, "") if name not in documents
            ]
        unused = [(logo_storage, unreferenced), (document_storage, unreferenced_documents)]
        for storage, names in unused:
            for name in names:
                if now - storage.get_modified_time(name) < GRACE:
                    continue
                if not dry_run:
                    storage.delete(name)
                self.stdout.write(f"{verb} {name}")
