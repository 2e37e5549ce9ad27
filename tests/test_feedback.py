"""The page rating of the AgID "modello Comuni": its markup, how it is stored, and its limits."""

import html5lib
import pytest
from django.urls import reverse

from feedback.models import Feedback

from .factories import NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

FEEDBACK_URL = "/it/valutazione/"


@pytest.mark.parametrize(
    "path",
    [
        "/it/reti/",
        "/en/networks/",
        "/it/temi/{theme}/",
        "/it/reti/{network}/",
        "/it/note-legali/",
        "/it/dati-aperti/",
    ],
)
def test_every_public_page_has_the_rating(client, path):
    NetworkFactory(slug="eurodesk", themes=[ThemeFactory(slug="giovani")])
    content = client.get(path.format(network="eurodesk", theme="giovani")).content.decode()
    for element in [
        "feedback",
        "feedback-title",
        "feedback-rate-1",
        "feedback-rate-5",
        "feedback-rating-positive",
        "feedback-rating-negative",
        "feedback-rating-question",
        "feedback-rating-answer",
        "feedback-input-text",
    ]:
        assert f'data-element="{element}"' in content, element


# The texts of AgID's validator, word for word (italia/pa-website-validator-ng,
# src/storage/municipality/feedbackComponentStructure.ts): it compares each element's text with
# them, case aside.
AGID_TITLE = "Quanto sono chiare le informazioni su questa pagina?"
AGID_POSITIVE = (
    "Quali sono stati gli aspetti che hai preferito?",
    [
        "Le indicazioni erano chiare",
        "Le indicazioni erano complete",
        "Capivo sempre che stavo procedendo correttamente",
        "Non ho avuto problemi tecnici",
        "Altro",
    ],
)
AGID_NEGATIVE = (
    "Dove hai incontrato le maggiori difficoltà?",
    [
        "A volte le indicazioni non erano chiare",
        "A volte le indicazioni non erano complete",
        "A volte non capivo se stavo procedendo correttamente",
        "Ho avuto problemi tecnici",
        "Altro",
    ],
)


def elements(content, name, within=None):
    """Return the text of each element with data-element="`name`", as the validator reads it."""
    root = within if within is not None else html5lib.parse(content, namespaceHTMLElements=False)
    return [
        ("".join(element.itertext()).strip(), element)
        for element in root.iter()
        if element.get("data-element") == name
    ]


def rating_texts(content):
    [(title, _element)] = elements(content, "feedback-title")
    steps = {}
    for step in ("positive", "negative"):
        [(_text, fieldset)] = elements(content, f"feedback-rating-{step}")
        [(question, _element)] = elements(content, "feedback-rating-question", fieldset)
        answers = [text for text, _element in elements(content, "feedback-rating-answer", fieldset)]
        steps[step] = (question, answers)
    return title, steps["positive"], steps["negative"]


def test_the_rating_s_italian_texts_are_agid_s_word_for_word(client):
    NetworkFactory(slug="eurodesk", themes=[ThemeFactory(slug="giovani")])
    for path in ["/it/reti/", "/it/reti/eurodesk/", "/it/temi/giovani/"]:
        assert rating_texts(client.get(path).content.decode()) == (
            AGID_TITLE,
            AGID_POSITIVE,
            AGID_NEGATIVE,
        ), path


def test_the_english_pages_carry_the_same_rating_in_english(client):
    title, positive, negative = rating_texts(client.get("/en/networks/").content.decode())
    assert title == "How clear is the information on this page?"
    assert positive[0] == "What did you like best?"
    assert negative[1][2] == "At times I did not understand whether I was going the right way"
    assert len(positive[1]) == len(negative[1]) == 5


def test_the_stars_hint_is_beside_the_question_not_in_it(client):
    content = client.get("/it/reti/").content.decode()
    assert "(se hai dato 4 o 5 stelle)" in content
    assert all("stelle" not in text for text, _e in elements(content, "feedback-rating-question"))


