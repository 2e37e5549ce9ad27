"""The open data's files (CSV, JSON), filtered as the list is, and the page that describes them."""

import json

import yaml
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from networks.cache import conditional
from networks.filters import NetworkFilter

from . import built, catalog, datapackage, datasets, openapi


def read_only(view):
    """
    GET and HEAD only, any other method answered 405 Method Not Allowed: before the CSRF check,
    which would answer 403 to a POST as if a token were all it lacked.
    """
    return csrf_exempt(require_safe(view))


# (extension, rdflib format, URL name) of the catalogue's files.
CATALOG_FILES = [
    ("ttl", "turtle", "opendata_catalog_ttl"),
    ("rdf", "xml", "opendata_catalog_rdf"),
    ("jsonld", "json-ld", "opendata_catalog_jsonld"),
]


def bad_parameters(errors):
    """
    Return a 400 answer as a problem document (RFC 9457), the errors of each parameter in the
    extension member `errors`: {parameter: [{"message": …, "code": …}]}.
    """
    problem = {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": _("Some parameters are not valid: see errors."),
        "errors": errors,
    }
    return JsonResponse(
        problem,
        status=400,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def filtered_datasets(request, rows):
    """
    Return `rows` (datasets.records or datasets.csv_rows) of the published networks the open
    data filters choose, or a 400 problem document.

    The filters are the list page's (theme, scope, q, joined_after, joined_before); `lang` says
    which language `q` searches in, Italian by default.
    """
    # Only theme may be repeated: of another, Django would take the last value and drop the rest.
    repeated = [name for name, values in request.GET.lists() if len(values) > 1 and name != "theme"]
    if repeated:
        message = _("Give this parameter once.")
        return None, bad_parameters(
            {name: [{"message": message, "code": "repeated"}] for name in repeated}
        )
    language = request.GET.get("lang") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        languages = ", ".join(code for code, _name in settings.LANGUAGES)
        message = _("Unknown language: choose one of %(languages)s.") % {"languages": languages}
        return None, bad_parameters({"lang": [{"message": message, "code": "invalid_choice"}]})
    with translation.override(language):
        filterset = NetworkFilter(request.GET, queryset=datasets.datasets_queryset(language))
        if not filterset.is_valid():
            return None, bad_parameters(filterset.errors.get_json_data())
        return rows(filterset.qs, request.build_absolute_uri("/")), None


def link_licence_and_description(response, description, media_type):
    """Add the Link header (RFC 8288) to the licence and to what describes the file."""
    response["Link"] = (
        f'<{datasets.LICENCE_URL}>; rel="license", '
        f'<{description}>; rel="describedby"; type="{media_type}"'
    )
    return response


def dataset_content(request, name, rows, text):
    """
    Return the content of the file `name`: built ahead for a request without filters, else
    `text(rows(…))` of the networks the request's filters choose; or a 400 problem document.
    """
    content = None if request.GET else built.current(name)
    if content is not None:
        return content, None
    found, error = filtered_datasets(request, rows)
    return (None, error) if error else (text(found), None)


@read_only
@conditional
def opendata_json(request):
    content, error = dataset_content(request, "networks.json", datasets.records, datasets.json_text)
    if error:
        return error
    response = HttpResponse(content, content_type="application/json")
    return link_licence_and_description(response, reverse("opendata_openapi"), "application/yaml")


@read_only
@conditional
def opendata_csv(request):
    content, error = dataset_content(request, "networks.csv", datasets.csv_rows, datasets.csv_text)
    if error:
        return error
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="networks.csv"'
    return link_licence_and_description(
        response, reverse("opendata_datapackage"), "application/json"
    )


@read_only
@conditional
def opendata_openapi(request):
    # In Italian, the site's first language, whatever the client's: one description to cache.
    with translation.override(settings.LANGUAGE_CODE):
        description = openapi.description(request)
    text = yaml.safe_dump(description, allow_unicode=True, sort_keys=False, width=100)
    return HttpResponse(text, content_type="application/yaml; charset=utf-8")


@read_only
@conditional
def opendata_datapackage(request):
    return JsonResponse(
        datapackage.data_package(request),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@read_only
@conditional
def catalog_view(request, format_):
    graph = catalog.catalog_graph(request)
    return HttpResponse(catalog.serialize(graph, format_), content_type=catalog.FORMATS[format_])


@read_only
def catalog_document(request):
    """The catalogue's IRI: 303 See Other to the file in the format asked for, else Turtle."""
    accept = request.headers.get("Accept", "")
    name = "opendata_catalog_ttl"
    for _extension, format_, url_name in CATALOG_FILES:
        if catalog.FORMATS[format_].split(";")[0] in accept:
            name = url_name
            break
    return HttpResponseRedirect(reverse(name), status=303)


class OpenDataView(TemplateView):
    template_name = "opendata/opendata.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fields"] = datasets.field_descriptions()
        # The catalogue's graph, as the JSON-LD a search engine or a harvester reads in the page.
        graph = catalog.catalog_graph(self.request)
        context["catalog"] = json.loads(catalog.serialize(graph, "json-ld"))
        context["licence_url"] = datasets.LICENCE_URL
        return context
