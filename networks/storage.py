"""The storage of documents, which are not public until the view serving them says so."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """
    Files under PRIVATE_MEDIA_ROOT, outside the folder the web server publishes.

    Their URLs lead to networks.views.document_file, which serves a public document to anyone
    and an internal one to staff only.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return self._value_or_setting(self._base_url, settings.PRIVATE_MEDIA_URL)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"PRIVATE_MEDIA_ROOT", "PRIVATE_MEDIA_URL"}:
            for name in ("base_location", "location", "base_url"):
                self.__dict__.pop(name, None)


def private_storage():
    return PrivateStorage()