@pytest.mark.parametrize("retired", ["found", "easy", "not-found"])
def test_a_reason_no_longer_offered_is_refused_and_old_ratings_keep_their_label(client, retired):
    response = client.post(FEEDBACK_URL, {"path": "/it/reti/", "rating": "5", "answer": retired})
    assert not Feedback.objects.exists()
    assert response.status_code == 400
    old = Feedback.objects.create(path="/it/reti/", language="it", rating=5, answer=retired)
    assert old.get_answer_display() != retired


def test_the_form_has_no_inline_script(client):
    content = client.get("/it/reti/").content.decode()
    assert "<script>" not in content
    assert " onclick=" not in content


def test_a_rating_is_stored_and_thanked_for(client):
    response = client.post(
        FEEDBACK_URL,
        {"path": "/it/reti/", "rating": "5", "answer": "clear", "comment": "Ottimo"},
    )
    assert response.status_code == 200
    assert "Grazie" in response.content.decode()
    saved = Feedback.objects.get()
    assert (saved.path, saved.rating, saved.answer, saved.comment, saved.language) == (
        "/it/reti/",
        5,
        "clear",
        "Ottimo",
        "it",
    )


def test_a_rating_sent_by_script_gets_json(client):
    response = client.post(
        "/en/feedback/",
        {"path": "/en/networks/", "rating": "2", "answer": "unclear"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201
    assert response.json() == {"saved": True}
    assert Feedback.objects.get().language == "en"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"path": "/it/reti/"}, "Scegli da 1 a 5 stelle."),
        ({"path": "/it/reti/", "rating": "9"}, "opzione valida"),
        ({"path": "/it/reti/", "rating": "2", "answer": "clear"}, "Scegli uno dei motivi"),
        (
            {"path": "https://evil.example/", "rating": "4"},
            "Questa pagina non può essere valutata.",
        ),
        ({"path": "/it/reti/", "rating": "4", "comment": "x" * 201}, "200 caratteri"),
    ],
)
def test_bad_ratings_get_a_message_and_store_nothing(client, data, message):
    response = client.post(FEEDBACK_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feedback.objects.exists()


def test_ratings_from_another_site_are_refused(client):
    response = client.post(
        FEEDBACK_URL,
        {"path": "/it/reti/", "rating": "1"},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_ratings_are_limited_per_address(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 3
    for _attempt in range(3):
        assert client.post(FEEDBACK_URL, {"path": "/it/reti/", "rating": "4"}).status_code == 200
    response = client.post(FEEDBACK_URL, {"path": "/it/reti/", "rating": "4"})
    assert response.status_code == 429
    assert "Riprova più tardi" in response.content.decode()
    assert Feedback.objects.count() == 3
    other_address = client.post(
        FEEDBACK_URL, {"path": "/it/reti/", "rating": "4"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_address.status_code == 200


def test_the_addresses_of_one_ipv6_network_share_one_limit(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    rate = {"path": "/it/reti/", "rating": "4"}
    for host in ("1", "2"):
        address = f"2001:db8:1:2::{host}"
        assert client.post(FEEDBACK_URL, rate, REMOTE_ADDR=address).status_code == 200
    assert client.post(FEEDBACK_URL, rate, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert client.post(FEEDBACK_URL, rate, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_reading_the_form_needs_no_cookie(client):
    assert not client.get("/it/reti/").cookies


def test_only_posts_are_accepted(client):
    assert client.get(FEEDBACK_URL).status_code == 405


def test_office_reads_the_ratings_in_the_admin(admin_client):
    Feedback.objects.create(path="/it/reti/", language="it", rating=2, answer="unclear")
    response = admin_client.get(reverse("admin:feedback_feedback_changelist"))
    assert response.status_code == 200
    assert "/it/reti/" in response.content.decode()
    assert admin_client.get(reverse("admin:feedback_feedback_add")).status_code == 403
