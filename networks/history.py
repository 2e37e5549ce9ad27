"""
A network's versions, and going back to one.

django-simple-history keeps a table of versions per model. A version of a network is its own
historical record together with what the rest of the history says about the same moment: its
themes (kept with the record), and its memberships and documents as they were when the record was
written. The admin writes one record per save, after the memberships and documents of that save
(`versioned_save`), so a record's date covers all of it; `revert` brings all of it back.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .models import Document, Membership, Network, Theme


class VersionedRecords(HistoricalRecords):
    """Historical records that can also be written on demand: once per save of the admin."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        sender._history_records = self

    def get_extra_fields(self, model, fields):
        extra_fields = super().get_extra_fields(model, fields)

        def get_instance(record):
            # The package's own fills in the fields it does not keep from the live row: those are
            # modeltranslation's virtual fields ("name"), and setting one writes the live text over
            # the version's column of the active language (name_it).
            instance = model(**tracked_values(record))
            setattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, record)
            return instance

        extra_fields["instance"] = property(get_instance)
        return extra_fields


def record_version(instance, history_type="~"):
    """Write one historical record of `instance` as it is now, themes included."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return  # as the package's own receivers do, for bulk work such as populate_synthetic
    instance._writing_whole_version = True
    try:
        type(instance)._history_records.create_historical_record(instance, history_type)
    finally:
        del instance._writing_whole_version


def hold_versions(instance):
    """Write no version of `instance` until write_version(): its save is not over yet."""
    instance.skip_history_when_saving = True


def write_version(instance, created):
    """Write the one version of a save that hold_versions() began."""
    del instance.skip_history_when_saving
    record_version(instance, "+" if created else "~")


@contextlib.contextmanager
def versioned_save(instance, created):
    """
    Write no version while the block saves `instance` and what belongs to it, then one.

    Without it, creating a network with themes writes three versions (the save, then each change
    of its themes), and the version of a save would not see the memberships saved after it.
    """
    hold_versions(instance)
    yield
    write_version(instance, created)


def tracked_values(record):
    """Return the field values a historical record holds, by attribute name."""
    return {
        model_field.attname: getattr(record, model_field.attname)
        for model_field in record.tracked_fields
    }


def as_of(model, network_id, when):
    """Return the historical records of `model`'s rows of a network as they were at `when`."""
    records = model.history.filter(network_id=network_id, history_date__lte=when)
    return list(records.latest_of_each().exclude(history_type="-").order_by("pk"))


class WholeVersion(models.Model):
    """What the project adds to the package's versions of a network."""

    # Written once the save was over, its memberships and documents included (record_version).
    whole = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def mark_whole_versions(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, WholeVersion):
        history_instance.whole = getattr(instance, "_writing_whole_version", False)


# Versions written before the admin wrote one per save came before the memberships and documents
# of their save, by some milliseconds: such a version covers what followed it this closely.
SAME_SAVE = datetime.timedelta(seconds=10)


def moment_of(record):
    """Return the moment whose memberships and documents belong to the version `record`."""
    if record.whole:
        return record.history_date
    end = record.history_date + SAME_SAVE
    following = record.next_record
    if following is not None:
        end = min(end, following.history_date - datetime.timedelta(microseconds=1))
    return end


@dataclass
class Version:
    """What a network's historical record stands for: the network and all that was attached."""

    record: object
    memberships: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    themes: list = field(default_factory=list)

    @classmethod
    def of(cls, record):
        when = moment_of(record)
        theme_ids = [row.theme_id for row in record.themes.all()]
        return cls(
            record=record,
            memberships=as_of(Membership, record.id, when),
            documents=as_of(Document, record.id, when),
            themes=list(Theme.objects.filter(pk__in=theme_ids)),
        )


def file_exists(file):
    return bool(file.name) and file.storage.exists(file.name)


