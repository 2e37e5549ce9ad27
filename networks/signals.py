"""Keep the search documents in step with the networks and memberships they are made of."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership, Network
from .search import index_network


@receiver(post_save, sender=Network)
def index_saved_network(sender, instance, **kwargs):
    # Also on `loaddata` (raw saves), so the demo content is searchable once loaded.
    index_network(instance)


@receiver(post_save, sender=Membership)
def index_network_of_saved_membership(sender, instance, **kwargs):
    index_network(instance.network)


@receiver(post_delete, sender=Membership)
def index_network_of_deleted_membership(sender, instance, origin=None, **kwargs):
    deleting_networks = isinstance(origin, Network) or (
        isinstance(origin, QuerySet) and origin.model is Network
    )
    if not deleting_networks:
        index_network(instance.network)
