"""
The networks as open data (CC BY 4.0): the rows of the CSV and JSON datasets and their fields.

Only published networks and public fields: never a draft, never the office's internal membership
fields. Translated fields come per language as they are stored (empty where not translated). In
the CSV, a text that a spreadsheet would run as a formula gets an apostrophe before it
(networks.formulas); the JSON has every text as it is. The catalogue that describes them is
opendata.catalog.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from networks.formulas import escape_formula
from networks.models import Network

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
TRANSLATED = ["name", "summary", "description", "key_facts", "promoter"]

# (column, description) of the fields that are the same in every language.
COMMON_FIELDS = [
    ("slug", _("Identifier of the network, the last part of its page address")),
    ("acronym", _("Acronym")),
    ("scope", _("Scope: international, european or national")),
    ("founded_year", _("Year the network was founded")),
    ("joined_year", _("Year Modena joined")),
    ("website", _("Website of the network")),
    ("profile_url", _("Page about Modena on the network's website")),
    ("key_facts_date", _("Date the key facts were true (YYYY-MM-DD)")),
    ("themes", _("Themes, as identifiers separated by “;”")),
    ("updated_at", _("Last change (ISO 8601)")),
]
# (column prefix, description) of the fields given once per language, e.g. name_it, name_en.
LANGUAGE_FIELDS = [
    ("name", _("Name")),
    ("summary", _("Summary")),
    ("description", _("Description")),
    ("key_facts", _("Key facts, such as the number of member cities")),
    ("promoter", _("Promoting organisation")),
    ("sector", _("Modena's sector or role in the network")),
    ("themes", _("Theme names, separated by “;”")),
    ("url", _("Address of the network's page")),
]


# The short title of each column that is the same in every language (data package).
COMMON_TITLES = {
    "slug": _("Identifier"),
    "acronym": _("Acronym"),
    "scope": _("Scope"),
    "founded_year": _("Year founded"),
    "joined_year": _("Year joined"),
    "website": _("Website"),
    "profile_url": _("Modena's page on the network's website"),
    "key_facts_date": _("Date of the key facts"),
    "themes": _("Themes"),
    "updated_at": _("Last change"),
}
# The Table Schema type and constraints of each column; a column not named is a string.
COLUMN_TYPES = {
    "slug": {"type": "string", "constraints": {"required": True, "unique": True}},
    "scope": {
        "type": "string",
        "constraints": {"required": True, "enum": [scope.value for scope in Network.Scope]},
    },
    "founded_year": {"type": "integer"},
    "joined_year": {"type": "integer"},
    "website": {"type": "string", "format": "uri"},
    "profile_url": {"type": "string", "format": "uri"},
    "key_facts_date": {"type": "date"},
    "updated_at": {"type": "datetime", "constraints": {"required": True}},
    f"name_{settings.LANGUAGE_CODE}": {"type": "string", "constraints": {"required": True}},
    **{f"url_{code}": {"type": "string", "format": "uri"} for code, _name in settings.LANGUAGES},
}


def field_titles():
    """Return every column of the CSV with its short title, in the order of field_descriptions()."""
    titles = list(COMMON_TITLES.items())
    for prefix, description in LANGUAGE_FIELDS:
        for code, name in settings.LANGUAGES:
            titles.append((f"{prefix}_{code}", f"{description} ({name})"))
    return titles


def field_descriptions():
    """Return every column of the CSV with its description, in order."""
    fields = list(COMMON_FIELDS)
    for prefix, description in LANGUAGE_FIELDS:
        for code, name in settings.LANGUAGES:
            fields.append((f"{prefix}_{code}", f"{description} ({name})"))
    return fields


def datasets_queryset(language):
    """Return the published networks by identifier, ready for every order the list offers."""
    return (
        Network.objects.published()
        .with_joined_year()
        .with_sort_name(language)
        .with_themes()
        .with_active_membership()
        .order_by("slug")
    )


def localized(obj, field, code):
    return getattr(obj, build_localized_fieldname(field, code)) or ""


def page_urls(network, request):
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = request.build_absolute_uri(network.get_absolute_url())
    return urls


def network_record(network, request):
    """Return one network as nested data: translated fields as {language: text}."""
    membership = network.active_membership
    themes = list(network.themes.all())
    languages = [code for code, _name in settings.LANGUAGES]
    return {
        "slug": network.slug,
        "acronym": network.acronym,
        "scope": network.scope,
        "founded_year": network.founded_year,
        "joined_year": network.joined_year,
        "website": network.website,
        "profile_url": membership.profile_url if membership else "",
        "key_facts_date": network.key_facts_date.isoformat() if network.key_facts_date else None,
        "updated_at": network.updated_at.isoformat(timespec="seconds"),
        **{
            field: {code: localized(network, field, code) for code in languages}
            for field in TRANSLATED
        },
        "sector": {
            code: localized(membership, "sector", code) if membership else "" for code in languages
        },
        "themes": [
            {
                "slug": theme.slug,
                "name": {code: localized(theme, "name", code) for code in languages},
            }
            for theme in themes
        ],
        "url": page_urls(network, request),
    }


def csv_row(record):
    """Flatten a network_record() into the CSV's columns."""
    row = {field: record[field] for field, _description in COMMON_FIELDS if field != "themes"}
    row["themes"] = ";".join(theme["slug"] for theme in record["themes"])
    for code, _name in settings.LANGUAGES:
        for field in [*TRANSLATED, "sector", "url"]:
            row[f"{field}_{code}"] = record[field][code]
        row[f"themes_{code}"] = ";".join(theme["name"][code] for theme in record["themes"])
    # In any order: the CSV writer puts the columns in field_descriptions()'s, and refuses a
    # column it does not list.
    return {column: escape_formula(value) for column, value in row.items()}
