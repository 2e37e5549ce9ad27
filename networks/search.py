"""
Accent- and case-insensitive word search over the networks, the same on SQLite and PostgreSQL.

Neither database folds accents the same way (SQLite cannot at all), so the text is folded in
Python when it is saved, into one SearchDocument per network and language, and the visitor's words
are folded the same way before they are matched.
"""

import unicodedata
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Exists, OuterRef
from modeltranslation.utils import build_localized_fieldname

from .models import Membership, Network, SearchDocument

SEARCHED_FIELDS = ["name", "acronym", "summary", "description"]


def fold(text):
    """Return `text` without accents, in lower case, with single spaces: "Città" -> "citta"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


# Each word is one subquery: a bound keeps a pasted paragraph from building a query the
# database refuses (SQLite stops at an expression depth of 1,000).
MAX_WORDS = 10


def words(query):
    """Return the distinct folded words of `query`, at most MAX_WORDS of them."""
    return list(dict.fromkeys(fold(query).split()))[:MAX_WORDS]


def text_in(obj, field, language):
    """
    Return `field` of `obj` in `language`, else in Italian, else untranslated.

    Reads the columns themselves rather than modeltranslation's descriptors, so that migrations'
    historical models can use it too.
    """
    for name in (f"{field}_{language}", f"{field}_{settings.LANGUAGE_CODE}", field):
        value = getattr(obj, name, None)
        if value:
            return value
    return ""


def document_text(network, memberships, language):
    parts = [text_in(network, field, language) for field in SEARCHED_FIELDS]
    parts += [text_in(membership, "sector", language) for membership in memberships]
    return fold(" ".join(parts))


def index_network(network):
    """Rebuild the search documents of `network`, one per language of the site."""
    memberships = list(Membership.objects.filter(network=network))
    for language, _name in settings.LANGUAGES:
        SearchDocument.objects.update_or_create(
            network=network,
            language=language,
            defaults={"text": document_text(network, memberships, language)},
        )


def index_networks(networks, batch_size=500):
    """
    Rebuild the search documents of `networks` (saved, a list) in a few queries, for bulk work
    such as an import: what index_network() does for one network, for all of them at once.
    """
    ids = [network.pk for network in networks]
    sectors = [build_localized_fieldname("sector", code) for code, _name in settings.LANGUAGES]
    memberships = defaultdict(list)
    for values in Membership.objects.filter(network__in=ids).values("network_id", *sectors):
        memberships[values["network_id"]].append(SimpleNamespace(**values))
    SearchDocument.objects.filter(network__in=ids).delete()
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                network=network,
                language=language,
                text=document_text(network, memberships[network.pk], language),
            )
            for network in networks
            for language, _name in settings.LANGUAGES
        ],
        batch_size=batch_size,
    )


def matching(queryset, query, language):
    """Filter `queryset` to the networks whose text in `language` holds every word of `query`."""
    for word in words(query):
        documents = SearchDocument.objects.filter(
            network=OuterRef("pk"), language=language, text__contains=word
        )
        queryset = queryset.filter(Exists(documents))
    return queryset


def reindex_all():
    for network in Network.objects.all():
        index_network(network)
