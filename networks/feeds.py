from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Network


class NetworkFeed(Feed):
    """The networks added or updated, newest first, in the language of the address."""

    feed_type = Atom1Feed
    item_count = 50

    def title(self):
        return _("International city networks of the Comune di Modena")

    def subtitle(self):
        return _("Networks added or updated")

    def link(self):
        return reverse("networks:list")

    def feed_url(self):
        return reverse("networks:feed")

    def items(self):
        return Network.objects.published().order_by("-updated_at")[: self.item_count]

    def item_title(self, network):
        return network.name

    def item_description(self, network):
        return network.summary

    def item_pubdate(self, network):
        return network.created_at

    def item_updateddate(self, network):
        return network.updated_at
