"""
Load an archive made by `backup` into an empty, migrated database.

The archive is checked whole before anything is written: only data.json and the files of the
uploads' folders, no links, no path outside its folders, and each file checked as an upload is
(logos as images, documents as PDFs, within the same limits). A bad archive is refused with a
message naming the member and the problem, and changes nothing.
"""

import gzip
import json
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.utils import translation

from networks import cache as page_cache
from networks.management.commands.backup import FOLDERS
from networks.models import Network
from networks.search import reindex_all
from networks.signals import muted
from networks.uploads import LOGO_FOLDER
from networks.validators import (
    DOCUMENT_MAX_BYTES,
    LOGO_MAX_BYTES,
    check_size,
    validate_logo,
    validate_pdf,
)

DATA = "data.json"
LOGO_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
# What reading a damaged or foreign file as a .tar.gz raises.
UNREADABLE = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


class Refused(Exception):
    """A member of the archive that a backup would not hold; the message says why."""


def check_member(member):
    """Raise Refused unless `member` is data.json, or a folder or plain file of an upload folder."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise Refused("its path leads outside the archive's folders")
    if not (member.isfile() or member.isdir()):
        raise Refused("it is a link or a special file, not a plain file or folder")
    if path == PurePosixPath(DATA):
        if not member.isfile():
            raise Refused("it should be a file")
    elif not path.parts or path.parts[0] not in FOLDERS:
        raise Refused(f"a backup has only {DATA} and the folders {', '.join(FOLDERS)}")
    elif len(path.parts) == 1 and not member.isdir():
        raise Refused("it should be a folder")


def checked_upload(folder, path, member, source):
    """Return the content of the file at `path` in upload `folder`, checked as its upload was."""
    suffix = path.suffix.lower()
    if folder == "media":
        renditions = PurePosixPath(settings.IMAGEKIT_CACHEFILE_DIR)
        if not (path.is_relative_to(LOGO_FOLDER) or path.is_relative_to(renditions)):
            raise Refused(f"media/ holds only logos ({LOGO_FOLDER}/) and their renditions")
        if suffix not in LOGO_SUFFIXES:
            raise Refused("a logo is a PNG, JPEG or WebP image")
        limit, validate = LOGO_MAX_BYTES, validate_logo
    else:
        if suffix != ".pdf":
            raise Refused("private-media/ holds only PDF documents")
        limit, validate = DOCUMENT_MAX_BYTES, validate_pdf
    try:
        check_size(member, limit)  # before reading it
        content = source.extractfile(member).read()
        validate(ContentFile(content))
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None
    return content


def checked_data(member, source):
    content = source.extractfile(member).read()
    try:
        data = json.loads(content)
    except ValueError as error:
        raise Refused(f"it is not JSON: {error}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Refused("it is not the list of objects `dumpdata` writes")
    return json.dumps(with_current_labels(data)).encode()


# Models that moved to another app since a backup may have been written: (old label, new label).
MOVED_MODELS = {("networks", "feedback"): ("feedback", "feedback")}


def with_current_labels(data):
    """Return `data` with the models that moved, and the permissions on them, under their new
    app: a backup written before the move restores as well as a new one."""
    for item in data:
        app_label, _dot, model = str(item.get("model", "")).partition(".")
        if (app_label, model) in MOVED_MODELS:
            item["model"] = ".".join(MOVED_MODELS[app_label, model])
        fields = item.get("fields")
        if isinstance(fields, dict) and isinstance(fields.get("permissions"), list):
            fields["permissions"] = [moved_permission(key) for key in fields["permissions"]]
    return data


def moved_permission(natural_key):
    """Return a permission's natural key, [codename, app label, model], after the moves."""
    if isinstance(natural_key, list) and len(natural_key) == 3:
        codename, app_label, model = natural_key
        if (app_label, model) in MOVED_MODELS:
            return [codename, *MOVED_MODELS[app_label, model]]
    return natural_key


def checked_content(member, source):
    """Return the content of `member` (None for a folder), or raise Refused."""
    check_member(member)
    if member.isdir():
        return None
    path = PurePosixPath(member.name)
    if path == PurePosixPath(DATA):
        return checked_data(member, source)
    folder, *rest = path.parts
    return checked_upload(folder, PurePosixPath(*rest), member, source)


def unpack(archive, folder):
    """Check every member of `archive` and copy it under `folder`; refuse the first bad one."""
    if not Path(archive).is_file():
        raise CommandError(f"{archive} is not a file.")
    try:
        with tarfile.open(archive, "r:gz") as source, translation.override("en"):
            for member in source:
                try:
                    content = checked_content(member, source)
                    if content is not None:
                        write(folder / member.name, content)
                except Refused as refusal:
                    raise CommandError(
                        f"{archive} is refused, nothing was restored: {member.name}: {refusal}"
                    ) from None
    except UNREADABLE as error:
        raise CommandError(f"{archive} cannot be read as a .tar.gz archive: {error}") from None
    if not (folder / DATA).is_file():
        raise CommandError(f"{archive} is not a backup: it has no {DATA}.")


def write(destination, content):
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        raise Refused("its path clashes with another member of the archive") from None


class Command(BaseCommand):
    help = "Restore a backup archive (database and uploaded files) onto an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        if Network.objects.exists():
            raise CommandError(
                "The database already has networks: restore onto an empty, migrated database."
            )
        with tempfile.TemporaryDirectory() as folder:
            unpacked = Path(folder)
            unpack(archive, unpacked)
            try:
                with transaction.atomic(), muted():
                    # The groups the migrations made are in the backup, as they were then.
                    Group.objects.all().delete()
                    call_command("loaddata", unpacked / DATA, verbosity=0)
                    reindex_all()
            except (DeserializationError, DatabaseError, ObjectDoesNotExist) as error:
                raise CommandError(
                    f"{archive} is refused, nothing was restored: {DATA}: {error}"
                ) from None
            for name, alias in FOLDERS.items():
                storage = storages[alias]
                for path in sorted((unpacked / name).rglob("*")):
                    if path.is_file():
                        relative = path.relative_to(unpacked / name).as_posix()
                        # Under its own name, which the restored data refers to.
                        if storage.exists(relative):
                            storage.delete(relative)
                        with path.open("rb") as content:
                            storage.save(relative, File(content))
        # loaddata ran with the signals muted and put back the backup's content version: move
        # it, so that no page cached before shows the old content.
        page_cache.content_changed()
        self.stdout.write(f"Restored {archive}")
