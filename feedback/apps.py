from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """The page rating every public page carries (AgID "modello Comuni")."""

    name = "feedback"
    verbose_name = _("Page ratings")

    def ready(self):
        from networks import dashboard, digest

        from . import dashboard as ratings

        dashboard.register(ratings.panel)
        digest.register(ratings.digest_section)
