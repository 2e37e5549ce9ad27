"""Fields translated by django-modeltranslation: one column per language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .history import VersionedRecords, WholeVersion
from .models import Document, Membership, Network, NetworksPage, Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    # The slug stays untranslated: one stable address per network, made from the Italian name.
    fields = ("name", "summary", "description", "key_facts", "promoter")


@register(Membership)
class MembershipTranslationOptions(TranslationOptions):
    fields = ("sector", "public_notes")


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(NetworksPage)
class NetworksPageTranslationOptions(TranslationOptions):
    fields = ("title", "introduction", "contact_office", "contact_hours")


# History comes after the translation registration above, so that the historical models copy the
# translated columns (name_it, name_en, …) too. Why django-simple-history rather than
# django-reversion: a history table per model, queried with the ORM; the admin lists each change
# with who made it, when and which fields changed, and reverts one object to any version.
register_history(
    Theme, app="networks", records_class=VersionedRecords, excluded_fields=["name", "description"]
)
register_history(
    Network,
    app="networks",
    records_class=VersionedRecords,
    bases=[WholeVersion],
    m2m_fields=[Network.themes.field],
    excluded_fields=["name", "summary", "description", "key_facts", "promoter", "updated_at"],
)
register_history(
    Membership,
    app="networks",
    records_class=VersionedRecords,
    excluded_fields=["sector", "public_notes"],
)
register_history(
    Document, app="networks", records_class=VersionedRecords, excluded_fields=["title"]
)
register_history(
    NetworksPage,
    app="networks",
    records_class=VersionedRecords,
    excluded_fields=["title", "introduction", "contact_office", "contact_hours", "updated_at"],
)
