"""
backup and restore: a round trip onto an empty database gives identical public pages, the
archive is for its owner's eyes only, and a hostile archive is refused without changing anything.
"""

import io
import json
import os
import shutil
import stat
import tarfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from feedback.models import Feedback
from networks.models import Document, Network
from networks.validators import DOCUMENT_MAX_BYTES, LOGO_MAX_BYTES

from .factories import DocumentFactory
from .test_uploads import PDF, files_in, image_bytes

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


def contents_of(folder):
    """Return the files under `folder`, {path relative to it: bytes}."""
    return {name: (folder / name).read_bytes() for name in files_in(folder)}


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
    uploads = contents_of(settings.MEDIA_ROOT)
    assert {unesco.logo.name, unesco.logo_small.name, unesco.logo_large.name} <= set(uploads)

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert not Network.objects.exists()

    call_command("restore", str(archive), verbosity=0)
    assert public_pages(client) == before
    assert client.get(Document.objects.get().file.url).getvalue() == document_bytes
    # The web server publishes MEDIA_ROOT: the logo and its renditions are back, byte for byte.
    assert contents_of(settings.MEDIA_ROOT) == uploads


def test_round_trip_keeps_the_administration_and_its_coat_of_arms(client, settings, tmp_path):
    from identity.models import Administration

    call_command("loaddata", "demo", verbosity=0)
    Administration.objects.create(
        name="Comune di Bologna",
        short_name="Bologna",
        ipa_code="c_a944",
        website="https://www.comune.bologna.it/",
        privacy_url="https://www.comune.bologna.it/privacy",
        accessibility_url="https://form.agid.gov.it/",
        primary_colour="#8A1538",
        coat_of_arms=SimpleUploadedFile("stemma.png", image_bytes(size=(200, 240))),
    )
    before = client.get("/it/reti/").content
    uploads = contents_of(settings.MEDIA_ROOT)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(archive), verbosity=0)
    restored = Administration.objects.get()
    assert (restored.name, restored.primary_colour) == ("Comune di Bologna", "#8A1538")
    assert contents_of(settings.MEDIA_ROOT) == uploads  # the coat of arms and its renditions
    assert client.get("/it/reti/").content == before


def test_restore_refuses_a_database_that_has_content(settings, tmp_path):
    call_command("loaddata", "demo", verbosity=0)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already has networks"):
        call_command("restore", str(archive), verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz"):
        pass
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(archive), verbosity=0)


