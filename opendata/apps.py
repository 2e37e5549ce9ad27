from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The networks as open data: datasets, their description, the files built ahead."""

    name = "opendata"
    verbose_name = _("Open data")
