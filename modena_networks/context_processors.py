import hashlib

from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from networks import cache as page_cache


def local_path(path):
    """
    Return `path` with one leading slash.

    A path such as "//[" (a mistyped or hostile address, answered with a 404) would otherwise be
    read as an address on another host, and a malformed one at that.
    """
    return "/" + path.lstrip("/")


def canonical_path(request):
    """
    Return the address search engines should index for this page: its own, a page of results
    kept ("?page=2"), the filters left out (a filtered list is the list seen another way).
    """
    path = local_path(request.path)
    # A list tells the page it shows: "?page=99" of two pages shows the second.
    page = str(getattr(request, "page_shown", request.GET.get("page", "")))
    if set(request.GET) == {"page"} and page.isdigit() and int(page) > 1:
        return f"{path}?page={int(page)}"
    return path


def language_links(request):
    """
    Return the current page in every language of the site: `url` with its filters, for the
    visitor's switch of language, and `alternate_url`, the canonical address's translation, for
    the hreflang alternates.

    Plain links (translate_url), not the set_language form: its cookie would make every page
    vary by cookie and defeat caching.
    """
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(local_path(request.get_full_path()), code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "alternate_url": request.build_absolute_uri(
                    translate_url(canonical_path(request), code)
                ),
                "is_current": code == current,
            }
        )
    return links


def asset_url(name):
    """Return the address of `name`: a static file's path, or already an address."""
    return name if "://" in name or name.startswith("/") else static(name)


def site(request):
    return {
        "SITE_ICON_URL": asset_url(settings.SITE_ICON),
        "SITE_TOUCH_ICON_URL": asset_url(settings.SITE_TOUCH_ICON),
        "SITE_IMAGE_URL": asset_url(settings.SITE_IMAGE),
        "administration": SimpleLazyObject(page_cache.administration),
        # In the address of what changes with each deploy and is kept by browsers for a year.
        "RELEASE_TAG": hashlib.sha256(settings.RELEASE.encode()).hexdigest()[:12],
        "language_links": SimpleLazyObject(lambda: language_links(request)),
        "canonical_url": SimpleLazyObject(
            lambda: request.build_absolute_uri(canonical_path(request))
        ),
    }
