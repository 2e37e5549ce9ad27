import csv
import logging

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import cache as page_cache
from . import opendata, structured_data
from .filters import NetworkFilter
from .models import ContentVersion, Document, Network, NetworksPage, Theme

logger = logging.getLogger(__name__)

# Parameters that are not filters: they say how to show the results, not which ones.
NOT_FILTERS = {"page", "order"}


@require_safe
def home(request):
    """Send the visitor to the list of networks in their language (Accept-Language or Italian)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = redirect("networks:list")
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_safe
def robots_txt(request):
    # A moved admin (DJANGO_ADMIN_URL) is moved to be hard to find: naming it here would undo
    # that. Its pages tell robots themselves not to index them.
    admin_moved = settings.ADMIN_URL != settings.DEFAULT_ADMIN_URL
    lines = [
        "User-agent: *",
        "Disallow:" if admin_moved else f"Disallow: /{settings.DEFAULT_ADMIN_URL}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class NetworkListView(FilterView):
    filterset_class = NetworkFilter
    template_name = "networks/network_list.html"
    paginate_by = 20
    # An invalid filter is shown as a form error and ignored; the valid ones still apply.
    strict = False

    def get_queryset(self):
        return Network.objects.for_public_list(get_language())

    def paginate_queryset(self, queryset, page_size):
        # get_page() answers a missing, mistyped or too large page with a real page, not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        networks_page = NetworksPage.get_or_default()
        page = context["page_obj"]
        context["networks_page"] = networks_page
        context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2)
        context["theme_facets"] = self.theme_facets()
        context["active_filters"] = self.active_filters()
        context["is_filtered"] = bool(context["active_filters"])
        context["structured_data"] = structured_data.collection(
            networks_page.title, page.object_list, self.request, page.start_index()
        )
        return context

    def theme_facets(self):
        """
        Return every theme with `network_count`: how many networks it would show with the other
        filters as they are, and `chosen` when it is one of the themes filtered on.
        """
        others = self.request.GET.copy()
        for name in ["theme", *NOT_FILTERS]:
            others.pop(name, None)

        def count():
            without_themes = NetworkFilter(
                others, queryset=Network.objects.published().with_joined_year()
            ).qs
            networks = Q(networks__in=without_themes.values("pk"))
            return list(Theme.objects.annotate(network_count=Count("networks", filter=networks)))

        # Counting means reading every network: done once per set of filters until the content
        # changes, rather than on every page (a page of results, another order…).
        filters = sorted((name, sorted(values)) for name, values in others.lists())
        parts = f"{get_language()}?{urlencode(filters, doseq=True)}"
        themes = page_cache.remember("theme-facets", parts, count)
        chosen = set(self.request.GET.getlist("theme"))
        for theme in themes:
            theme.chosen = theme.slug in chosen
        return themes

    def active_filters(self):
        """Return the filters in force as chips: a label and the address without that filter."""
        form = self.filterset.form
        if not form.is_bound or not hasattr(form, "cleaned_data"):
            return []
        data = form.cleaned_data
        chips = []
        if data.get("q"):
            chips.append((_("Words: “%(words)s”") % {"words": data["q"]}, "q", None))
        for theme in data.get("theme") or []:
            chips.append((theme.name, "theme", theme.slug))
        if data.get("scope"):
            chips.append((Network.Scope(data["scope"]).label, "scope", None))
        if data.get("joined_after") is not None:
            label = _("Joined from %(year)s") % {"year": int(data["joined_after"])}
            chips.append((label, "joined_after", None))
        if data.get("joined_before") is not None:
            label = _("Joined up to %(year)s") % {"year": int(data["joined_before"])}
            chips.append((label, "joined_before", None))
        return [
            {"label": label, "remove_url": self.url_without(name, value)}
            for label, name, value in chips
        ]

    def url_without(self, name, value=None):
        query = self.request.GET.copy()
        query.pop("page", None)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [item for item in query.getlist(name) if item != value])
        encoded = query.urlencode()
        return f"{self.request.path}?{encoded}" if encoded else self.request.path


def is_staff_with(request, permission):
    """
    Return True for staff holding `permission`, who may see drafts and internal documents.

    Visitors without a session cookie are answered without reading the session, so their pages
    do not vary by cookie.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_staff and request.user.has_perm(permission)


def can_preview(request):
    """Return True for staff who may see drafts on the site ("Vedi sul sito" in the admin)."""
    return is_staff_with(request, "networks.view_network")


@require_safe
def document_file(request, name):
    """
    Serve a document: a public one of a published network to anyone, the others to staff.

    Always as a PDF (its content was checked on upload), under a name made from its title.
    """
    document = get_object_or_404(Document.objects.select_related("network"), file=name)
    public = document.is_public and document.network.is_published
    if not public and not is_staff_with(request, "networks.view_document"):
        raise Http404
    try:
        opened = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        opened, content_type="application/pdf", filename=document.download_name()
    )
    if not public:
        add_never_cache_headers(response)
    return response


class NetworkDetailView(DetailView):
    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_queryset(self):
        networks = (
            Network.objects.all() if can_preview(self.request) else Network.objects.published()
        )
        return (
            networks.with_joined_year()
            .with_themes()
            .with_active_membership()
            .prefetch_related(
                Prefetch(
                    "documents", queryset=Document.objects.public(), to_attr="public_documents"
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        network = self.object
        shared = Network.themes.through.objects.filter(
            network=OuterRef("pk"), theme__in=[theme.pk for theme in network.themes.all()]
        )
        context["related_networks"] = (
            Network.objects.published()
            .with_sort_name(get_language())
            .filter(Exists(shared))
            .exclude(pk=network.pk)
            .order_by("sort_name")[:6]
        )
        context["structured_data"] = structured_data.organization(network, self.request)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)  # a preview: for this staff member only
        return response


class ThemeDetailView(DetailView):
    model = Theme
    template_name = "networks/theme_detail.html"
    context_object_name = "theme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with_theme = Network.themes.through.objects.filter(
            network=OuterRef("pk"), theme=self.object
        )
        networks = Network.objects.for_public_list(get_language()).filter(Exists(with_theme))
        context["networks"] = networks
        context["structured_data"] = structured_data.collection(
            self.object.name, networks, self.request
        )
        return context


class LegalNotesView(TemplateView):
    template_name = "legal_notes.html"


def content_etag(request, *args, **kwargs):
    return f"{ContentVersion.current().timestamp():.6f}"


def content_last_modified(request, *args, **kwargs):
    return ContentVersion.current()


# ETag and Last-Modified from the content version: a client that has the current data gets a
# 304 without the data being read or built again.
conditional = condition(etag_func=content_etag, last_modified_func=content_last_modified)


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
        filterset = NetworkFilter(request.GET, queryset=opendata.datasets_queryset())
        if not filterset.is_valid():
            return None, JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
        return [opendata.network_record(network, request) for network in filterset.qs], None


@require_safe
@conditional
def opendata_json(request):
    records, error = filtered_datasets(request)
    if error:
        return error
    data = {
        "licence": opendata.LICENCE_URL,
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
    columns = [column for column, _description in opendata.field_descriptions()]
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    writer.writerows(opendata.csv_row(record) for record in records)
    return response


class OpenDataView(TemplateView):
    template_name = "networks/opendata.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fields"] = opendata.field_descriptions()
        context["catalog"] = opendata.catalog(self.request)
        context["licence_url"] = opendata.LICENCE_URL
        return context
