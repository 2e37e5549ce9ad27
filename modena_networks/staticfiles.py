"""
Serve jQuery UI's script, and nothing else of XStatic-jquery-ui, as a static file.

modeltranslation's language tabs need jQuery UI; serving it ourselves rather than from a CDN keeps
the admin working on an intranet without internet and under a strict Content-Security-Policy.
The package's stylesheets point at images it does not ship, which would make `collectstatic`'s
hashed storage fail, so only the one script is found.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from xstatic.pkg import jquery_ui

SCRIPT = "jquery-ui.min.js"


class JQueryUIFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=jquery_ui.BASE_DIR)
        self.storage.prefix = str(Path(settings.JQUERY_UI_URL).parent)

    def find(self, path, find_all=False, **kwargs):
        if path != settings.JQUERY_UI_URL:
            return [] if find_all else None
        found = str(Path(jquery_ui.BASE_DIR) / SCRIPT)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield SCRIPT, self.storage
