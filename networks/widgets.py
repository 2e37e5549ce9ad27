"""
A file input that keeps the chosen file when the form comes back with an error.

A browser cannot refill a file input, so an editor who attached a logo and a PDF and mistyped a
year had to choose both files again, and often did not notice. The widget keeps each upload for
an hour in the cache under a random key, sends the key back signed in a hidden field, and takes
the file from the cache when the form is sent again without a new one. django-file-resubmit does
the same but is unmaintained since 2018 and needs a cache of its own; this is the small part of it
the admin needs. A file is kept only when the form is shown again, so a valid save costs nothing.
"""

import uuid

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

STASH_SECONDS = 60 * 60
SALT = "networks.widgets.stash"


def stash(upload):
    """Keep `upload` for a while; return the signed token that brings it back."""
    key = uuid.uuid4().hex
    upload.seek(0)
    cache.set(
        f"upload-stash:{key}",
        (upload.name, upload.content_type, upload.read()),
        STASH_SECONDS,
    )
    upload.seek(0)
    return signing.dumps(key, salt=SALT)


def unstash(token):
    """Return the upload a token stands for, or None if it is forged, too old or gone."""
    try:
        key = signing.loads(token, salt=SALT, max_age=STASH_SECONDS)
    except signing.BadSignature:
        return None
    kept = cache.get(f"upload-stash:{key}")
    if kept is None:
        return None
    name, content_type, content = kept
    return SimpleUploadedFile(name, content, content_type)


class StashedFileInput(AdminFileWidget):
    """The admin's file input, which remembers a file chosen before a validation error."""

    # Rendered by the form renderer, which reads apps' templates only.
    template_name = "networks/widgets/stashed_file_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.upload = None

    def stash_field_name(self, name):
        return f"{name}-stash"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is None:  # no new file and not cleared: maybe one chosen before an error
            upload = self.upload or unstash(data.get(self.stash_field_name(name), ""))
        if upload:
            self.upload = upload
        return upload

    def get_context(self, name, value, attrs):
        # Shown again with a file chosen: the form had an error (a valid one redirects).
        context = super().get_context(name, value, attrs)
        if self.upload:
            context["widget"].update(
                stash_name=self.stash_field_name(name),
                stash_token=stash(self.upload),
                stashed_name=self.upload.name,
            )
        return context
