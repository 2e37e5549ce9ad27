"""The public pages, mounted under a language prefix (/it/, /en/) with translated paths."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import overview, views
from .cache import versioned
from .feeds import NetworkFeed

app_name = "networks"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="networks:list"), name="home"),
    path(_("networks/"), views.NetworkListView.as_view(), name="list"),
    # Before the detail page, whose slug would otherwise take "feed", "overview", "full-text".
    path(_("networks/feed/"), versioned(NetworkFeed()), name="feed"),
    path(_("networks/overview/"), overview.OverviewView.as_view(), name="overview"),
    path(_("networks/full-text/"), overview.FullTextView.as_view(), name="full_text"),
    path(_("networks/<slug:slug>/"), views.NetworkDetailView.as_view(), name="detail"),
    path(_("themes/<slug:slug>/"), views.ThemeDetailView.as_view(), name="theme"),
    path(_("legal-notes/"), views.LegalNotesView.as_view(), name="legal_notes"),
]
