from collections.abc import Sequence

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from .models import Network, Theme


class TranslatedSitemap(Sitemap):
    """Each page once per language, with hreflang alternates and an x-default."""

    i18n = True
    alternates = True
    # Django's x-default drops the default language's prefix ("/reti/"), an address this site,
    # which prefixes every language, only redirects: the Italian page instead, as pages say.
    x_default = False

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            [default] = [a for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE]
            url["alternates"].append({"location": default["location"], "lang_code": "x-default"})
        return urls


class LanguagePairs(Sequence):
    """
    The (item, language) pairs of a queryset's items, as Sitemap pages them, read one slice at a
    time: Django's own list of pairs reads every item to build any page.
    """

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = languages

    def __len__(self):
        return self.length

    @cached_property
    def length(self):
        # Asked by the paginator and again for each slice: counted once.
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, __ = index.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        items = self.queryset[first : -(-stop // per_item)]
        pairs = [(item, language) for item in items for language in self.languages]
        return pairs[start - first * per_item : stop - first * per_item]


class NetworkSitemap(TranslatedSitemap):
    # Addresses per page of this section (each network once per language): with thousands of
    # networks, a page stays quick to build and well under the protocol's 50,000.
    limit = 1000

    def items(self):
        return Network.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, network):
        return network.updated_at

    @property
    def paginator(self):
        # Django's Sitemap.paginator pages a list of every network (Sitemap._items()); with the
        # same pairs in the same order, this reads only the page's networks.
        return Paginator(LanguagePairs(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        # Asked by the index: one query, where Django's default reads every network.
        return Network.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ThemeSitemap(TranslatedSitemap):
    def items(self):
        return Theme.objects.order_by("pk")


class PageSitemap(TranslatedSitemap):
    def items(self):
        return [
            "networks:list",
            "networks:overview",
            "networks:full_text",
            "opendata:page",
            "networks:legal_notes",
        ]

    def location(self, name):
        return reverse(name)


sitemaps = {"pages": PageSitemap, "networks": NetworkSitemap, "themes": ThemeSitemap}
