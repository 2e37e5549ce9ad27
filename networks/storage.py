"""
The storage of documents, which are not public until the view serving them says so: a folder,
or a bucket's private objects when the uploads are on S3 (settings.STORAGES["documents"]).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage


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


class PrivateS3Storage(S3Storage):
    """
    Documents as private objects of the bucket: nobody reads them from it but the site, and
    their URLs lead to networks.views.document_file, as PrivateStorage's do.
    """

    default_acl = "private"

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.PRIVATE_MEDIA_URL, filepath_to_uri(name))


class DocumentStorage(LazyObject):
    """settings.STORAGES["documents"], looked up when first used, again when STORAGES change."""

    def _setup(self):
        self._wrapped = storages["documents"]


documents_storage = DocumentStorage()


@receiver(setting_changed)
def storages_changed(setting, **kwargs):
    if setting == "STORAGES":
        documents_storage._wrapped = empty


def private_storage():
    """The documents' storage (the model field's, named in its migrations)."""
    return documents_storage
