"""The public pages, mounted under a language prefix (/it/, /en/) with translated paths."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import views
from .cache import conditional
from .feeds import NetworkFeed

app_name = "networks"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="networks:list"), name="home"),
    path(_("networks/"), views.NetworkListView.as_view(), name="list"),
    # Before the detail page, whose slug would otherwise take "feed".
    path(_("networks/feed/"), conditional(NetworkFeed()), name="feed"),
    path(_("networks/<slug:slug>/"), views.NetworkDetailView.as_view(), name="detail"),
    path(_("themes/<slug:slug>/"), views.ThemeDetailView.as_view(), name="theme"),
    path(_("legal-notes/"), views.LegalNotesView.as_view(), name="legal_notes"),
]
