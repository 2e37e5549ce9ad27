from django.conf import settings
from django.urls import reverse
from django.utils import translation


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
