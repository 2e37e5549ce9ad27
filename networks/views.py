import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from identity.models import Administration
from modena_networks.context_processors import asset_url

from . import structured_data
from .filters import NetworkFilter
from .models import Document, Network, NetworksPage, Theme

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    """Send the visitor to the list of networks in their language (Accept-Language or Italian)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = redirect("networks:list")
    patch_vary_headers(response, ["Accept-Language"])
    return response


@require_safe
def favicon(request):
    """Lead browsers that ask for /favicon.ico, whatever the page says, to the site's ICO."""
    return redirect(asset_url(settings.SITE_ICON_ICO))


@requires_csrf_token
def server_error(request):
    """Django's page for a server error, with the administration's name if the database answers."""
    try:
        name = Administration.current().name
    except Exception:  # the error may well be the database's
        name = settings.CITY_NAME
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"administration_name": name}))


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
        self.request.page_shown = page.number  # for its canonical address (context_processors)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        networks_page = NetworksPage.get_or_default()
        page = context["page_obj"]
        context["networks_page"] = networks_page
        context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2)
        context["theme_facets"] = self.theme_facets()
        context["active_filters"] = self.filterset.chips()
        context["is_filtered"] = bool(context["active_filters"])
        if not page.object_list:
            context["suggestion"] = self.filterset.suggestion()
        context["structured_data"] = structured_data.collection(
            self.collection_name(networks_page),
            page.object_list,
            self.request,
            page.start_index(),
            page=networks_page,
        )
        return context

    def theme_facets(self):
        return self.filterset.theme_facets()

    def collection_name(self, networks_page):
        return networks_page.title


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
    public = document.is_public and document.network.is_on_line
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
        context["networks_page"] = NetworksPage.get_or_default()
        context["structured_data"] = structured_data.organization(
            network, self.request, context["networks_page"]
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_on_line:
            add_never_cache_headers(response)  # a preview: for this staff member only
        return response


class ThemeDetailView(NetworkListView):
    """A theme's networks: the list's filters (all but the themes) and pages, within the theme."""

    template_name = "networks/theme_detail.html"

    def get(self, request, *args, **kwargs):
        self.theme = get_object_or_404(Theme, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        with_theme = Network.themes.through.objects.filter(network=OuterRef("pk"), theme=self.theme)
        return super().get_queryset().filter(Exists(with_theme))

    def theme_facets(self):
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(theme=self.theme, **kwargs)

    def collection_name(self, networks_page):
        return self.theme.name


class LegalNotesView(TemplateView):
    template_name = "legal_notes.html"
