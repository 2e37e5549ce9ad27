from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("International networks")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers


class OfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the office's site (networks.admin_site) as `admin.site`."""

    default = False  # the networks app's own is NetworksConfig
    default_site = "networks.admin_site.OfficeAdminSite"
