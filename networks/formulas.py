"""
Texts that a spreadsheet program would run as formulas, kept texts in the CSV files the site writes.

Excel and LibreOffice take a cell beginning with =, +, -, @, a tab or a carriage return for a
formula (=HYPERLINK(…) sends whoever clicks it anywhere). Such a text is written with an
apostrophe before it, as OWASP advises, and the import takes the apostrophe off. A text that
already begins with an apostrophe followed by one of those characters or by another apostrophe
gets one more too, so that taking one off always gives back the text: an export and an import of
the file keep every text as it was. Numbers are not texts, and stay as they are.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_STARTS = tuple(f"'{start}" for start in (*FORMULA_STARTS, "'"))
ESCAPED = FORMULA_STARTS + ESCAPED_STARTS
# The first characters of those: a text beginning with another is never escaped.
FIRSTS = frozenset(start[0] for start in ESCAPED)


def escape_formula(value):
    """Return `value` with an apostrophe before it if it is a text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(ESCAPED):
        return f"'{value}"
    return value


def escape_formulas(values):
    """Return the list of `values`, escape_formula() on each: fast on rows of a large file."""
    return [
        escape_formula(value) if value.__class__ is str and value[:1] in FIRSTS else value
        for value in values
    ]


def unescape_formula(value):
    """Return the text that escape_formula() turned into `value`."""
    if isinstance(value, str) and value.startswith(ESCAPED_STARTS):
        return value[1:]
    return value