# Who may read the archive


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """Let every new file be world-readable, as a careless umask (0000) does."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_the_archive_is_readable_by_its_owner_only(open_umask, tmp_path):
    call_command("loaddata", "demo", verbosity=0)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    assert mode_of(archive) == 0o600


def test_an_archive_written_over_a_world_readable_file_is_owner_only_before_any_data(
    open_umask, tmp_path, monkeypatch
):
    archive = tmp_path / "backup.tar.gz"
    archive.write_bytes(b"an older backup")
    archive.chmod(0o644)
    modes = []
    original_addfile = tarfile.TarFile.addfile

    def addfile(self, *args, **kwargs):
        modes.append(mode_of(archive))
        return original_addfile(self, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "addfile", addfile)
    call_command("backup", output=str(archive), verbosity=0)
    assert modes and set(modes) == {0o600}
    assert mode_of(archive) == 0o600


# The restored content on pages cached before


def test_pages_cached_before_a_restore_show_the_restored_content(client, settings, tmp_path):
    assert settings.PAGE_CACHE_SECONDS > 0
    call_command("loaddata", "demo", verbosity=0)
    unesco = Network.objects.get(slug="citta-creative-unesco")
    restored_name = unesco.name_it
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    unesco.name_it = "Un nome sbagliato"
    unesco.save()
    for path in ["/it/reti/", "/it/reti/citta-creative-unesco/"]:
        assert "Un nome sbagliato" in client.get(path).content.decode()

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), verbosity=0)
    for path in ["/it/reti/", "/it/reti/citta-creative-unesco/"]:
        page = client.get(path).content.decode()
        assert "Un nome sbagliato" not in page
        assert restored_name in page


# Hostile archives


def member(name, content=b"", kind=tarfile.REGTYPE, linkname=""):
    entry = tarfile.TarInfo(name)
    entry.type = kind
    entry.linkname = linkname
    entry.size = len(content) if kind == tarfile.REGTYPE else 0
    entry.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return entry, content


def folder(name):
    return member(name, kind=tarfile.DIRTYPE)


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for entry, content in members:
            archive.addfile(entry, io.BytesIO(content) if entry.isfile() else None)
    return path


@pytest.fixture
def backup(settings, tmp_path):
    """Return the members of a real backup (demo content, a logo, a document), then empty all."""
    call_command("loaddata", "demo", verbosity=0)
    unesco = Network.objects.get(slug="citta-creative-unesco")
    unesco.logo = SimpleUploadedFile("logo.png", image_bytes(size=(300, 150)))
    unesco.save()
    DocumentFactory(network=unesco, title_it="Statuto", is_public=True)
    unesco.logo_small.generate()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(path), verbosity=0)
    with tarfile.open(path) as archive:
        members = [
            (entry, archive.extractfile(entry).read() if entry.isfile() else b"")
            for entry in archive
        ]
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    return members


def assert_nothing_restored(settings):
    assert not Network.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(settings.PRIVATE_MEDIA_ROOT) == []


def test_the_backup_has_logos_renditions_and_documents_and_restores_unchanged(backup, tmp_path):
    names = [entry.name for entry, _content in backup]
    assert any(name.startswith("media/networks/logos/") for name in names)
    assert any(name.startswith("media/CACHE/images/networks/logos/") for name in names)
    assert any(name.startswith("private-media/") and name.endswith(".pdf") for name in names)
    call_command("restore", str(write_archive(tmp_path / "same.tar.gz", backup)), verbosity=0)
    assert Network.objects.get(slug="citta-creative-unesco").logo


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><script>alert(1)</script></html>"
LOGOS = "media/networks/logos"

HOSTILE = {
    "parent folders": (
        [member("../../evil.txt", b"evil")],
        "../../evil.txt: its path leads outside the archive's folders",
    ),
    "parent folders inside a folder": (
        [member(f"{LOGOS}/../../../evil.png", image_bytes())],
        "evil.png: its path leads outside",
    ),
    "an absolute path": (
        [member("/tmp/evil.txt", b"evil")],
        "/tmp/evil.txt: its path leads outside",
    ),
    "a symbolic link": (
        [member(f"{LOGOS}/link.png", kind=tarfile.SYMTYPE, linkname="/etc/passwd")],
        "link.png: it is a link or a special file",
    ),
    "a hard link": (
        [member(f"{LOGOS}/hard.png", kind=tarfile.LNKTYPE, linkname="data.json")],
        "hard.png: it is a link or a special file",
    ),
    "a device": (
        [member("media/null", kind=tarfile.CHRTYPE)],
        "media/null: it is a link or a special file",
    ),
    "a named pipe": (
        [member("private-media/pipe", kind=tarfile.FIFOTYPE)],
        "private-media/pipe: it is a link or a special file",
    ),
    "an unknown member": (
        [member("settings.py", b"DEBUG = True")],
        "settings.py: a backup has only data.json and the folders media, private-media",
    ),
    "an unknown folder": (
        [folder("static")],
        "static: a backup has only data.json",
    ),
    "a file instead of the media folder": (
        [member("media", b"")],
        "media: it should be a folder",
    ),
    "a folder instead of data.json": (
        [folder("data.json")],
        "data.json: it should be a file",
    ),
    "an html page among the media": (
        [member("media/index.html", HTML)],
        "media/index.html: media/ holds only logos",
    ),
    "an svg logo": (
        [member(f"{LOGOS}/evil.svg", SVG)],
        "evil.svg: a logo is a PNG, JPEG or WebP image",
    ),
    "an svg named as a png": (
        [member(f"{LOGOS}/evil.png", SVG)],
        "evil.png: SVG logos are not accepted",
    ),
    "an html page among the renditions": (
        [member("media/CACHE/images/networks/logos/x/evil.html", HTML)],
        "evil.html: a logo is a PNG, JPEG or WebP image",
    ),
    "a logo that is not an image": (
        [member(f"{LOGOS}/fake.jpg", HTML)],
        "fake.jpg: This file is not an image, or it is damaged.",
    ),
    "a gif logo": (
        [member(f"{LOGOS}/old.png", image_bytes("GIF"))],
        "old.png: Upload the logo as PNG, JPEG or WebP.",
    ),
    "a logo over the size limit": (
        [member(f"{LOGOS}/huge.png", bytes(LOGO_MAX_BYTES + 1))],
        "huge.png: The file is 2.0\xa0MB: the limit is 2.0\xa0MB.",
    ),
    "a logo with too many pixels": (
        [member(f"{LOGOS}/wide.png", image_bytes(size=(4001, 10)))],
        "wide.png: The image is 4001 × 10 pixels: at most 4000 on each side.",
    ),
    "an html document": (
        [member("private-media/evil.html", HTML)],
        "private-media/evil.html: private-media/ holds only PDF documents",
    ),
    "a document that is not a pdf": (
        [member("private-media/fake.pdf", HTML)],
        "fake.pdf: This file is not a PDF document.",
    ),
    "a document over the size limit": (
        [member("private-media/huge.pdf", PDF + bytes(DOCUMENT_MAX_BYTES))],
        "huge.pdf: The file is 20.0\xa0MB: the limit is 20.0\xa0MB.",
    ),
    "a file where a folder is": (
        [
            member(f"{LOGOS}/a.png", image_bytes()),
            member(f"{LOGOS}/a.png/b.png", image_bytes()),
        ],
        "a.png/b.png: its path clashes with another member",
    ),
}


@pytest.mark.parametrize(("members", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_restore_refuses_a_hostile_member_and_restores_nothing(
    backup, settings, tmp_path, members, message
):
    archive = write_archive(tmp_path / "hostile.tar.gz", [*backup, *members])
    with pytest.raises(CommandError, match="refused, nothing was restored") as refusal:
        call_command("restore", str(archive), verbosity=0)
    assert message in str(refusal.value)
    assert_nothing_restored(settings)


def with_data(backup, content):
    return [
        member("data.json", content) if entry.name == "data.json" else (entry, body)
        for entry, body in backup
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"model": "networks.network", "pk": 1', "data.json: it is not JSON"),
        (b"\xff\xfe", "data.json: it is not JSON"),
        (b'{"networks": []}', "data.json: it is not the list of objects `dumpdata` writes"),
        (b'[{"model": "networks.nothing", "fields": {}}]', "data.json: Problem installing"),
        (
            json.dumps([{"model": "networks.network", "fields": {"founded_year": "old"}}]).encode(),
            "data.json: Problem installing",
        ),
    ],
    ids=["truncated", "not text", "not a list", "unknown model", "bad value"],
)
def test_restore_refuses_data_it_cannot_load_and_restores_nothing(
    backup, settings, tmp_path, content, message
):
    archive = write_archive(tmp_path / "hostile.tar.gz", with_data(backup, content))
    with pytest.raises(CommandError, match="refused, nothing was restored") as refusal:
        call_command("restore", str(archive), verbosity=0)
    assert message in str(refusal.value)
    assert_nothing_restored(settings)


def test_restore_refuses_an_archive_without_data(backup, settings, tmp_path):
    members = [(entry, body) for entry, body in backup if entry.name != "data.json"]
    archive = write_archive(tmp_path / "no-data.tar.gz", members)
    with pytest.raises(CommandError, match=r"not a backup: it has no data\.json"):
        call_command("restore", str(archive), verbosity=0)
    assert_nothing_restored(settings)


def test_restore_refuses_a_file_that_is_not_a_tar_gz(backup, settings, tmp_path):
    plain_tar = tmp_path / "backup.tar"
    with tarfile.open(plain_tar, "w") as archive:
        for entry, content in backup:
            archive.addfile(entry, io.BytesIO(content) if entry.isfile() else None)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(write_archive(tmp_path / "whole.tar.gz", backup).read_bytes()[:2000])
    text = tmp_path / "notes.tar.gz"
    text.write_text("not an archive")
    for path in [plain_tar, truncated, text]:
        with pytest.raises(CommandError, match=r"cannot be read as a \.tar\.gz archive"):
            call_command("restore", str(path), verbosity=0)
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), verbosity=0)
    assert_nothing_restored(settings)


def test_a_backup_from_before_the_ratings_had_an_app_of_their_own_restores_them(tmp_path):
    call_command("loaddata", "demo", verbosity=0)
    Feedback.objects.create(path="/it/reti/", language="it", rating=4, answer="clear")
    readers = Group.objects.create(name="Lettori delle valutazioni")
    readers.permissions.add(Permission.objects.get(codename="view_feedback"))
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    # The same archive as `backup` wrote it while the ratings were a model of the networks app.
    with tarfile.open(archive) as source:
        members = [
            (entry, source.extractfile(entry).read() if entry.isfile() else b"") for entry in source
        ]
    [data] = [json.loads(content) for entry, content in members if entry.name == "data.json"]
    old_labels = json.dumps(data).replace('"feedback.feedback"', '"networks.feedback"')
    old_labels = old_labels.replace('"feedback", "feedback"]', '"networks", "feedback"]')
    assert '"view_feedback", "networks", "feedback"]' in old_labels
    content = old_labels.encode()
    old = [
        member("data.json", content) if entry.name == "data.json" else (entry, data_bytes)
        for entry, data_bytes in members
    ]
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(write_archive(tmp_path / "old.tar.gz", old)), verbosity=0)
    rating = Feedback.objects.get()
    assert (rating.path, rating.rating, rating.answer) == ("/it/reti/", 4, "clear")
    readers = Group.objects.get(name="Lettori delle valutazioni")
    assert [p.codename for p in readers.permissions.all()] == ["view_feedback"]
    assert readers.permissions.get().content_type.app_label == "feedback"
