"""Keep what derives from the content in step with it: search documents, content version."""

import contextlib
import contextvars
import functools

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from identity.models import Administration

from . import cache as page_cache
from .history import record_version
from .models import Document, Membership, Network, NetworksPage, Theme
from .search import index_network, index_networks

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


@receiver(m2m_changed, sender=Network.themes.through)
@unless_muted
def index_networks_of_changed_themes(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # a network's themes
        index_network(instance)
    elif pk_set:  # a theme's networks (a cleared theme's are reindexed by its deletion)
        index_networks(list(Network.objects.filter(pk__in=pk_set)))


@receiver(post_save, sender=Theme)
@unless_muted
def index_networks_of_saved_theme(sender, instance, raw=False, **kwargs):
    # Theme names are searched. A theme that `loaddata` saves has no networks yet.
    if not raw:
        index_networks(list(instance.networks.all()))


@receiver(pre_delete, sender=Theme)
def remember_the_networks_of_a_theme(sender, instance, **kwargs):
    instance.networks_before_deletion = list(instance.networks.all())


@receiver(post_delete, sender=Theme)
@unless_muted
def index_networks_of_deleted_theme(sender, instance, **kwargs):
    index_networks(getattr(instance, "networks_before_deletion", []))


@receiver(pre_delete, sender=Network)
def keep_the_deleted_network_whole(sender, instance, **kwargs):
    # Before its memberships and documents go with it: restoring it from the bin goes back to
    # this version, which the history dates before their deletion.
    record_version(instance)


# Files: a replaced logo, a removed document or a deleted network keeps its files, since the
# history refers to them and going back to a version brings them back. `manage.py prune_history`
# deletes the versions older than some months and the files nothing refers to any more.


# Conditional GET and caches: any change to the public content moves the content version, once
# for all the rows one save or action writes (one_content_change).

BATCH = contextvars.ContextVar("networks_content_changes", default=None)


@contextlib.contextmanager
def one_content_change():
    """Move the content version once, at the end, for all the changes the block makes."""
    if BATCH.get() is not None:  # inside another block: that one moves it
        yield
        return
    changes = []
    token = BATCH.set(changes)
    try:
        yield
    finally:
        BATCH.reset(token)
        if changes:  # also after an error: whatever was written before it may have stayed
            page_cache.content_changed()


@receiver(post_save, sender=Network)
@receiver(post_save, sender=Theme)
@receiver(post_save, sender=Membership)
@receiver(post_save, sender=Document)
@receiver(post_save, sender=NetworksPage)
@receiver(post_save, sender=Administration)
@receiver(post_delete, sender=Network)
@receiver(post_delete, sender=Theme)
@receiver(post_delete, sender=Membership)
@receiver(post_delete, sender=Document)
@receiver(m2m_changed, sender=Network.themes.through)
@unless_muted
def content_changed(sender, action=None, **kwargs):
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed says so before and after: the change is after
    changes = BATCH.get()
    if changes is None:
        page_cache.content_changed()
    else:
        changes.append(sender)
