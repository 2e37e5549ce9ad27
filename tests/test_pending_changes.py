"""
An editor's change to a published network waits for an administrator's approval: the public
keeps the published version meanwhile, files and documents included.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.models import Document, Network, PendingChange, ReviewStep
from networks.resources import CSV

from .factories import MembershipFactory, NetworkFactory
from .test_history import change_form_data
from .test_import_export import export, import_file, read, text_of, upload, write
from .test_uploads import PDF, document_row

pytestmark = pytest.mark.django_db

PUBLIC_PAGE = "/it/reti/eurodesk/"


@pytest.fixture
def people(editor, administrator):
    editor.email, editor.first_name, editor.last_name = "redattrice@comune.test", "Rita", "Rossi"
    editor.save()
    administrator.email = "amministratrice@comune.test"
    administrator.save()
    return editor, administrator


@pytest.fixture
def published(db):
    return NetworkFactory(name_it="Eurodesk", slug="eurodesk", summary_it="La sintesi pubblicata.")


def change_url(network):
    return reverse("admin:networks_network_change", args=[network.pk])


def pending_url(network):
    return reverse("admin:networks_network_pending", args=[network.pk])


def edit(client, network, **changes):
    data = change_form_data(Network.objects.get(pk=network.pk), **changes)
    return client.post(change_url(network), data, follow=True)


def summary(network):
    return Network.objects.get(pk=network.pk).summary_it


@pytest.fixture
def held(client, people, published, mailoutbox, django_capture_on_commit_callbacks):
    """The editor changed the summary and added a public document."""
    client.force_login(people[0])
    changes = {
        "summary_it": "Una sintesi nuova.",
        "documents-TOTAL_FORMS": "1",
        **document_row(0, PDF),
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = edit(client, published, **changes)
    return page


def test_an_editors_change_to_a_published_network_waits_and_the_site_keeps_it(
    client, held, published, mailoutbox
):
    assert "attendono l’approvazione di chi può pubblicare" in held.content.decode()
    assert summary(published) == "La sintesi pubblicata."
    assert not Document.objects.exists()
    client.logout()
    page = client.get(PUBLIC_PAGE).content.decode()
    assert "La sintesi pubblicata." in page and "Una sintesi nuova." not in page
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["amministratrice@comune.test"], "Da rivedere: Eurodesk")
    assert PendingChange.objects.get().author.username == "redattrice"


def test_the_editor_is_told_the_changes_wait(client, held, published):
    form = client.get(change_url(published)).content.decode()
    assert "attendono l’approvazione: il sito mostra la rete come pubblicata" in form


def test_an_administrator_reviews_what_changes_and_approves_it(
    client, held, people, published, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(people[1])
    form = client.get(change_url(published)).content.decode()
    assert pending_url(published) in form
    review = client.get(pending_url(published)).content.decode()
    assert "La sintesi pubblicata." in review and "Una sintesi nuova." in review
    assert "Documenti" in review

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pending_url(published))
    assert response.status_code == 302
    assert summary(published) == "Una sintesi nuova."
    [document] = Document.objects.all()
    assert document.file.read() == PDF
    document.file.close()
    assert not PendingChange.objects.exists()
    assert published.history.latest().history_user == people[1]
    assert published.review_steps.latest().action == ReviewStep.Action.PUBLISHED
    assert "Le modifiche a «Eurodesk» sono pubblicate" in " ".join(
        str(message) for message in response.wsgi_request._messages
    )
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["redattrice@comune.test"], "Pubblicata: Eurodesk")
    client.logout()
    assert "Una sintesi nuova." in client.get(PUBLIC_PAGE).content.decode()


def test_sending_the_changes_back_discards_them_with_a_comment(
    client, held, people, published, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(people[1])
    url = reverse("admin:networks_network_send_back", args=[published.pk])
    assert "Le modifiche sono scartate" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"comment": "La sintesi va bene così."})
    assert not PendingChange.objects.exists()
    assert summary(published) == "La sintesi pubblicata."
    assert Network.objects.get(pk=published.pk).status == Network.Status.PUBLISHED
    [mail] = mailoutbox
    assert mail.subject == "Rimandata indietro: Eurodesk"
    assert "La sintesi va bene così." in mail.body


def test_editors_cannot_approve_their_own_changes(client, held, people, published):
    assert client.get(pending_url(published)).status_code == 404
    assert client.post(pending_url(published)).status_code == 404
    assert summary(published) == "La sintesi pubblicata."


def test_the_dashboard_lists_the_changes_waiting(client, held, people):
    client.force_login(people[1])
    page = client.get(reverse("admin:index")).content.decode()
    assert (
        '<a href="/admin/networks/network/?pending=1">Modifiche in attesa di approvazione</a>'
        in (page)
    )


def test_without_the_rule_an_editors_change_goes_on_the_site(client, people, published, settings):
    settings.REVIEW_REQUIRED = False
    client.force_login(people[0])
    edit(client, published, summary_it="Una sintesi nuova.")
    assert summary(published) == "Una sintesi nuova."
    assert not PendingChange.objects.exists()


def test_an_administrators_change_goes_on_the_site_at_once(client, people, published):
    client.force_login(people[1])
    edit(client, published, summary_it="Una sintesi nuova.")
    assert summary(published) == "Una sintesi nuova."


def test_an_editors_change_to_a_draft_is_saved_as_before(client, people):
    draft = NetworkFactory(status=Network.Status.DRAFT, summary_it="Vecchia.")
    client.force_login(people[0])
    edit(client, draft, summary_it="Nuova.")
    assert summary(draft) == "Nuova."


# The other routes to a published network's content


def test_editors_see_a_published_networks_memberships_in_their_list_but_change_them_there_not(
    client, people, published
):
    membership = MembershipFactory(network=published, joined_year=2007)
    client.force_login(people[0])
    url = reverse("admin:networks_membership_change", args=[membership.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"network": published.pk, "joined_year": "1990"}).status_code == 403
    membership.refresh_from_db()
    assert membership.joined_year == 2007


def test_editors_add_no_document_to_a_published_network_from_the_documents_list(
    client, people, published
):
    client.force_login(people[0])
    data = {
        "network": published.pk,
        "title_it": "Statuto",
        "language": "it",
        "is_public": "on",
        "file": SimpleUploadedFile("statuto.pdf", PDF),
    }
    page = client.post(reverse("admin:networks_document_add"), data)
    assert "Questa rete è pubblicata: aggiungi dal suo modulo" in page.content.decode()
    assert not Document.objects.exists()


def test_editors_still_change_a_drafts_memberships_there(client, people):
    membership = MembershipFactory(network=NetworkFactory(status=Network.Status.DRAFT))
    client.force_login(people[0])
    url = reverse("admin:networks_membership_change", args=[membership.pk])
    assert 'name="_save"' in client.get(url).content.decode()


def test_an_editors_file_that_changes_a_published_network_is_refused_beside_the_row(
    client, people, published
):
    client.force_login(people[0])
    rows = read(export(client, CSV), CSV)
    rows[0]["Sintesi (IT)"] = "Una sintesi da un file."
    page = upload(client, write(rows, CSV), CSV)
    assert "Questa rete è pubblicata: le sue modifiche passano dalla revisione" in text_of(page)
    assert summary(published) == "La sintesi pubblicata."

    client.force_login(people[1])
    import_file(client, write(rows, CSV), CSV)
    assert summary(published) == "Una sintesi da un file."
