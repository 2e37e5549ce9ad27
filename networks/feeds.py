from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.db.models import Value
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .cache import administration
from .models import ContentVersion, Network


class PlainTextAtomFeed(Atom1Feed):
    """
    Atom whose summaries are plain text: what an editor typed, never markup to render. The
    feed's own <updated> is when the content last changed, if given: its newest entry's would
    not move when an entry is taken out.
    """

    def latest_post_date(self):
        return self.feed.get("content_changed_at") or super().latest_post_date()

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NetworkFeed(Feed):
    """
    The networks added or updated, newest first, in the language of the address.

    Its ETag and Last-Modified are the content version's (networks.cache.versioned): the newest
    entry's date, Django's own, would not move when a network is unpublished or deleted.
    """

    feed_type = PlainTextAtomFeed
    item_count = 50
    item_guid_is_permalink = False

    def get_object(self, request, *args, **kwargs):
        # The administration, read once: the methods below take it as `publisher`.
        return administration()

    def title(self, publisher):
        return _("%(name)s: international city networks") % {"name": publisher.name}

    def subtitle(self):
        return _("Networks added or updated")

    def link(self):
        return reverse("networks:list")

    def feed_url(self):
        return reverse("networks:feed")

    # RFC 4287 §4.1.1: a feed whose entries name no author names one itself.
    def author_name(self, publisher):
        return publisher.name

    def author_link(self, publisher):
        return publisher.website

    def feed_extra_kwargs(self, obj):
        return {"content_changed_at": ContentVersion.current()}

    def items(self, publisher):
        # Each entry's id names the administration's site (item_guid).
        authority = urlsplit(publisher.website).hostname
        networks = Network.objects.published().annotate(tag_authority=Value(authority))
        return networks.order_by("-updated_at")[: self.item_count]

    def item_title(self, network):
        return network.name

    def item_description(self, network):
        return network.summary

    def item_guid(self, network):
        """A tag URI (RFC 4151) from what never changes: not the address, which has the slug."""
        created = network.created_at.date().isoformat()
        return f"tag:{network.tag_authority},{created}:networks/{network.pk}/{get_language()}"

    def item_pubdate(self, network):
        return network.created_at

    def item_updateddate(self, network):
        return network.updated_at
