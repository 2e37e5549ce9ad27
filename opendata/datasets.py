"""
The networks as open data (CC BY 4.0): the rows of the CSV and JSON datasets and their fields.

Only published networks and public fields: never a draft, never the office's internal membership
fields. Translated fields come per language as they are stored (empty where not translated). In
the CSV, a text that a spreadsheet would run as a formula gets an apostrophe before it
(networks.formulas); the JSON has every text as it is. The catalogue that describes them is
opendata.catalog.
"""

import csv
import io
import json
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from networks.cache import administration
from networks.formulas import escape_formulas
from networks.models import Membership, Network, Theme

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
TRANSLATED = ["name", "summary", "description", "key_facts", "promoter"]

# (column, description) of the fields that are the same in every language.
COMMON_FIELDS = [
    ("slug", _("Identifier of the network, the last part of its page address")),
    ("acronym", _("Acronym")),
    ("scope", _("Scope: international, european or national")),
    ("founded_year", _("Year the network was founded")),
    ("joined_year", _("Year the administration joined")),
    ("website", _("Website of the network")),
    ("profile_url", _("Page about the administration on the network's website")),
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
    ("sector", _("The administration's sector or role in the network")),
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
    "profile_url": _("Page on the network's website"),
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
    return Network.objects.published().with_joined_year().with_sort_name(language).order_by("slug")


@dataclass
class Values:
    """
    What the datasets of some networks are made of, read as plain values in four queries
    whatever their number: model instances, their prefetches and a URL reversed for each cost
    seconds at 10,000 networks (bench/).
    """

    # Each network's NETWORK_VALUES and translated columns, in the queryset's order.
    networks: list
    # {network's pk: its active membership's profile_url and sector columns}
    memberships: dict
    # {network's pk: [its themes, each {"slug": …, "name": {language: …}}]}
    themes: dict
    # {language: the address of a network's page, "{slug}" in place of its slug}
    urls: dict

    @classmethod
    def of(cls, networks, base):
        # Each column as it is: modeltranslation's values() would also fill in each fallback.
        networks = networks.prefetch_related(None).rewrite(False)
        chosen = networks.values("pk")
        memberships = {}
        for membership in (
            Membership.objects.active()
            .rewrite(False)
            .filter(network__in=chosen)
            .values("network_id", "profile_url", *COLUMNS["sector"].values())
        ):
            memberships.setdefault(membership["network_id"], membership)  # the first, as ordered
        themes = {
            theme.pk: {
                "slug": theme.slug,
                "name": {code: localized(theme, "name", code) for code in LANGUAGES},
            }
            for theme in Theme.objects.all()
        }
        order = {pk: position for position, pk in enumerate(themes)}
        themes_of = {}
        links = Network.themes.through.objects.filter(network__in=chosen)
        for network, theme in sorted(
            links.values_list("network_id", "theme_id"), key=lambda link: order[link[1]]
        ):
            themes_of.setdefault(network, []).append(themes[theme])
        texts = [column for field in TRANSLATED for column in COLUMNS[field].values()]
        return cls(
            networks=list(networks.values(*NETWORK_VALUES, *texts)),
            memberships=memberships,
            themes=themes_of,
            urls=page_url_templates(base),
        )


NETWORK_VALUES = [
    "pk",
    "slug",
    "acronym",
    "scope",
    "founded_year",
    "joined_year",
    "website",
    "key_facts_date",
    "updated_at",
]
# {field: {language: its column}} of the translated fields of networks and memberships.
COLUMNS = {
    field: {code: build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES}
    for field in [*TRANSLATED, "sector"]
}
NO_MEMBERSHIP = {}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def page_url_templates(base):
    """Return {language: the address of a network's page under `base`, "{slug}" its slug}."""
    placeholder = "slug-placeholder"
    templates = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            path = reverse("networks:detail", kwargs={"slug": placeholder})
        templates[code] = urljoin(base, path).replace(placeholder, "{slug}")
    return templates


def records(networks, base):
    """Return each of `networks` (a queryset, in its order) as nested data, translated fields
    as {language: text}, their pages' addresses under `base`: the JSON dataset's."""
    values = Values.of(networks, base)
    return [
        record(row, values.memberships.get(row["pk"], NO_MEMBERSHIP), values)
        for row in values.networks
    ]


def record(row, membership, values):
    """Return one network of `values` as nested data, with its active `membership`'s values."""
    themes = values.themes.get(row["pk"], [])
    return {
        **{field: row[field] for field in NETWORK_VALUES if field != "pk"},
        "profile_url": membership.get("profile_url", ""),
        "key_facts_date": row["key_facts_date"].isoformat() if row["key_facts_date"] else None,
        "updated_at": row["updated_at"].isoformat(timespec="seconds"),
        **{
            field: {code: row[column] or "" for code, column in COLUMNS[field].items()}
            for field in TRANSLATED
        },
        "sector": {
            code: membership.get(column) or "" for code, column in COLUMNS["sector"].items()
        },
        "themes": themes,
        "url": {code: url.format(slug=row["slug"]) for code, url in values.urls.items()},
    }


def localized(obj, field, code):
    return getattr(obj, build_localized_fieldname(field, code)) or ""


def csv_rows(networks, base):
    """
    Return each of `networks` (a queryset, in its order) flattened into the CSV's columns, a
    list in the order of field_descriptions(); a text a spreadsheet would run as a formula
    escaped, their pages' addresses under `base`: the CSV dataset's.
    """
    values = Values.of(networks, base)
    columns = [column for column, _description in field_descriptions()]
    texts = [
        (f"{field}_{code}", column)
        for field in [*TRANSLATED, "sector"]
        for code, column in COLUMNS[field].items()
    ]
    direct = [field for field, _description in COMMON_FIELDS if field in NETWORK_VALUES]
    rows = []
    for row in values.networks:
        membership = values.memberships.get(row["pk"], NO_MEMBERSHIP)
        themes = values.themes.get(row["pk"], [])
        flat = {field: row[field] for field in direct}
        flat.update({name: row.get(column, membership.get(column)) for name, column in texts})
        flat["profile_url"] = membership.get("profile_url", "")
        flat["key_facts_date"] = row["key_facts_date"] and row["key_facts_date"].isoformat()
        flat["updated_at"] = row["updated_at"].isoformat(timespec="seconds")
        flat["themes"] = ";".join(theme["slug"] for theme in themes)
        for code, url in values.urls.items():
            flat[f"themes_{code}"] = ";".join(theme["name"][code] for theme in themes)
            flat[f"url_{code}"] = url.format(slug=row["slug"])
        rows.append(escape_formulas([flat[column] for column in columns]))
    return rows


def csv_text(rows):
    """Return the CSV file of `rows` (csv_rows()), with its header, as UTF-8."""
    # Written whole: row by row into a response costs a call for each.
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(column for column, _description in field_descriptions())
    writer.writerows(rows)
    return content.getvalue().encode()


def dataset_title():
    """Return the dataset's title in the active language, as the catalogue and package give it."""
    return _("International city networks %(city)s belongs to") % {
        "city": administration().short_name
    }


def dataset_description():
    return _(
        "The international city networks %(city)s belongs to: what they are, their website, "
        "the year it joined and their themes."
    ) % {"city": administration().short_name}


def json_text(records):
    """Return the JSON file of `records` (records()), as UTF-8."""
    data = {
        "licence": LICENCE_URL,
        "publisher": administration().name,
        "count": len(records),
        "networks": records,
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
