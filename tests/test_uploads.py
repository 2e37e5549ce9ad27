"""Logos and documents, uploaded through the real admin forms as a browser would."""

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from networks.models import Document, Membership, Network

from .factories import DocumentFactory, NetworkFactory
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(image_format="PNG", size=(120, 60), mode="RGB", **save_options):
    output = io.BytesIO()
    Image.new(mode, size, "teal").save(output, image_format, **save_options)
    return output.getvalue()


def jpeg_with_location():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    exif[0x8825] = {2: (44.0, 38.0, 0.0)}  # GPS latitude
    return image_bytes("JPEG", exif=exif.tobytes()) + b"<script>trailing payload</script>"


def files_in(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _dirs, names in os.walk(folder)
        for name in names
    )


def upload_logo(client, network, name, content):
    data = change_form_data(network, logo=SimpleUploadedFile(name, content))
    return client.post(reverse("admin:networks_network_change", args=[network.pk]), data)


def form_errors(response):
    return [str(error) for error in response.context["adminform"].form.errors.get("logo", [])]


class TestLogo:
    @pytest.mark.parametrize(
        ("image_format", "name"), [("PNG", "logo.png"), ("JPEG", "logo.jpg"), ("WEBP", "logo.webp")]
    )
    def test_png_jpeg_and_webp_are_accepted(self, admin_client, image_format, name):
        network = NetworkFactory()
        response = upload_logo(admin_client, network, name, image_bytes(image_format))
        assert response.status_code == 302
        network.refresh_from_db()
        with Image.open(network.logo.path) as stored:
            assert stored.format == image_format

    def test_stored_under_an_unguessable_name(self, admin_client):
        network = NetworkFactory()
        upload_logo(admin_client, network, "Logo Comune.png", image_bytes())
        network.refresh_from_db()
        name = os.path.basename(network.logo.name)
        assert "Logo" not in name
        assert len(name) == len("0123456789abcdef0123456789abcdef.png")

    def test_metadata_and_trailing_payload_do_not_survive(self, admin_client):
        network = NetworkFactory()
        upload_logo(admin_client, network, "photo.jpg", jpeg_with_location())
        network.refresh_from_db()
        with open(network.logo.path, "rb") as file:
            stored = file.read()
        assert b"SpyCam" not in stored
        assert b"trailing payload" not in stored
        with Image.open(network.logo.path) as image:
            assert not image.getexif()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("logo.png", b"just some text, not an image", "non è un'immagine"),
            ("logo.png", image_bytes()[:60], "non è un'immagine"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "non è un'immagine"),
            (
                "logo.png",
                b'<?xml version="1.0"?><svg onload="alert(1)"></svg>',
                "non è un'immagine",
            ),
            ("logo.gif", image_bytes("GIF"), "PNG, JPEG o WebP"),
            ("wide.png", image_bytes(size=(4100, 10), mode="1"), "al massimo 4000"),
            ("bomb.png", image_bytes(size=(10000, 10000), mode="1"), "non è un'immagine"),
        ],
        ids=["text", "truncated", "svg", "svg-named-png", "gif", "too-wide", "decompression-bomb"],
    )
    def test_bad_files_get_a_message_in_italian_and_change_nothing(
        self, admin_client, settings, name, content, message
    ):
        network = NetworkFactory()
        response = upload_logo(admin_client, network, name, content)
        assert response.status_code == 200
        assert any(message in error for error in form_errors(response)), form_errors(response)
        network.refresh_from_db()
        assert not network.logo
        assert files_in(settings.MEDIA_ROOT) == []

    def test_a_logo_over_two_megabytes_is_refused(self, admin_client, settings):
        noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
        output = io.BytesIO()
        noise.save(output, "PNG")
        network = NetworkFactory()
        response = upload_logo(admin_client, network, "big.png", output.getvalue())
        assert any("il limite è 2,0\xa0MB" in error for error in form_errors(response))
        assert files_in(settings.MEDIA_ROOT) == []

    def test_renditions_are_made_once_as_webp(self, admin_client, settings):
        network = NetworkFactory()
        upload_logo(admin_client, network, "logo.png", image_bytes(size=(800, 400)))
        network.refresh_from_db()
        renditions = [name for name in files_in(settings.MEDIA_ROOT) if name.endswith(".webp")]
        assert len(renditions) == 3
        with Image.open(network.logo_small.path) as small:
            assert small.format == "WEBP"
            assert small.size == (96, 48)

    def test_public_pages_offer_the_renditions_with_srcset(self, admin_client, client):
        network = NetworkFactory()
        upload_logo(admin_client, network, "logo.png", image_bytes(size=(800, 400)))
        network.refresh_from_db()
        content = client.get(network.get_absolute_url()).content.decode()
        assert f'srcset="{network.logo_small.url} 96w, {network.logo_medium.url} 192w' in content
        listing = client.get("/it/reti/").content.decode()
        assert 'sizes="64px" alt="" width="64" height="64" loading="lazy"' in listing

    def test_a_replaced_logo_is_kept_for_its_version_until_pruned(self, admin_client, settings):
        network = NetworkFactory()
        upload_logo(admin_client, network, "first.png", image_bytes())
        upload_logo(admin_client, network, "second.png", image_bytes(size=(50, 50)))
        network.refresh_from_db()
        assert len(files_in(settings.MEDIA_ROOT)) == 8  # two logos, three renditions each

        age_everything(settings, network)
        call_command("prune_history", months=1, stdout=io.StringIO())
        stored = files_in(settings.MEDIA_ROOT)
        assert len(stored) == 4  # the logo and its three renditions
        assert all(network.logo.name.rsplit("/", 1)[1][:-4] in name for name in stored)

    def test_a_deleted_network_keeps_its_files_until_pruned(self, admin_client, settings):
        network = NetworkFactory()
        upload_logo(admin_client, network, "first.png", image_bytes())
        DocumentFactory(network=network)
        Network.objects.get(pk=network.pk).delete()
        assert len(files_in(settings.MEDIA_ROOT)) == 4
        assert len(files_in(settings.PRIVATE_MEDIA_ROOT)) == 1

        call_command("prune_history", months=1, stdout=io.StringIO())
        assert len(files_in(settings.MEDIA_ROOT)) == 4, "its versions are recent"

        age_everything(settings, network)
        call_command("prune_history", months=1, stdout=io.StringIO())
        assert files_in(settings.MEDIA_ROOT) == []
        assert files_in(settings.PRIVATE_MEDIA_ROOT) == []


