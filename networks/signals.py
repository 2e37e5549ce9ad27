"""
Keep what derives from the content in step with it: the search documents, and the files of
logos and documents.
"""

import contextlib
import contextvars
import functools
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import ContentVersion, Document, Membership, Network, NetworksPage, Theme
from .search import index_network

MUTED = contextvars.ContextVar("networks_signals_muted", default=False)


@contextlib.contextmanager
def muted():
    """
    Switch the receivers below off, for bulk work that does their job itself in bulk.

    populate_synthetic writes thousands of rows; one search index update and one content
    version update per row would make it crawl.
    """
    token = MUTED.set(True)
    try:
        yield
    finally:
        MUTED.reset(token)


def unless_muted(receiver_function):
    @functools.wraps(receiver_function)
    def wrapper(*args, **kwargs):
        if not MUTED.get():
            receiver_function(*args, **kwargs)

    return wrapper


@receiver(post_save, sender=Network)
@unless_muted
def index_saved_network(sender, instance, **kwargs):
    # Also on `loaddata` (raw saves), so the demo content is searchable once loaded.
    index_network(instance)


@receiver(post_save, sender=Membership)
@unless_muted
def index_network_of_saved_membership(sender, instance, **kwargs):
    index_network(instance.network)


@receiver(post_delete, sender=Membership)
@unless_muted
def index_network_of_deleted_membership(sender, instance, origin=None, **kwargs):
    deleting_networks = isinstance(origin, Network) or (
        isinstance(origin, QuerySet) and origin.model is Network
    )
    if not deleting_networks:
        index_network(instance.network)


# Files: a replaced or removed logo or document leaves nothing behind, once the change is
# committed (a rolled-back save must keep the old file).


def delete_logo_files(name):
    """Delete a logo and its renditions, which imagekit keeps in a folder named after it."""
    storage = Network._meta.get_field("logo").storage
    storage.delete(name)
    renditions = f"{settings.IMAGEKIT_CACHEFILE_DIR}/{PurePath(name).with_suffix('')}"
    if storage.exists(renditions):
        _folders, files = storage.listdir(renditions)
        for file in files:
            storage.delete(f"{renditions}/{file}")


def delete_document_file(name):
    Document._meta.get_field("file").storage.delete(name)


# The file field of each model with uploads, and how to delete one of its files for good.
UPLOADS = {Network: ("logo", delete_logo_files), Document: ("file", delete_document_file)}


@unless_muted
def remember_stored_file(sender, instance, raw=False, **kwargs):
    """Note the file `instance` has in the database before a save replaces it."""
    field, _delete = UPLOADS[sender]
    instance._stored_file = None
    if not raw and instance.pk is not None:
        stored = sender.objects.filter(pk=instance.pk).values_list(field, flat=True)
        instance._stored_file = stored.first()


@unless_muted
def delete_replaced_file(sender, instance, **kwargs):
    field, delete = UPLOADS[sender]
    old = getattr(instance, "_stored_file", None)
    if old and old != getattr(instance, field).name:
        transaction.on_commit(partial(delete, old))


@unless_muted
def delete_file_of_deleted_object(sender, instance, **kwargs):
    field, delete = UPLOADS[sender]
    if getattr(instance, field):
        transaction.on_commit(partial(delete, getattr(instance, field).name))


for model in UPLOADS:
    pre_save.connect(remember_stored_file, sender=model)
    post_save.connect(delete_replaced_file, sender=model)
    post_delete.connect(delete_file_of_deleted_object, sender=model)


# Conditional GET and caches: any change to the public content moves the content version.


@receiver(post_save, sender=Network)
@receiver(post_save, sender=Theme)
@receiver(post_save, sender=Membership)
@receiver(post_save, sender=Document)
@receiver(post_save, sender=NetworksPage)
@receiver(post_delete, sender=Network)
@receiver(post_delete, sender=Theme)
@receiver(post_delete, sender=Membership)
@receiver(post_delete, sender=Document)
@receiver(m2m_changed, sender=Network.themes.through)
@unless_muted
def content_changed(sender, **kwargs):
    ContentVersion.touch()
