from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Network, Theme


class TranslatedSitemap(Sitemap):
    """Each page once per language, with hreflang alternates and an x-default."""

    i18n = True
    alternates = True
    x_default = True


class NetworkSitemap(TranslatedSitemap):
    def items(self):
        return Network.objects.published().order_by("pk")

    def lastmod(self, network):
        return network.updated_at


class ThemeSitemap(TranslatedSitemap):
    def items(self):
        return Theme.objects.order_by("pk")


class PageSitemap(TranslatedSitemap):
    def items(self):
        return ["networks:list", "networks:opendata", "networks:legal_notes"]

    def location(self, name):
        return reverse(name)


sitemaps = {"pages": PageSitemap, "networks": NetworkSitemap, "themes": ThemeSitemap}
