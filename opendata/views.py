"""The open data's files (CSV, JSON), filtered as the list is, and the page that describes them."""

import csv

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from networks.cache import conditional
from networks.filters import NetworkFilter

from . import datasets


def filtered_datasets(request):
    """
    Return the published networks the open data filters choose, or a 400 JSON response.

    The filters are the list page's (theme, scope, q, joined_after, joined_before); `lang` says
    which language `q` searches in, Italian by default.
    """
    language = request.GET.get("lang", settings.LANGUAGE_CODE)
    if language not in dict(settings.LANGUAGES):
        languages = ", ".join(code for code, _name in settings.LANGUAGES)
        message = _("Unknown language: choose one of %(languages)s.") % {"languages": languages}
        return None, JsonResponse({"errors": {"lang": [{"message": message}]}}, status=400)
    with translation.override(language):
        filterset = NetworkFilter(request.GET, queryset=datasets.datasets_queryset(language))
        if not filterset.is_valid():
            return None, JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
        return [datasets.network_record(network, request) for network in filterset.qs], None


@require_safe
@conditional
def opendata_json(request):
    records, error = filtered_datasets(request)
    if error:
        return error
    data = {
        "licence": datasets.LICENCE_URL,
        "publisher": settings.CITY_NAME,
        "count": len(records),
        "networks": records,
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
@conditional
def opendata_csv(request):
    records, error = filtered_datasets(request)
    if error:
        return error
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="networks.csv"'
    columns = [column for column, _description in datasets.field_descriptions()]
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    writer.writerows(datasets.csv_row(record) for record in records)
    return response


class OpenDataView(TemplateView):
    template_name = "opendata/opendata.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fields"] = datasets.field_descriptions()
        context["catalog"] = datasets.catalog(self.request)
        context["licence_url"] = datasets.LICENCE_URL
        return context
