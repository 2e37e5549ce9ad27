from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from networks import cache as page_cache

from . import theme

KIT_CSS = "networks/css/kit.css"
YEAR = 365 * 24 * 3600


@require_safe
def themed_kit_css(request, release, colour):
    """
    Bootstrap Italia's rules in the administration's primary colour (theme.themed()).

    Only its own colour: any other is not found, so that an address made up by a stranger
    builds nothing and fills no cache. The address names the colour and the release, so that
    browsers may keep the file for a year.
    """
    administration = page_cache.administration()
    if colour.upper() != administration.primary_colour.lstrip("#").upper():
        raise Http404

    def build():
        with open(finders.find(KIT_CSS), encoding="utf-8") as source:
            return theme.themed(source.read(), administration.primary_colour)

    css = page_cache.remember("themed-kit-css", colour.upper(), build)
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
