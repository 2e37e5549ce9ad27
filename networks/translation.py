"""Fields translated by django-modeltranslation: one column per language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from .models import Document, Membership, Network, NetworksPage, Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    # The slug stays untranslated: one stable address per network, made from the Italian name.
    fields = ("name", "summary", "description", "key_facts")


@register(Membership)
class MembershipTranslationOptions(TranslationOptions):
    fields = ("sector", "public_notes")


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(NetworksPage)
class NetworksPageTranslationOptions(TranslationOptions):
    fields = ("title", "introduction")
