"""The page cache's middleware: cached pages for visitors, one content change per request."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

from . import cache as page_cache
from .filters import NetworkFilter
from .signals import one_content_change


class OneContentChangeMiddleware:
    """
    Move the content version once per request that writes, however many rows it writes.

    An admin save of a network with its themes, memberships and documents, a bulk action over
    fifty networks or an import each write many rows; each moved the version (and emptied the
    page cache's keys) once per row.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with one_content_change():
            return self.get_response(request)


# The query parameters public pages read: the list's filters and page, the open data's language
# and the sitemap's page. Any other is redirected away, so that junk in a link (tracking
# parameters, a client busting the cache) cannot multiply the cached pages.
PAGE_PARAMETERS = frozenset([*NetworkFilter.base_filters, "page", "lang", "p"])


class PublicPageCacheMiddleware:
    """
    Answer anonymous GETs of public pages from the cache, before any session, CSRF, language or
    database work; store the pages it builds.

    Entries are keyed by the content version (networks.cache), which any change to the content
    moves: an edit shows at once, in every language, and old entries simply expire. Visitors
    with a session cookie (staff, who may see previews) always get a fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            return self.get_response(request)
        if unknown := set(request.GET) - PAGE_PARAMETERS:
            return self.without(request, unknown)
        key = page_cache.page_key(request)
        stored = page_cache.get(key) if key else None
        if stored is not None:
            return self.conditional(request, page_cache.restore(stored))
        response = self.get_response(request)
        if key and self.is_cacheable_response(response):
            # A digest of the page, unless the view gave the content version's (cache.versioned).
            if not response.has_header("ETag"):
                set_response_etag(response)
            page_cache.store(key, response)
            return self.conditional(request, response)
        return response

    @staticmethod
    def without(request, unknown):
        """Redirect to the same page without the parameters no page reads (utm_source, …)."""
        query = request.GET.copy()
        for name in unknown:
            del query[name]
        return HttpResponsePermanentRedirect(
            f"{request.path}?{query.urlencode()}" if query else request.path
        )

    @staticmethod
    def conditional(request, response):
        """Return a 304 instead of `response` if the client already has it."""
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    def is_cacheable_request(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and (
                request.path_info.startswith(self.prefixes)
                or request.path_info.startswith(("/opendata/", "/sitemap"))
                or request.path_info == "/robots.txt"
            )
        )

    @staticmethod
    def is_cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )
