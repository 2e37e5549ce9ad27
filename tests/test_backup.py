"""backup and restore: a round trip onto an empty database gives identical public pages."""

import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from networks.models import Document, Network

from .factories import DocumentFactory
from .test_uploads import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/it/reti/",
    "/en/networks/",
    "/it/reti/citta-creative-unesco/",
    "/en/networks/climate-alliance/",
    "/it/reti/?q=citta&theme=cultura-e-creativita",
    "/opendata/networks.json",
]


def public_pages(client):
    return {path: client.get(path).content for path in PAGES}


def test_round_trip_onto_an_empty_database_gives_identical_pages(client, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 0
    call_command("loaddata", "demo", verbosity=0)
    unesco = Network.objects.get(slug="citta-creative-unesco")
    unesco.logo = SimpleUploadedFile("logo.png", image_bytes(size=(300, 150)))
    unesco.save()
    DocumentFactory(network=unesco, title_it="Statuto", is_public=True)
    before = public_pages(client)
    document = Document.objects.get()
    document_bytes = client.get(document.file.url).getvalue()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert not Network.objects.exists()

    call_command("restore", str(archive), verbosity=0)
    assert public_pages(client) == before
    assert client.get(Document.objects.get().file.url).getvalue() == document_bytes
    logo = Network.objects.get(slug="citta-creative-unesco").logo_small
    assert client.get(logo.url).status_code in (200, 404)  # served by the web server
    assert (settings.MEDIA_ROOT / logo.name).exists()


def test_restore_refuses_a_database_that_has_content(settings, tmp_path):
    call_command("loaddata", "demo", verbosity=0)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already has networks"):
        call_command("restore", str(archive), verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    import tarfile

    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz"):
        pass
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(archive), verbosity=0)
