"""
Import and export of the networks in the admin: the pages around networks/resources.py.

The import is a form, a preview and a confirmation. The form refuses a file over MAX_BYTES
before reading it, and one of more than MAX_ROWS networks as soon as it is read. The preview is a
dry run that writes nothing; it lists the rows with an error, each with its errors, then the new
networks, then the changed ones with each change (column: before → after), then how many are
unchanged. The file waits for the confirmation in a folder of its own, readable by this process's
user only, under a random name that the preview page holds signed for the user who uploaded it
(`PendingFiles`): no other file can be read or deleted through the confirmation, the file is
deleted when the import is confirmed or cancelled, and an abandoned one after an hour.
"""

import contextlib
import errno
import json
import logging
import os
import re
import secrets
import stat
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult
from import_export.signals import post_import

from .resources import FORMATS, LINE, MAX_BYTES, MAX_ROWS, FileProblem, NetworkResource

logger = logging.getLogger(__name__)

# An import adds and changes networks and writes their memberships; a row that changes a
# network's state takes the right to publish too (NetworkResource.import_instance).
IMPORT_PERMISSIONS = [
    "networks.add_network",
    "networks.change_network",
    "networks.add_membership",
    "networks.change_membership",
]

# The preview shows this many networks of each kind at most; the confirmation saves them all.
PREVIEW_ROWS = 200

# Messages of django-import-export's pages that its Italian catalogue leaves untranslated or words
# unlike the admin ("Esportare" for "Esporta"). Listed here, they reach the project's catalogue,
# which Django reads before the apps' ones.
IMPORT_EXPORT_MESSAGES = [
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Submit"),
    gettext_noop("This exporter will export the following fields: "),
]


# The file between the preview and the confirmation


class PendingFileGone(Exception):
    """The preview's file is no longer there: confirmed, cancelled, expired, or never was."""


@dataclass
class PendingFile:
    data: bytes
    file_format: int
    file_name: str


class PendingFiles:
    """
    The uploaded files that wait for their import to be confirmed, each known to the preview
    page by a token signed for its user, and kept MAX_AGE seconds at most.
    """

    MAX_AGE = 3600
    SALT = "networks.admin_import.pending"
    NAME = re.compile(r"[0-9a-f]{32}")

    @property
    def folder(self):
        return Path(tempfile.gettempdir()) / "modena-networks-imports"

    def keep(self, data, user, file_format, file_name):
        """Store `data` for `user`; return the token that gives it back."""
        folder = self.private_folder()
        name = secrets.token_hex(16)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(folder / name, flags, 0o600), "wb") as file:
            file.write(data)
        payload = {"file": name, "user": user.pk, "format": file_format, "name": file_name}
        return signing.dumps(payload, salt=self.SALT)

    def take(self, token, user):
        """Return the PendingFile of `token` and delete it; raise PendingFileGone if it is not."""
        file_path, payload = self.path_of(token, user)
        try:
            data = file_path.read_bytes()
        except FileNotFoundError:
            raise PendingFileGone from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                file_path.unlink()
        return PendingFile(data, payload["format"], payload["name"])

    def discard(self, token, user):
        file_path, _payload = self.path_of(token, user)
        with contextlib.suppress(FileNotFoundError):
            file_path.unlink()

    def path_of(self, token, user):
        try:
            payload = signing.loads(token or "", salt=self.SALT, max_age=self.MAX_AGE)
        except signing.BadSignature:
            raise PendingFileGone from None
        if payload.get("user") != user.pk or not self.NAME.fullmatch(payload.get("file", "")):
            raise PendingFileGone
        return self.folder / payload["file"], payload

    def remove_expired(self):
        """Delete the files of the previews that nobody confirmed or cancelled within MAX_AGE."""
        oldest = time.time() - self.MAX_AGE
        with contextlib.suppress(FileNotFoundError), os.scandir(self.folder) as entries:
            for entry in entries:
                if self.NAME.fullmatch(entry.name) and entry.stat().st_mtime < oldest:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)

    def private_folder(self):
        """Return the folder, made if need be: this user's, and readable by this user only."""
        folder = self.folder
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            # Someone else's folder (or a link) in a shared temporary folder: not for our files.
            raise OSError(errno.EPERM, "Not this user's folder", str(folder))
        if stat.S_IMODE(info.st_mode) != 0o700:
            folder.chmod(0o700)
        return folder


