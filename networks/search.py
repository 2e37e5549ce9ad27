"""
Word search over the networks, in each language, the same on SQLite and PostgreSQL.

Neither database folds accents or stems words the same way (SQLite does neither), so the text is
prepared in Python when it is saved, into one SearchDocument per network and language, and the
visitor's words are prepared the same way before they are matched.

A document holds three fields, by weight: the title (name, acronym, theme names), the summary,
and the body (description, key facts, promoter, the memberships' sector and public notes). Each
is a list of tokens between spaces: every folded word (" citta ") and every word's stem after a
tilde (" ~citt "). A word of the query matches the beginning of a word (" interc" finds
"interculturali", never the inside of "parte") or a word with the same stem ("musei" for
"museo", "cities" for "city"); a long stem, also the stems it begins (MIN_PREFIX_STEM).
"""

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from types import SimpleNamespace

import snowballstemmer
from django.conf import settings
from django.db import connections
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from modeltranslation.utils import build_localized_fieldname
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import fulltext
from .models import Membership, Network, SearchDocument

# The fields of a document, each with its weight in the ranking, and what each is made of.
FIELDS = {"title": 3, "summary": 2, "body": 1}
NETWORK_FIELDS = {
    "title": ["name", "acronym"],
    "summary": ["summary"],
    "body": ["description", "key_facts", "promoter"],
}
MEMBERSHIP_FIELDS = ["sector", "public_notes"]

# Snowball's name of each language of the site; another language is searched without stems.
STEMMERS = {"it": "italian", "en": "english", "fr": "french", "de": "german", "es": "spanish"}
STEM_MARK = "~"

# Each word is one condition of the query: a bound keeps a pasted paragraph from building a
# query the database refuses (SQLite stops at an expression depth of 1,000).
MAX_WORDS = 10
# Longer "words" (a pasted code, a run of letters) are neither indexed nor searched: nobody types
# them, and PostgreSQL refuses a lexeme of over 2,046 bytes (networks.fulltext).
MAX_WORD_LENGTH = 100
# Words this far (in edit distance) from a word of the index are offered instead of it.
MAX_TYPO_DISTANCE = 2


def fold(text):
    """Return `text` without accents, in lower case, with single spaces: "Città" -> "citta"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def tokens(text):
    """Return the folded words of `text`: letters and digits, split at anything else."""
    return re.findall(r"[^\W_]+", fold(text))


@functools.cache
def stemmer(language):
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@functools.lru_cache(maxsize=100_000)
def stem(word, language):
    """
    Return the stem of `word` (folded) in `language`: "musei" -> "mus", "cities" -> "citi".

    Snowball keeps the last vowel of short Italian words ("arte", "arti"): it is dropped, so that
    singular and plural share a stem.
    """
    found = stemmer(language)
    root = found.stemWord(word) if found else word
    if len(root) > 3 and root[-1] in "aeiou":
        root = root[:-1]
    return root


def indexed(text, language):
    """Return `text` as a document field: its words, then their stems, between spaces."""
    words = [word for word in dict.fromkeys(tokens(text)) if len(word) <= MAX_WORD_LENGTH]
    stems = list(dict.fromkeys(STEM_MARK + stem(word, language) for word in words))
    return f" {' '.join([*words, *stems])} " if words else ""


def words(query):
    """Return the distinct folded words of `query`, at most MAX_WORDS, of 2 letters or more."""
    found = [word for word in dict.fromkeys(tokens(query)) if 1 < len(word) <= MAX_WORD_LENGTH]
    return found[:MAX_WORDS]


def text_in(obj, field, language):
    """
    Return `field` of `obj` in `language`, else in Italian, else untranslated.

    Reads the columns themselves rather than modeltranslation's descriptors, so that bulk work
    with plain values can use it too.
    """
    for name in (f"{field}_{language}", f"{field}_{settings.LANGUAGE_CODE}", field):
        value = getattr(obj, name, None)
        if value:
            return value
    return ""


def document(network, themes, memberships, language):
    """Return the fields of the search document of `network` in `language`."""
    parts = {
        name: [text_in(network, field, language) for field in fields]
        for name, fields in NETWORK_FIELDS.items()
    }
    parts["title"] += [text_in(theme, "name", language) for theme in themes]
    parts["body"] += [
        text_in(membership, field, language)
        for membership in memberships
        for field in MEMBERSHIP_FIELDS
    ]
    return {name: indexed(" ".join(texts), language) for name, texts in parts.items()}


def index_network(network):
    """Rebuild the search documents of `network`, one per language of the site."""
    index_networks([network])


def index_networks(networks, batch_size=500):
    """
    Rebuild the search documents of `networks` (saved, a list) in a few queries: for one
    network after a save, and for bulk work such as an import.
    """
    ids = [network.pk for network in networks]
    translated = [
        build_localized_fieldname(field, code)
        for field in MEMBERSHIP_FIELDS
        for code, _name in settings.LANGUAGES
    ]
    memberships = defaultdict(list)
    for values in Membership.objects.filter(network__in=ids).values("network_id", *translated):
        memberships[values["network_id"]].append(SimpleNamespace(**values))
    themes = defaultdict(list)
    for link in Network.themes.through.objects.filter(network__in=ids).select_related("theme"):
        themes[link.network_id].append(link.theme)
    SearchDocument.objects.filter(network__in=ids).delete()
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                network=network,
                language=language,
                **document(network, themes[network.pk], memberships[network.pk], language),
            )
            for network in networks
            for language, _name in settings.LANGUAGES
        ],
        batch_size=batch_size,
    )


def reindex_all(batch_size=500):
    """Rebuild every search document (after a restore, or by `manage.py rebuild_search_index`)."""
    networks = Network.objects.order_by("pk")
    for start in range(0, networks.count(), batch_size):
        index_networks(list(networks[start : start + batch_size]), batch_size)


# A stem this long also finds the longer stems it begins ("creativa" -> "creat" finds "creative"
# -> "creativ", which Snowball stems apart); a shorter one only itself, or "arte" would find
# "artigianato".
MIN_PREFIX_STEM = 5


def word_matches(field, word, language):
    """Return the condition: `field` has a word beginning with `word`, or `word`'s stem."""
    root = stem(word, language)
    end = "" if len(root) >= MIN_PREFIX_STEM else " "
    return Q(**{f"{field}__contains": f" {word}"}) | Q(
        **{f"{field}__contains": f" {STEM_MARK}{root}{end}"}
    )


