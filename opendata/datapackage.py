"""
The Frictionless data package of the open data: the CSV as a tabular resource with its Table
Schema (types, constraints, titles and descriptions), the licence and the source.

Texts are in Italian in `title` and `description`, as the specification has one of each, and in
each other language in `title_<code>` and `description_<code>`, the CSV's own way of naming a
column per language. The resource's path is relative ("networks.csv"), so it resolves against
the package's own address, on this site or in a folder where both files were saved.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from networks.cache import administration

from . import datasets

LICENCE = {
    "name": "CC-BY-4.0",
    "path": datasets.LICENCE_URL,
    "title": "Creative Commons Attribution 4.0 International",
}


def translated(make):
    """Return {"title": …, "title_en": …}-style texts: `make()` gives {key: text} per language."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for key, text in make().items():
                texts[key if code == settings.LANGUAGE_CODE else f"{key}_{code}"] = str(text)
    return texts


def table_schema():
    columns = [column for column, _description in datasets.field_descriptions()]
    # {column: {"title": …, "description": …, "title_en": …, …}}, each language's texts once.
    texts = {column: {} for column in columns}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles, descriptions = dict(datasets.field_titles()), datasets.field_descriptions()
            suffix = "" if code == settings.LANGUAGE_CODE else f"_{code}"
            for column, description in descriptions:
                texts[column][f"title{suffix}"] = str(titles[column])
                texts[column][f"description{suffix}"] = str(description)
    return {
        "fields": [
            {
                "name": column,
                **datasets.COLUMN_TYPES.get(column, {"type": "string"}),
                **texts[column],
            }
            for column in columns
        ],
        "primaryKey": ["slug"],
        # An empty cell is a value missing: a network without a founding year, say.
        "missingValues": [""],
    }


def data_package(request):
    """Return the data package descriptor, its addresses absolute but the CSV's."""
    with translation.override(settings.LANGUAGE_CODE):
        homepage = request.build_absolute_uri(reverse("opendata:page"))
    publisher = administration()
    return {
        "profile": "tabular-data-package",
        "name": f"reti-internazionali-{slugify(publisher.short_name)}",
        "id": request.build_absolute_uri(reverse("opendata_catalog")) + "#dataset",
        **translated(
            lambda: {
                "title": datasets.dataset_title(),
                "description": datasets.dataset_description(),
            }
        ),
        "homepage": homepage,
        "licenses": [LICENCE],
        "sources": [{"title": publisher.name, "path": publisher.website}],
        "contributors": [{"title": publisher.name, "path": publisher.website, "role": "publisher"}],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "networks",
                "path": "networks.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **translated(
                    lambda: {
                        "title": _("International city networks, %(format)s") % {"format": "CSV"}
                    }
                ),
                "licenses": [LICENCE],
                "schema": table_schema(),
            }
        ],
    }
