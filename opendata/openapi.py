"""
The OpenAPI 3 description of the open data endpoints, after the Italian guidelines for REST APIs
(AgID, "Linee guida sull'interoperabilità tecnica"): `info` with contact, licence, `x-api-id`
and `x-summary`, the servers, every parameter with the values it allows, and errors as problem
documents (RFC 9457).

It is built for each request rather than written once: the themes a `theme` may name, the
server's address and the office's e-mail are the site's own. tests/test_openapi.py runs
schemathesis over it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from networks.cache import administration
from networks.filters import NetworkFilter
from networks.models import FIRST_YEAR, LAST_YEAR, Network, NetworksPage, Theme

from . import datasets

# The API's own identifier, which stays the same through its versions (x-api-id).
API_ID = "23f1817c-878f-4c0c-89ea-857e5f3b08aa"
API_VERSION = "1.0.0"

PROBLEM = "application/problem+json"
TEXT = {"type": "string"}


# An empty value is no value: the list's form sends scope= for "any scope", and a query copied
# from the list's address works on the datasets as it is.
EMPTY = ""


def parameters():
    """Return the datasets' query parameters: the list's filters and orders, and `lang`."""
    orders = [value for value, _label in NetworkFilter().filters["order"].field.choices if value]
    year = {
        "anyOf": [
            {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
            {"type": "string", "maxLength": 0},
        ]
    }
    return [
        {
            "name": "theme",
            "in": "query",
            "description": _("Networks on any of these themes (identifiers)."),
            "schema": {
                "type": "array",
                "items": {
                    "type": "string",
                    "enum": [EMPTY, *Theme.objects.values_list("slug", flat=True)],
                },
            },
            "style": "form",
            "explode": True,
        },
        {
            "name": "scope",
            "in": "query",
            "description": _("Networks of this scope."),
            "schema": {
                "type": "string",
                "enum": [EMPTY, *(scope.value for scope in Network.Scope)],
            },
        },
        {
            "name": "joined_after",
            "in": "query",
            "description": _("Networks joined in this year or later."),
            "schema": year,
        },
        {
            "name": "joined_before",
            "in": "query",
            "description": _("Networks joined in this year or earlier."),
            "schema": year,
        },
        {
            "name": "q",
            "in": "query",
            "description": _(
                "Words, each of which a network must contain, searched in the language of lang."
            ),
            # Any text but the NUL character, which no form field takes.
            "schema": {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"},
        },
        {
            "name": "lang",
            "in": "query",
            "description": _("The language the words are searched in."),
            "schema": {
                "type": "string",
                "enum": [EMPTY, *(code for code, _name in settings.LANGUAGES)],
                "default": settings.LANGUAGE_CODE,
            },
        },
        {
            "name": "order",
            "in": "query",
            "description": _(
                "The order: by name or by year joined, a minus for the reverse. Without it, by "
                "identifier, or with words the most relevant first."
            ),
            "schema": {"type": "string", "enum": [EMPTY, *orders]},
        },
    ]


def translated_object(properties):
    """The schema of a text given per language: {"it": …, "en": …}."""
    return {
        "type": "object",
        "properties": {code: properties for code, _name in settings.LANGUAGES},
        "required": [code for code, _name in settings.LANGUAGES],
    }


def network_schema():
    nullable_year = {"type": "integer", "nullable": True}
    text = translated_object(TEXT)
    return {
        "type": "object",
        "required": ["slug", "scope", "name", "url", "themes", "updated_at"],
        "properties": {
            "slug": TEXT,
            "acronym": TEXT,
            "scope": {"type": "string", "enum": [scope.value for scope in Network.Scope]},
            "founded_year": nullable_year,
            "joined_year": nullable_year,
            "website": TEXT,
            "profile_url": TEXT,
            "key_facts_date": {"type": "string", "format": "date", "nullable": True},
            "updated_at": {"type": "string", "format": "date-time"},
            **dict.fromkeys([*datasets.TRANSLATED, "sector"], text),
            "themes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "name"],
                    "properties": {"slug": TEXT, "name": text},
                },
            },
            "url": translated_object({"type": "string", "format": "uri"}),
        },
    }


def validators():
    """The headers of every answer that follows the content: for conditional requests."""
    return {
        "ETag": {"description": _("Version of the content."), "schema": TEXT},
        "Last-Modified": {"description": _("When the content last changed."), "schema": TEXT},
    }


def answers(media_type, schema, description, headers=None):
    return {
        "200": {
            "description": description,
            "headers": {**validators(), **(headers or {})},
            "content": {media_type: {"schema": schema}},
        },
        "301": {
            "description": _("The same address without the parameters it does not read."),
            "headers": {"Location": {"schema": TEXT}},
        },
        "304": {"description": _("Not modified since the version the client has.")},
    }


def dataset_operation(operation_id, summary, media_type, schema):
    link = {
        "Link": {
            "description": _("The licence (rel=license) and the description (rel=describedby)."),
            "schema": TEXT,
        }
    }
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["datasets"],
            "parameters": parameters(),
            "responses": {
                **answers(media_type, schema, _("The networks the parameters choose."), link),
                "400": {
                    "description": _("Some parameters are not valid."),
                    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                },
            },
        }
    }


def file_operation(operation_id, summary, media_type, schema=TEXT):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["metadata"],
            "responses": answers(media_type, schema, summary),
        }
    }


def contact(request):
    page = NetworksPage.get_or_default()
    with translation.override(settings.LANGUAGE_CODE):
        url = request.build_absolute_uri(reverse("opendata:page"))
    found = {"name": page.contact_office or administration().name, "url": url}
    if page.contact_email:
        found["email"] = page.contact_email
    return found


def description(request):
    """Return the OpenAPI description, as data to write as YAML or JSON."""
    problem = {
        "type": "object",
        "description": _("A problem document (RFC 9457)."),
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": _("The errors of each parameter."),
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["message", "code"],
                        "properties": {"message": TEXT, "code": TEXT},
                    },
                },
            },
        },
    }
    network_list = {
        "type": "object",
        "required": ["licence", "publisher", "count", "networks"],
        "properties": {
            "licence": {"type": "string", "format": "uri"},
            "publisher": TEXT,
            "count": {"type": "integer", "minimum": 0},
            "networks": {"type": "array", "items": {"$ref": "#/components/schemas/Network"}},
        },
    }
    office = contact(request)
    city = {"city": administration().short_name}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Open data of the international city networks"),
            "x-summary": _("The networks %(city)s belongs to, as CSV and JSON.") % city,
            "description": _(
                "The international city networks %(city)s belongs to, as open data: the "
                "datasets, filtered and ordered as the list of networks, and their descriptions "
                "(data package, DCAT-AP_IT catalogue). Read only, without authentication."
            )
            % city,
            "version": API_VERSION,
            "x-api-id": API_ID,
            "contact": office,
            "license": {"name": "CC BY 4.0", "url": datasets.LICENCE_URL},
            "termsOfService": office["url"],
        },
        "servers": [
            {
                "url": request.build_absolute_uri("/").rstrip("/"),
                "description": administration().name,
            }
        ],
        "tags": [
            {"name": "datasets", "description": _("The networks as data.")},
            {"name": "metadata", "description": _("What describes the data.")},
        ],
        "paths": {
            reverse("opendata_json"): dataset_operation(
                "getNetworksJson",
                _("The networks as JSON"),
                "application/json",
                {"$ref": "#/components/schemas/NetworkList"},
            ),
            reverse("opendata_csv"): dataset_operation(
                "getNetworksCsv", _("The networks as CSV"), "text/csv", TEXT
            ),
            reverse("opendata_datapackage"): file_operation(
                "getDataPackage",
                _("The data package of the CSV (Frictionless)"),
                "application/json",
                {"type": "object"},
            ),
            reverse("opendata_catalog_ttl"): file_operation(
                "getCatalogTurtle", _("The DCAT-AP_IT catalogue in Turtle"), "text/turtle"
            ),
            reverse("opendata_catalog_rdf"): file_operation(
                "getCatalogRdfXml", _("The DCAT-AP_IT catalogue in RDF/XML"), "application/rdf+xml"
            ),
            reverse("opendata_catalog_jsonld"): file_operation(
                "getCatalogJsonLd",
                _("The DCAT-AP_IT catalogue in JSON-LD"),
                "application/ld+json",
                {"type": "object"},
            ),
        },
        "components": {
            "schemas": {
                "Network": network_schema(),
                "NetworkList": network_list,
                "Problem": problem,
            }
        },
    }
