"""Middleware every part of the site relies on: the admin's language, database outages."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response


class AdminLanguageMiddleware:
    """
    Show the admin in the office's language (Italian), whatever the browser asks for.

    LocaleMiddleware picks the visitor's language for every page; the admin is a tool for the
    office, whose staff work in Italian, so its pages switch back to ADMIN_LANGUAGE_CODE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")):
            translation.activate(settings.ADMIN_LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.ADMIN_LANGUAGE_CODE
        response = self.get_response(request)
        return response


class DatabaseUnavailableMiddleware:
    """
    Answer a view that cannot reach the database with a 503 and the styled error page.

    A database restart or failover lasts seconds: the page says the service is temporarily
    unavailable, Retry-After says when to try again, and each worker reconnects by itself once
    the database is back (CONN_HEALTH_CHECKS). The page is rendered without a request, so that
    nothing in it needs the database. Any other error stays a 500.
    """

    retry_after_seconds = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        response = HttpResponse(render_to_string("500.html"), status=503)
        response["Retry-After"] = str(self.retry_after_seconds)
        add_never_cache_headers(response)
        # Logged as Django logs a 500, with the traceback, and only once.
        log_response(
            "Service Unavailable: %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
