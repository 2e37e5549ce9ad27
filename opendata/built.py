"""
The open data files without filters, built ahead when the content changes: at 10,000 networks a
file takes the best part of a second to build, and is what most of its users download.

`manage.py build_open_data` (every minute, deploy/systemd) builds them for the current content
version, when they are not built for it already. A request without filters gets the file built
for the current version; between a change and the next build, it is built for the request, as
a filtered one is: a file is never older than the content.
"""

from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from networks.cache import current_version
from networks.filters import NetworkFilter

from . import datasets
from .models import BuiltFile


def files(base):
    """Return {name: content} of every file without filters, its addresses under `base`."""
    with translation.override(settings.LANGUAGE_CODE):
        queryset = datasets.datasets_queryset(settings.LANGUAGE_CODE)
        networks = NetworkFilter(QueryDict(), queryset=queryset).qs
        return {
            "networks.csv": datasets.csv_text(datasets.csv_rows(networks, base)),
            "networks.json": datasets.json_text(datasets.records(networks, base)),
        }


def build(force=False):
    """Build the files for the current version unless built for it; return the names built."""
    version = current_version()  # before reading the content: a change meanwhile moves it on
    built = set(BuiltFile.objects.filter(version=version).values_list("name", flat=True))
    if not force and built >= {"networks.csv", "networks.json"}:
        return []
    found = files(f"{settings.SITE_URL}/")
    for name, content in found.items():
        BuiltFile.objects.update_or_create(
            name=name, defaults={"version": version, "content": content}
        )
    return list(found)


def current(name):
    """Return the content of the file `name` built for the current version, or None."""
    found = BuiltFile.objects.filter(name=name, version=current_version()).values_list(
        "content", flat=True
    )
    content = found.first()
    return bytes(content) if content is not None else None
