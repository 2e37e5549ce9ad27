import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from modena_networks.clients import client_ip, visitor_of

from .forms import FeedbackForm

logger = logging.getLogger(__name__)


def is_cross_site(request):
    """Return True for a request that the browser says comes from another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    return bool(origin) and origin != request.build_absolute_uri("/").rstrip("/")


def over_feedback_limit(request):
    """Count a rating from this visitor; return True past FEEDBACK_RATE_LIMIT in an hour."""
    address = visitor_of(client_ip(request))
    # Only a digest of the address is kept, and only in the cache, for an hour.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
    key = f"feedback-rate:{digest}"
    try:
        cache.add(key, 0, timeout=60 * 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=60 * 60)
            count = 1
    except Exception:
        # A cache that is down must not stop visitors from rating: no limit meanwhile.
        logger.exception("Could not count page ratings in the cache")
        return False
    return count > settings.FEEDBACK_RATE_LIMIT


@csrf_exempt
@require_POST
def feedback(request):
    """
    Store a visitor's rating of a page.

    The rating form is on every public page. A CSRF token would give each of them a cookie and
    make them uncacheable, so the view goes without one: the browser's Sec-Fetch-Site or Origin
    header refuses posts from other sites, and a limit per address stops floods.
    """
    wants_json = "application/json" in request.headers.get("Accept", "")
    if is_cross_site(request):
        return HttpResponseForbidden()
    if over_feedback_limit(request):
        message = _("You have sent many ratings in a short time. Please try again later.")
        if wants_json:
            return JsonResponse({"error": message}, status=429)
        return render(request, "feedback/feedback.html", {"error": message}, status=429)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "feedback/feedback.html", {"form": form}, status=400)
    rating = form.save(commit=False)
    rating.language = get_language()
    rating.save()
    if wants_json:
        return JsonResponse({"saved": True}, status=201)
    return render(request, "feedback/feedback.html", {"saved": rating})
