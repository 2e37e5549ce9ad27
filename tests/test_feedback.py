"""The page rating of the AgID "modello Comuni": its markup, how it is stored, and its limits."""

import pytest
from django.urls import reverse

from feedback.models import Feedback

from .factories import NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

FEEDBACK_URL = "/it/valutazione/"


@pytest.mark.parametrize(
    "path", ["/it/reti/", "/en/networks/", "/it/temi/{theme}/", "/it/reti/{network}/"]
)
def test_every_list_theme_and_detail_page_has_the_rating(client, path):
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


def test_rating_title_is_the_one_of_the_modello_comuni(client):
    content = client.get("/it/reti/").content.decode()
    assert "Quanto sono chiare le informazioni su questa pagina?" in content


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