pending_files = PendingFiles()


# Forms


class NetworkImportForm(ImportForm):
    """The import form, which refuses a file too large before anything reads it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "A CSV or XLSX file as the export writes it: at most %(size)s and %(rows)s networks."
        ) % {
            "size": filesizeformat(MAX_BYTES),
            "rows": number_format(MAX_ROWS, force_grouping=True),
        }

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s: import at most %(max)s at a time, splitting the file.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_BYTES)}
            )
        return upload


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


# The preview


# A text longer than this is shown cut: to where it changes, with this much of it around.
LONG_TEXT = 300
CONTEXT = 80


@dataclass
class Excerpt:
    """
    A value as the preview shows it: whole, or, for a long text, the part that changed (marked)
    between a little of what comes before and after it. Empty is false.
    """

    changed: str = ""
    start: str = ""
    end: str = ""
    marked: bool = False

    def __bool__(self):
        return bool(self.changed or self.start or self.end)


def cut(text, limit=LONG_TEXT):
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def alike(a, b):
    """Return how many items the sequences `a` and `b` begin with alike."""
    for index, (item_a, item_b) in enumerate(zip(a, b, strict=False)):
        if item_a != item_b:
            return index
    return min(len(a), len(b))


WORDS = re.compile(r"(\s+)")


def excerpts(before, after):
    """Return the Excerpts of a change: long texts cut to the words that differ."""
    if len(before) <= LONG_TEXT and len(after) <= LONG_TEXT:
        return Excerpt(before), Excerpt(after)
    old, new = WORDS.split(before), WORDS.split(after)
    same_start = alike(old, new)
    same_end = alike(old[same_start:][::-1], new[same_start:][::-1])
    start = "".join(old[:same_start])
    if len(start) > CONTEXT:
        start = "… " + start[-CONTEXT:].split(" ", 1)[-1]
    end = "".join(old[len(old) - same_end :])
    if len(end) > CONTEXT:
        end = end[:CONTEXT].rsplit(" ", 1)[0] + " …"
    return (
        Excerpt(cut("".join(old[same_start : len(old) - same_end])), start, end, marked=True),
        Excerpt(cut("".join(new[same_start : len(new) - same_end])), start, end, marked=True),
    )


@dataclass
class Shown:
    """A column of a row as the preview shows it: its change, or its value and errors."""

    label: str
    before: Excerpt = field(default_factory=Excerpt)
    after: Excerpt = field(default_factory=Excerpt)
    messages: list = field(default_factory=list)


@dataclass
class PreviewRow:
    line: int
    name: str
    cells: list


@dataclass
class Section:
    """The rows of one kind: all counted, the first PREVIEW_ROWS shown, made when shown."""

    items: list
    make: object  # item -> PreviewRow

    def __len__(self):
        return len(self.items)

    @cached_property
    def shown(self):
        return [self.make(item) for item in self.items[:PREVIEW_ROWS]]

    @property
    def hidden(self):
        return max(0, len(self.items) - PREVIEW_ROWS)


@dataclass
class Preview:
    """What a file would do, as the office reads it: errors first, then new and changed rows."""

    rows: int
    invalid: Section
    new: Section
    changed: Section
    unchanged: list
    problems: list
    ignored_headers: list

    @property
    def to_save(self):
        return len(self.new) + len(self.changed)

    @property
    def confirmable(self):
        return not self.invalid and not self.problems and self.to_save > 0

    @classmethod
    def of(cls, result, dataset, resource):
        rows = {RowResult.IMPORT_TYPE_NEW: [], RowResult.IMPORT_TYPE_UPDATE: []}
        unchanged = []
        for row_result in result.valid_rows():
            if row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
                unchanged.append(title_of(row_result.instance))
            else:
                rows[row_result.import_type].append(row_result.instance)
        invalid = [
            (invalid_row, dict(zip(dataset.headers, dataset[invalid_row.number - 1], strict=True)))
            for invalid_row in result.invalid_rows
        ]
        problems = [problem_text(error.error) for error in result.base_errors]
        for number, errors in result.row_errors():
            line = dict(zip(dataset.headers, dataset[number - 1], strict=True)).get(LINE)
            for error in errors:
                logger.warning("Import preview, row %s: %r\n%s", line, error.error, error.traceback)
            problems.append(_("Row %(row)s could not be read: check its cells.") % {"row": line})
        return cls(
            rows=len(dataset),
            invalid=Section(invalid, lambda item: invalid_preview_row(*item, resource)),
            new=Section(rows[RowResult.IMPORT_TYPE_NEW], changes_row),
            changed=Section(rows[RowResult.IMPORT_TYPE_UPDATE], changes_row),
            unchanged=unchanged,
            problems=problems,
            ignored_headers=resource.ignored_headers,
        )


def title_of(network):
    return str(network) or network.slug


def changes_row(network):
    """Return a new or changed network as the preview shows it: each column it changes."""
    cells = []
    for change in network.import_changes:
        before, after = change.column.display(change.before), change.column.display(change.after)
        if change.before is None:  # a new network: only what it will have
            before, after = Excerpt(), Excerpt(cut(after))
        else:
            before, after = excerpts(before, after)
        cells.append(Shown(label=change.column.header(), before=before, after=after))
    return PreviewRow(line=network.import_line, name=title_of(network), cells=cells)


def invalid_preview_row(invalid_row, row, resource):
    """Return a row with errors as the preview shows it: each column's value and messages."""
    cells = []
    for name, messages_of_column in invalid_row.error_dict.items():
        column = resource.fields.get(name)
        if column is not None:
            label, value = column.header(), row.get(name)
        elif name == NON_FIELD_ERRORS:
            label, value = "", None
        else:
            label, value = capfirst(name.replace("_", " ")), row.get(name)
        value = Excerpt("" if value is None else cut(str(value)))
        cells.append(Shown(label=label, before=value, messages=list(messages_of_column)))
    title = next(
        (str(row[name]) for name in ("name_it", "name_en", "slug") if row.get(name)),
        "",
    )
    return PreviewRow(line=row.get(LINE) or invalid_row.number + 1, name=title, cells=cells)


