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


def escape_formula(value):
    """Return `value` with an apostrophe before it if it is a text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + ESCAPED_STARTS):
        return f"'{value}"
    return value


def unescape_formula(value):
    """Return the text that escape_formula() turned into `value`."""
    if isinstance(value, str) and value.startswith(ESCAPED_STARTS):
        return value[1:]
    return value
