from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Who publishes the site: the administration's name, codes and addresses (AgID)."""

    name = "identity"
    verbose_name = _("Identity of the administration")
