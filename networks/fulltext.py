"""
PostgreSQL's full-text index over the search documents, for networks.search.

A document's fields are already lists of words and stems (networks.search), so PostgreSQL is
asked to parse nothing: each token becomes a lexeme as it is, in a stored generated column with a
GIN index (migration 0014). A search then reads the index instead of every document, which the
plan at 10,000 networks showed to matter for the words that few documents have (bench/search.py).
The relevance is computed from the short title and summary, with LIKE (networks.search).

Other databases get an empty column and search the text fields with LIKE: the words matched are
the same, and the test suite runs on both.
"""

from django.db import models
from django.db.models import F, Func, Value


class TermsField(models.Field):
    """A tsvector on PostgreSQL; elsewhere an unused text column."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class Terms(models.Expression):
    """The words and stems of a document's fields as one tsvector: the generated column."""

    output_field = TermsField()

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        # " citta ~citt " -> "'citta' '~citt'". The tokens are letters and digits, and the stem
        # mark: nothing in them to escape.
        fields = " || ".join(
            connection.ops.quote_name(field) for field in ("title", "summary", "body")
        )
        return rf"regexp_replace({fields}, '(\S+)', '''\1''', 'g')::tsvector", []


class Matches(Func):
    """`terms @@ query` on PostgreSQL: the document has the words of `query`, a tsquery."""

    template = "%(expressions)s::tsquery"
    arg_joiner = " @@ "
    output_field = models.BooleanField()

    def __init__(self, query, terms="terms"):
        super().__init__(F(terms), Value(query))