def problem_text(error):
    """Return what to tell of an error that stopped the whole file."""
    if isinstance(error, FileProblem):
        return str(error)
    logger.warning("Import of a file failed: %r", error)
    return _("The file could not be imported: check that it is an export of the networks.")


# The admin


class NetworkImportExportMixin(ImportExportMixin):
    """
    django-import-export's import and export for the networks, with the pages of this module:
    NetworkAdmin's first base but for the admin's own mixins.
    """

    resource_classes = [NetworkResource]
    formats = FORMATS
    # Always every column, so a file goes back in.
    export_form_class = ExportForm
    import_form_class = NetworkImportForm
    import_template_name = "admin/import_export/import.html"

    def get_urls(self):
        cancel = path(
            "import/cancel/",
            self.admin_site.admin_view(self.cancel_import),
            name="networks_network_cancel_import",
        )
        return [cancel, *super().get_urls()]

    def has_import_permission(self, request):
        return super().has_import_permission(request) and request.user.has_perms(IMPORT_PERMISSIONS)

    def has_export_permission(self, request):
        # The file carries the memberships, internal fields included.
        return super().has_export_permission(request) and request.user.has_perm(
            "networks.view_membership"
        )

    # Export

    def get_export_filename(self, request, queryset, file_format):
        """Say what and when: reti-2026-12-02.xlsx."""
        what = slugify(str(self.model._meta.verbose_name_plural))
        return f"{what}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["fields_list"] = [("", self.column_headers(request))]
        return context

    def column_headers(self, request):
        resource = self.get_export_resource_classes(request)[0]()
        return [column.header() for column in resource.get_export_fields()]

    # Import

    def import_resource(self, request):
        return self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )

    def import_action(self, request, **kwargs):
        """Show the import form; on upload, the preview of what the file would change."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        pending_files.remove_expired()
        form = self.create_import_form(request)
        context = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            file_format = int(form.cleaned_data["format"])
            data = upload.read()
            preview = self.preview(request, form, data, file_format, upload.name)
            if preview is not None:
                context["preview"] = preview
                if preview.confirmable:
                    token = pending_files.keep(data, request.user, file_format, upload.name)
                    context["confirm_form"] = ConfirmImportForm(initial={"token": token})
        context.update(
            self.admin_site.each_context(request),
            title=_("Preview of the import") if "preview" in context else _("Import"),
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            headers=self.column_headers(request),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def preview(self, request, form, data, file_format, file_name):
        """Return the Preview of a dry run of the file, or None with the form's error."""
        try:
            dataset = self.get_import_formats()[file_format]().create_dataset(data)
        except FileProblem as error:
            form.add_error("import_file", str(error))
            return None
        except Exception as error:  # whatever a malformed file makes the readers raise
            logger.info("An uploaded file could not be read: %r", error)
            form.add_error(
                "import_file",
                _("The file could not be read as %(format)s: choose the file's format.")
                % {"format": self.get_import_formats()[file_format]().get_title()},
            )
            return None
        resource = self.import_resource(request)
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            file_name=file_name,
            user=request.user,
            retain_instance_in_row_result=True,
        )
        return Preview.of(result, dataset, resource)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import the file of a preview, which is deleted whatever happens."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            pending = pending_files.take(request.POST.get("token"), request.user)
        except PendingFileGone:
            self.message_user(
                request,
                _(
                    "This preview is no longer valid: it was confirmed or cancelled already, or "
                    "is more than an hour old. Upload the file again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:networks_network_import"))
        dataset = self.get_import_formats()[pending.file_format]().create_dataset(pending.data)
        with transaction.atomic():
            result = self.import_resource(request).import_data(
                dataset,
                dry_run=False,
                raise_errors=False,
                # All or nothing: a row that fails its checks at the confirmation undoes the file.
                rollback_on_validation_errors=True,
                file_name=pending.file_name,
                user=request.user,
                retain_instance_in_row_result=True,
            )
            return self.process_result(result, request)

    def cancel_import(self, request):
        """Delete the file of a preview: the office changed its mind."""
        if request.method != "POST" or not self.has_import_permission(request):
            raise PermissionDenied
        with contextlib.suppress(PendingFileGone):
            pending_files.discard(request.POST.get("token"), request.user)
        self.message_user(
            request, _("The import was cancelled: nothing was changed."), messages.INFO
        )
        return HttpResponseRedirect(reverse("admin:networks_network_changelist"))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation; nothing was saved.
            for error in result.base_errors:
                logger.error(
                    "Import failed at the confirmation: %r\n%s", error.error, error.traceback
                )
            self.message_user(
                request,
                _("The import was cancelled and nothing was changed: upload the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:networks_network_import"))
        self.generate_log_entries(result, request)
        self.add_success_message(result, request)
        post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(reverse("admin:networks_network_changelist"))

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _("Import finished. New networks: %(new)s; changed: %(changed)s; unchanged: %(same)s.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "changed": totals[RowResult.IMPORT_TYPE_UPDATE],
                "same": totals[RowResult.IMPORT_TYPE_SKIP],
            },
            messages.SUCCESS,
        )

    def generate_log_entries(self, result, request):
        """Write the admin's log as an edit does, all at once: what the file changed in each."""
        content_type = ContentType.objects.get_for_model(self.model)
        entries = []
        for row in result.valid_rows():
            if row.import_type == RowResult.IMPORT_TYPE_NEW:
                action, message = ADDITION, [{"added": {}}]
            elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
                changed = [change.column.header() for change in row.instance.import_changes]
                action, message = CHANGE, [{"changed": {"fields": changed}}]
            else:
                continue
            entries.append(
                LogEntry(
                    user_id=request.user.pk,
                    content_type=content_type,
                    object_id=str(row.instance.pk),
                    object_repr=str(row.instance)[:200],
                    action_flag=action,
                    change_message=json.dumps(message),
                )
            )
        LogEntry.objects.bulk_create(entries, batch_size=500)