def age_everything(settings, network):
    """Make every version and every stored file a year old."""
    a_year = datetime.timedelta(days=365)
    for model in (Network, Document, Membership):
        model.history.update(history_date=F("history_date") - a_year)
    a_year_ago = timezone.now() - a_year
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for name in files_in(folder):
            os.utime(os.path.join(folder, name), (a_year_ago.timestamp(),) * 2)


def document_row(index, content, name="statuto.pdf", public="on"):
    prefix = f"documents-{index}"
    return {
        f"{prefix}-title_it": "Statuto",
        f"{prefix}-title_en": "Statutes",
        f"{prefix}-language": "it",
        f"{prefix}-is_public": public,
        f"{prefix}-file": SimpleUploadedFile(name, content),
    }


class TestDocuments:
    def post_document(self, client, network, content, **extra):
        data = change_form_data(network)
        data.update(
            {
                "documents-TOTAL_FORMS": "1",
                "documents-INITIAL_FORMS": "0",
                **document_row(0, content),
                **extra,
            }
        )
        return client.post(reverse("admin:networks_network_change", args=[network.pk]), data)

    def test_a_pdf_is_accepted_whatever_its_name(self, admin_client, settings):
        network = NetworkFactory()
        data = {"documents-0-file": SimpleUploadedFile("STATUTO.PDF.exe", PDF)}
        assert self.post_document(admin_client, network, PDF, **data).status_code == 302
        document = Document.objects.get()
        assert document.file.name.endswith(".pdf")
        assert files_in(settings.PRIVATE_MEDIA_ROOT) == [document.file.name]
        assert files_in(settings.MEDIA_ROOT) == []

    @pytest.mark.parametrize(
        "content",
        [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 not a pdf", b""],
        ids=["html", "executable", "empty"],
    )
    def test_a_file_that_is_not_a_pdf_is_refused(self, admin_client, settings, content):
        network = NetworkFactory()
        logo = SimpleUploadedFile("logo.png", image_bytes())
        response = self.post_document(admin_client, network, content, logo=logo)
        assert response.status_code == 200
        assert not Document.objects.exists()
        # Nothing lost, nothing half-saved: the good logo in the same form is not stored either.
        network.refresh_from_db()
        assert not network.logo
        assert files_in(settings.MEDIA_ROOT) == []
        assert files_in(settings.PRIVATE_MEDIA_ROOT) == []

    def test_not_a_pdf_message_is_in_italian(self, admin_client):
        network = NetworkFactory()
        response = self.post_document(admin_client, network, b"<html></html>")
        assert "Questo file non è un documento PDF." in response.content.decode()

    def test_a_document_over_twenty_megabytes_is_refused(self, admin_client):
        network = NetworkFactory()
        response = self.post_document(admin_client, network, PDF + b"0" * (20 * 1024 * 1024))
        assert "il limite è 20,0\xa0MB" in response.content.decode()
        assert not Document.objects.exists()


class TestDownloads:
    def test_a_public_document_is_served_as_a_pdf_with_a_safe_name(self, client):
        document = DocumentFactory(title_it="Statuto 2024 / «bozza»", is_public=True)
        response = client.get(document.file.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == 'inline; filename="statuto-2024-bozza.pdf"'
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        response.close()

    def test_an_internal_document_is_for_staff_only(self, client, admin_client):
        document = DocumentFactory(is_public=False)
        assert client.get(document.file.url).status_code == 404
        response = admin_client.get(document.file.url)
        response.close()
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_a_document_of_a_draft_is_for_staff_only(self, client, admin_client):
        document = DocumentFactory(is_public=True, network__status=Network.Status.DRAFT)
        assert client.get(document.file.url).status_code == 404
        response = admin_client.get(document.file.url)
        response.close()
        assert response.status_code == 200

    def test_documents_live_outside_the_public_media_folder(self, settings):
        document = DocumentFactory()
        assert document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert document.file.url.startswith("/documents/")

    def test_unknown_or_tricky_names_are_not_found(self, client):
        for url in [
            "/documents/nothing.pdf",
            "/documents/..%2Fsettings.py",
            "/documents/%00",
            f"/documents/{'0' * 32}.pdf",
            f"/documents/{'0' * 31}%00.pdf",
        ]:
            assert client.get(url).status_code == 404