def restore_rows(model, live_rows, records, notes):
    """Make `live_rows` (a network's memberships or documents) what `records` say they were."""
    wanted = {record.id for record in records}
    for row in live_rows:
        if row.pk not in wanted:
            row.delete()
    existing = {row.pk: row for row in live_rows if row.pk in wanted}
    # A membership that ended goes first: only one may be active at any moment.
    for record in sorted(records, key=lambda record: getattr(record, "left_year", 0) is None):
        row = existing.get(record.id) or model(pk=record.id)
        for attname, value in tracked_values(record).items():
            setattr(row, attname, value)
        if model is Document and not file_exists(row.file):
            notes.append(
                _("The file of the document “%(title)s” is no longer stored: it was left out.")
                % {"title": row.title}
            )
            if row.pk in existing:
                row.delete()
            continue
        row.save()


def revert(record, user, can_publish):
    """
    Bring the network back to the version `record`, with its themes, memberships, documents and
    logo, as one new version; return the network and notes on what could not come back.

    Without `can_publish`, the network keeps the state and the publishing dates it has now (a
    deleted one comes back as a draft without dates): going back to a published version does
    not publish it.
    """
    version = Version.of(record)
    notes = []
    with transaction.atomic():
        live = Network.objects.filter(pk=record.id).first()
        network = live or Network(pk=record.id)
        publishing = ("status", "publish_at", "unpublish_at")
        current = {name: getattr(network, name) if live else None for name in publishing}
        current["status"] = current["status"] or Network.Status.DRAFT
        for attname, value in tracked_values(record).items():
            setattr(network, attname, value)
        changed = [name for name in publishing if getattr(network, name) != current[name]]
        if not can_publish and changed:
            for name in publishing:
                setattr(network, name, current[name])
            notes.append(_("Its state was not changed: that takes the permission to publish."))
        if network.logo and not file_exists(network.logo):
            network.logo = ""
            notes.append(_("The logo of that version is no longer stored: it was left out."))
        network._history_user = user
        with versioned_save(network, created=live is None):
            network.save()
            network.themes.set(version.themes)
            restore_rows(Membership, list(network.memberships.all()), version.memberships, notes)
            restore_rows(Document, list(network.documents.all()), version.documents, notes)
    return network, notes


def shown_fields(model, record, hidden=()):
    """Yield the fields of `model` a version shows the office: kept, editable, not a key."""
    values = tracked_values(record)
    for model_field in model._meta.concrete_fields:
        if model_field.attname not in values or not model_field.editable:
            continue
        if model_field.name in hidden or model_field.primary_key or model_field.is_relation:
            continue
        yield model_field


def field_rows(record, model, hidden=()):
    """Return (label, value) for each field a version of `model` holds, but `hidden` ones."""
    return [
        (capfirst(model_field.verbose_name), display(model_field, record))
        for model_field in shown_fields(model, record, hidden)
    ]


def moment(when):
    """Return a moment as the office reads it: 02/12/2026 05:30, in the site's time zone."""
    return date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")


def display(model_field, record):
    """Return a field's value of a version as the office reads it: labels, not codes."""
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return _("empty")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return date_format(value)
    return value


# Files: a logo or document stays stored while a row or a version refers to it.


