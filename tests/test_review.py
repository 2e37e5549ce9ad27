"""
Review before publishing: editors send networks for review, administrators publish them or send
them back with a comment, each step e-mailed to the other side; editors publish by no route.
"""

import pytest
from django.urls import reverse

from networks.models import Network, ReviewStep

from .factories import NetworkFactory
from .test_history import change_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:networks_network_changelist")


@pytest.fixture
def people(editor, administrator):
    editor.email, editor.first_name, editor.last_name = "redattrice@comune.test", "Rita", "Rossi"
    editor.save()
    administrator.email = "amministratrice@comune.test"
    administrator.first_name, administrator.last_name = "Anna", "Bianchi"
    administrator.save()
    return editor, administrator


@pytest.fixture
def draft(db):
    return NetworkFactory(status=Network.Status.DRAFT, name_it="Eurodesk", slug="eurodesk")


def change_url(network):
    return reverse("admin:networks_network_change", args=[network.pk])


def send_back_url(network):
    return reverse("admin:networks_network_send_back", args=[network.pk])


def post_change(client, network, **changes):
    network = Network.objects.get(pk=network.pk)
    return client.post(change_url(network), change_form_data(network, **changes), follow=True)


def status(network):
    return Network.objects.get(pk=network.pk).status


def submitted(client, network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return post_change(client, network, _submit_for_review="1")


def test_an_editor_sends_a_draft_for_review_and_administrators_are_told(
    client, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    editor, _administrator = people
    client.force_login(editor)
    page = submitted(client, draft, django_capture_on_commit_callbacks)
    assert status(draft) == Network.Status.REVIEW
    assert "«Eurodesk» è in revisione: chi può pubblicare ne è avvisato per e-mail." in (
        page.content.decode()
    )
    [mail] = mailoutbox
    assert mail.to == ["amministratrice@comune.test"]
    assert mail.subject == "Da rivedere: Eurodesk"
    assert "Rita Rossi ha inviato in revisione la rete «Eurodesk»." in mail.body
    assert f"http://testserver{change_url(draft)}" in mail.body
    step = draft.review_steps.get()
    assert (step.action, step.user) == (ReviewStep.Action.SUBMITTED, editor)


def test_the_network_shows_in_review_in_the_list_and_the_administrators_queue(
    client, people, draft, django_capture_on_commit_callbacks
):
    editor, administrator = people
    client.force_login(editor)
    submitted(client, draft, django_capture_on_commit_callbacks)
    client.force_login(administrator)
    queue = client.get(CHANGELIST + "?status__exact=review")
    assert [network.pk for network in queue.context["cl"].result_list] == [draft.pk]
    assert "In revisione" in queue.content.decode()
    form = client.get(change_url(draft)).content.decode()
    assert "In revisione: inviata da Rita Rossi il" in form
    assert 'name="_publish"' in form
    assert send_back_url(draft) in form


def test_an_administrator_publishes_it_and_the_editor_is_told(
    client, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    editor, administrator = people
    client.force_login(editor)
    submitted(client, draft, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        page = post_change(client, draft, status="review", _publish="1", confirm_publish="on")
    assert status(draft) == Network.Status.PUBLISHED
    assert "«Eurodesk» è pubblicata" in page.content.decode()
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["redattrice@comune.test"], "Pubblicata: Eurodesk")
    assert "Anna Bianchi ha pubblicato la rete «Eurodesk»" in mail.body


def test_publishing_with_the_state_or_the_bulk_action_is_a_step_too(
    client, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    editor, administrator = people
    client.force_login(editor)
    submitted(client, draft, django_capture_on_commit_callbacks)
    other = NetworkFactory(status=Network.Status.DRAFT, name_it="Energy Cities")
    submitted(client, other, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        post_change(client, draft, status="published", confirm_publish="on")
        bulk = {"action": "publish", "_selected_action": [other.pk], "confirm": "1"}
        client.post(CHANGELIST, bulk)
    assert {status(draft), status(other)} == {Network.Status.PUBLISHED}
    assert sorted(mail.subject for mail in mailoutbox) == [
        "Pubblicata: Energy Cities",
        "Pubblicata: Eurodesk",
    ]
    assert ReviewStep.objects.filter(action=ReviewStep.Action.PUBLISHED).count() == 2


def test_an_administrator_sends_it_back_with_a_comment_the_editor_reads(
    client, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    editor, administrator = people
    client.force_login(editor)
    submitted(client, draft, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    client.force_login(administrator)
    assert "Cosa cambiare" in client.get(send_back_url(draft)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            send_back_url(draft), {"comment": "Manca la sintesi in inglese."}, follow=True
        )
    assert status(draft) == Network.Status.DRAFT
    assert "«Eurodesk» è tornata in bozza" in page.content.decode()
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["redattrice@comune.test"], "Rimandata indietro: Eurodesk")
    assert "Manca la sintesi in inglese." in mail.body

    client.force_login(editor)
    form = client.get(change_url(draft)).content.decode()
    assert "Rimandata indietro da Anna Bianchi il" in form
    assert "Manca la sintesi in inglese." in form
    assert 'name="_submit_for_review"' in form  # to send it again once changed


def test_sending_back_needs_a_comment(client, people, draft):
    _editor, administrator = people
    Network.objects.filter(pk=draft.pk).update(status=Network.Status.REVIEW)
    client.force_login(administrator)
    page = client.post(send_back_url(draft), {"comment": "  "})
    assert "Questo campo è obbligatorio." in page.content.decode()
    assert status(draft) == Network.Status.REVIEW


def test_sending_back_a_network_not_in_review_changes_nothing(client, people, draft):
    client.force_login(people[1])
    page = client.post(send_back_url(draft), {"comment": "No."}, follow=True)
    assert "Questa rete non è in revisione." in page.content.decode()
    assert not draft.review_steps.exists()


def test_editors_publish_by_no_route(client, people, draft):
    editor, _administrator = people
    Network.objects.filter(pk=draft.pk).update(status=Network.Status.REVIEW)
    client.force_login(editor)
    post_change(client, draft, status="published", _publish="1", confirm_publish="on")
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], "confirm": "1"})
    assert client.post(send_back_url(draft), {"comment": "Ok"}).status_code == 404
    assert status(draft) == Network.Status.REVIEW
    assert 'name="_publish"' not in client.get(change_url(draft)).content.decode()


def test_editors_send_drafts_for_review_in_bulk(
    client, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    editor, _administrator = people
    published = NetworkFactory(status=Network.Status.PUBLISHED)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            CHANGELIST,
            {"action": "submit_for_review", "_selected_action": [draft.pk, published.pk]},
            follow=True,
        )
    assert "1 rete inviata in revisione" in page.content.decode()
    assert (status(draft), status(published)) == ("review", "published")
    assert [mail.subject for mail in mailoutbox] == ["Da rivedere: Eurodesk"]


def test_administrators_are_not_offered_to_send_for_review(client, people, draft):
    client.force_login(people[1])
    page = client.get(CHANGELIST).content.decode()
    assert 'value="submit_for_review"' not in page
    assert 'name="_submit_for_review"' not in client.get(change_url(draft)).content.decode()


def test_without_the_rule_editors_publish_alone(client, people, draft, settings):
    settings.REVIEW_REQUIRED = False
    client.force_login(people[0])
    assert 'name="_submit_for_review"' not in client.get(change_url(draft)).content.decode()
    post_change(client, draft, status="published", confirm_publish="on")
    assert status(draft) == Network.Status.PUBLISHED


def test_no_mail_to_people_without_an_address_or_to_oneself(
    client, editor, administrator, draft, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    submitted(client, draft, django_capture_on_commit_callbacks)  # nobody has an address
    assert mailoutbox == []
    assert status(draft) == Network.Status.REVIEW
