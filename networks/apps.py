from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("International networks")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