def word_query(word, languages):
    """Return word_matches(), in any field and any of `languages`, as a tsquery."""
    alternatives = {f"'{word}':*"}
    for language in languages:
        root = stem(word, language)
        alternatives.add(f"'{STEM_MARK}{root}'" + (":*" if len(root) >= MIN_PREFIX_STEM else ""))
    return " | ".join(sorted(alternatives))


def in_text(field, word, languages, path=""):
    """Return the condition: the document's `field` has `word` in one of `languages` (LIKE)."""
    return Q(
        *[word_matches(path + field, word, language) for language in languages], _connector=Q.OR
    )


class Words:
    """
    The conditions a search document meets when it has words, on the database that is to
    answer: PostgreSQL reads its full-text index (networks.fulltext), others the text fields.

    `path` leads from the model queried to the document ("search_documents__" from a network).
    """

    def __init__(self, using, languages, path=""):
        self.full_text = connections[using].vendor == "postgresql"
        self.languages = languages
        self.path = path

    def everywhere(self, words):
        """The document has each of `words`, in any field."""
        if self.full_text:
            query = " & ".join(f"({word_query(word, self.languages)})" for word in words)
            return fulltext.Matches(query, f"{self.path}terms")
        return Q(
            *[
                Q(
                    *[in_text(field, word, self.languages, self.path) for field in FIELDS],
                    _connector=Q.OR,
                )
                for word in words
            ]
        )

    def relevance(self, words):
        """
        For each of `words`, the weight of the first field of the document that has it, for a
        document that has them all (everywhere()): a word in neither the title nor the summary
        is in the body. Title and summary are short: LIKE reads them faster, on any database,
        than PostgreSQL can match the whole document again.
        """
        scores = [
            Case(
                When(
                    in_text("title", word, self.languages, self.path), then=Value(FIELDS["title"])
                ),
                When(
                    in_text("summary", word, self.languages, self.path),
                    then=Value(FIELDS["summary"]),
                ),
                default=Value(FIELDS["body"]),
                output_field=IntegerField(),
            )
            for word in words
        ]
        return sum(scores[1:], scores[0])


def matching(queryset, query, languages):
    """
    Filter `queryset` to the networks whose document in one of `languages` has every word of
    `query` (the admin's search, in every language).
    """
    found = words(query)
    if not found:
        return queryset
    documents = SearchDocument.objects.filter(
        Words(queryset.db, languages).everywhere(found),
        network=OuterRef("pk"),
        language__in=languages,
    )
    return queryset.filter(Exists(documents))


def ranked(queryset, query, language):
    """
    Filter `queryset` to the networks whose document in `language` has every word of `query`,
    annotated with `relevance`, for each word the weight of the first field it is in; None if
    `query` has no word to search for.

    The filter is a semi-join (EXISTS), which the database can run after cheaper filters such as
    the themes; the relevance a subquery it computes only for the rows it orders. (A join of the
    documents, read once for both, let PostgreSQL's planner start from the documents and carry
    whole networks through the sort: slower at 10,000 networks, bench/search.py.)
    """
    found = words(query)
    if not found:
        return None
    conditions = Words(queryset.db, [language])
    document = SearchDocument.objects.filter(network=OuterRef("pk"), language=language)
    relevance = document.annotate(relevance=conditions.relevance(found)).values("relevance")
    return queryset.filter(Exists(document.filter(conditions.everywhere(found)))).annotate(
        relevance=Subquery(relevance)
    )


def unmatched(query, language):
    """Return the words of `query` that no published network has in `language`."""
    documents = SearchDocument.objects.filter(
        language=language, network__in=Network.objects.published()
    )
    conditions = Words(documents.db, [language])
    return [
        word
        for word in words(query)
        if not documents.filter(conditions.everywhere([word])).exists()
    ]


def vocabulary(language):
    """Return the words of the published networks in `language`, the most frequent first."""
    counts = Counter()
    documents = SearchDocument.objects.filter(
        language=language, network__in=Network.objects.published()
    )
    for fields in documents.values_list(*FIELDS):
        for text in fields:
            counts.update(token for token in text.split() if not token.startswith(STEM_MARK))
    return [word for word, _count in counts.most_common()]


def suggestion(word, known_words):
    """Return the word of `known_words` nearest to `word` (a typo), or None if none is near."""
    found = process.extractOne(
        word, known_words, scorer=Levenshtein.distance, score_cutoff=MAX_TYPO_DISTANCE
    )
    return found[0] if found else None
