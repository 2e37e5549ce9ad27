from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Network, Theme


class TranslatedSitemap(Sitemap):
    """Each page once per language, with hreflang alternates and an x-default."""

    i18n = True
    alternates = True
    x_default = True


class NetworkSitemap(TranslatedSitemap):
    # Addresses per page of this section (each network once per language): with thousands of
    # networks, a page stays quick to build and well under the protocol's 50,000.
    limit = 1000

    def items(self):
        return Network.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, network):
        return network.updated_at

    def get_latest_lastmod(self):
        # Asked by the index: one query, where Django's default reads every network.
        return Network.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ThemeSitemap(TranslatedSitemap):
    def items(self):
        return Theme.objects.order_by("pk")


class PageSitemap(TranslatedSitemap):
    def items(self):
        return ["networks:list", "networks:opendata", "networks:legal_notes"]

    def location(self, name):
        return reverse(name)


sitemaps = {"pages": PageSitemap, "networks": NetworkSitemap, "themes": ThemeSitemap}
