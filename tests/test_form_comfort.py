"""The network's form forgives mistakes: chosen files stay, errors say where, names clash."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.models import Document, Network

from .factories import NetworkFactory
from .test_admin import network_form_data
from .test_uploads import PDF, document_row, image_bytes

pytestmark = pytest.mark.django_db

ADD = reverse("admin:networks_network_add")


def with_document(data, content=PDF, index=0, total=1):
    data.update(
        {"documents-TOTAL_FORMS": str(total), "documents-INITIAL_FORMS": "0"},
    )
    data.update(document_row(index, content))
    return data


def stash_fields(response):
    """Return the hidden fields that keep the chosen files, as the browser sends them back."""
    return dict(re.findall(r'name="([\w-]+-stash)" value="([^"]+)"', response.content.decode()))


def errors_of(response):
    return response.context["adminform"].form.errors


class TestChosenFilesStayAttached:
    def test_a_logo_and_a_pdf_chosen_before_a_mistake_are_saved_after_it(self, admin_client):
        data = with_document(
            network_form_data(
                founded_year="20011", logo=SimpleUploadedFile("logo.png", image_bytes())
            )
        )
        response = admin_client.post(ADD, data)
        assert response.status_code == 200
        assert "founded_year" in errors_of(response)
        page = response.content.decode()
        assert "«logo.png» è ancora allegato" in page
        assert "«statuto.pdf» è ancora allegato" in page
        kept = stash_fields(response)
        assert set(kept) == {"logo-stash", "documents-0-file-stash"}

        corrected = network_form_data(founded_year="2001", **kept)
        corrected = with_document(corrected)
        del corrected["documents-0-file"]  # the browser sends no file again
        response = admin_client.post(ADD, corrected)
        assert response.status_code == 302
        network = Network.objects.get()
        assert network.logo and network.logo.storage.exists(network.logo.name)
        document = Document.objects.get()
        assert document.file.storage.exists(document.file.name)

    def test_a_forged_or_stale_token_is_ignored(self, admin_client):
        data = network_form_data(**{"logo-stash": "not-a-token"})
        assert admin_client.post(ADD, data).status_code == 302
        assert not Network.objects.get().logo

    def test_a_file_chosen_again_replaces_the_kept_one(self, admin_client):
        first = admin_client.post(
            ADD,
            network_form_data(
                founded_year="1", logo=SimpleUploadedFile("first.png", image_bytes())
            ),
        )
        data = network_form_data(
            **stash_fields(first), logo=SimpleUploadedFile("second.png", image_bytes("JPEG"))
        )
        assert admin_client.post(ADD, data).status_code == 302
        assert Network.objects.get().logo.name.endswith(".jpg")


def test_a_document_row_with_an_error_says_which_and_why(admin_client):
    data = network_form_data()
    data.update({"documents-TOTAL_FORMS": "2", "documents-INITIAL_FORMS": "0"})
    data.update(document_row(0, PDF))
    data.update(document_row(1, b"not a pdf", name="verbale.pdf"))
    data["documents-1-title_it"] = "Verbale"
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert (
        "Documento 2 («Verbale»): Questo file non è un documento PDF." in response.content.decode()
    )
    assert not Network.objects.exists()


class TestSameName:
    def test_a_second_network_with_a_name_taken_needs_a_confirmation(self, admin_client):
        NetworkFactory(name_it="Eurodesk", name_en="Eurodesk network")
        response = admin_client.post(ADD, network_form_data(name_it="EURODESK", slug="eurodesk-2"))
        assert response.status_code == 200
        assert "name_it" in errors_of(response)
        page = response.content.decode()
        assert "La rete «Eurodesk» ha già questo nome" in page
        assert 'name="confirm_same_name"' in page
        assert Network.objects.count() == 1

        confirmed = network_form_data(name_it="EURODESK", slug="eurodesk-2", confirm_same_name="on")
        assert admin_client.post(ADD, confirmed).status_code == 302
        assert Network.objects.count() == 2

    def test_the_english_name_counts_too(self, admin_client):
        NetworkFactory(name_it="Città educative", name_en="Educating Cities")
        response = admin_client.post(ADD, network_form_data(name_en="educating cities"))
        assert "name_en" in errors_of(response)

    def test_saving_a_network_under_its_own_name_needs_no_confirmation(self, admin_client):
        network = NetworkFactory()
        url = reverse("admin:networks_network_change", args=[network.pk])
        page = admin_client.get(url).content.decode()
        assert 'name="confirm_same_name"' not in page
        data = network_form_data(
            name_it=network.name_it, name_en=network.name_en, slug=network.slug
        )
        assert admin_client.post(url, data).status_code == 302