def walk(storage, folder):
    """Yield the names of every file under `folder` of `storage`."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for subfolder in folders:
        yield from walk(storage, f"{folder}/{subfolder}" if folder else subfolder)


def referenced(model, field_name):
    """Return the file names the live rows and the versions of `model` hold in `field_name`."""
    names = set(model.objects.values_list(field_name, flat=True))
    names |= set(model.history.values_list(field_name, flat=True))
    return names - {"", None}


def logo_of_rendition(name):
    """Return the logo a rendition was made from: renditions live in a folder named after it."""
    relative = PurePosixPath(name).relative_to(settings.IMAGEKIT_CACHEFILE_DIR).parent
    return str(relative)


def delete_logo_files(name):
    """Delete a logo and its renditions, which imagekit keeps in a folder named after it."""
    storage = Network._meta.get_field("logo").storage
    storage.delete(name)
    renditions = f"{settings.IMAGEKIT_CACHEFILE_DIR}/{PurePosixPath(name).with_suffix('')}"
    for rendition in list(walk(storage, renditions)):
        storage.delete(rendition)


# The bin: a deleted network stays in the history, whole, until it is deleted for good.


def binned():
    """Return the deletion records of the networks in the bin, the latest deleted first."""
    # Only the deletions of networks that are not back: the list of networks counts them on
    # every page, and the latest record of each of all the networks' versions is costly.
    deletions = Network.history.filter(history_type="-").exclude(
        id__in=Network.objects.values("id")
    )
    return deletions.latest_of_each().select_related("history_user").order_by("-history_date")


def last_version(network_id):
    """Return the latest version of a network before it was deleted, or None."""
    return Network.history.filter(id=network_id).exclude(history_type="-").first()


@dataclass
class Remains:
    """What is left of a network in the bin: its versions, and the files they refer to."""

    records: list
    logos: set
    documents: set

    @classmethod
    def of(cls, network_id):
        networks = Network.history.filter(id=network_id)
        documents = Document.history.filter(network_id=network_id)
        return cls(
            records=[networks, Membership.history.filter(network_id=network_id), documents],
            logos=set(networks.values_list("logo", flat=True)) - {""},
            documents=set(documents.values_list("file", flat=True)) - {""},
        )

    @property
    def versions(self):
        return sum(records.count() for records in self.records)


def forget(network_id):
    """Delete a network of the bin for good: its versions and the files only they refer to."""
    remains = Remains.of(network_id)
    for records in remains.records:
        records.delete()
    document_storage = Document._meta.get_field("file").storage
    for logo in remains.logos - referenced(Network, "logo"):
        transaction.on_commit(partial(delete_logo_files, logo))
    for document in remains.documents - referenced(Document, "file"):
        transaction.on_commit(partial(document_storage.delete, document))


# What a version changed in the rows that belong to the network, for its history page.


def states(records, moments):
    """Return, for each moment, the rows `records` (oldest first) say existed then, by id."""
    found = []
    for when in moments:
        rows = {}
        for record in records:
            if record.history_date > when:
                break
            rows[record.id] = record
        found.append({key: row for key, row in rows.items() if row.history_type != "-"})
    return found


def row_changes(model, before, after, label, hidden=()):
    """Return the changes, as the history page lists them, between two states of some rows."""
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        name = label(new or old)
        if old is None or new is None:
            changes.append(
                {
                    "field": name,
                    "old": _("absent") if old is None else _("present"),
                    "new": _("added") if old is None else _("removed"),
                }
            )
            continue
        for model_field in shown_fields(model, new, hidden):
            if getattr(old, model_field.attname) != getattr(new, model_field.attname):
                changes.append(
                    {
                        "field": f"{name}: {capfirst(model_field.verbose_name)}",
                        "old": display(model_field, old),
                        "new": display(model_field, new),
                    }
                )
    return changes


def membership_label(record):
    years = f"{record.joined_year}–{record.left_year or ''}"
    return _("Membership %(years)s") % {"years": years}


def document_label(record):
    return _("Document “%(title)s”") % {"title": getattr(record, "title_it", "") or "—"}


def related_changes(network_id, records, hidden=()):
    """
    Return, for each of a network's `records` (newest first, as the history lists them), what
    its save changed in the network's memberships and documents, since the record after it.
    """
    if not records:
        return []
    oldest_first = list(reversed(records))
    moments = [moment_of(record) for record in oldest_first]
    previous = oldest_first[0].prev_record
    moments.insert(0, moment_of(previous) if previous is not None else None)
    found = []
    for model, label, hide in [
        (Membership, membership_label, hidden),
        (Document, document_label, ()),
    ]:
        history = list(model.history.filter(network_id=network_id).order_by("history_date"))
        at = states(history, [when for when in moments if when is not None])
        if moments[0] is None:
            at.insert(0, {})
        found.append(
            [
                row_changes(model, at[index], at[index + 1], label, hide)
                for index in range(len(records))
            ]
        )
    return [memberships + documents for memberships, documents in zip(*found, strict=True)][::-1]
