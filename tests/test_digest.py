"""The weekly digest: the office gets by e-mail what needs its attention, in Italian."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feedback.models import Feedback
from networks.models import LinkCheck, Network, NetworksPage

from .factories import NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office(settings):
    settings.OFFICE_EMAIL = "relazioni.internazionali@comune.test"
    settings.SITE_URL = "https://reti.comune.test"


def send_digest():
    out = io.StringIO()
    call_command("send_digest", stdout=out)
    return out.getvalue()


@pytest.fixture
def attention(db):
    waiting = NetworkFactory(name_it="In attesa", status=Network.Status.REVIEW)
    NetworkFactory(
        name_it="Dati vecchi",
        key_facts="246 città in 72 paesi",
        key_facts_date=timezone.localdate() - datetime.timedelta(days=800),
    )
    NetworkFactory(name_it="Dati senza data", key_facts="100 città")
    NetworkFactory(name_it="Sito rotto", website="https://rotto.example/")
    LinkCheck.objects.create(
        url="https://rotto.example/", outcome="broken", status=404, checked_at=timezone.now()
    )
    Feedback.objects.create(path="/it/reti/", language="it", rating=1, comment="Non si capisce")
    Feedback.objects.create(path="/it/reti/", language="it", rating=5, comment="Perfetta")
    old = Feedback.objects.create(path="/it/vecchia/", language="it", rating=1)
    Feedback.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    return waiting


def test_the_office_gets_what_needs_attention_with_links(attention, mailoutbox):
    assert "Riepilogo inviato a relazioni.internazionali@comune.test." in send_digest()
    [mail] = mailoutbox
    assert mail.to == ["relazioni.internazionali@comune.test"]
    assert mail.subject == "Reti internazionali: cosa richiede attenzione"
    body = mail.body
    assert "In attesa di revisione (1)" in body
    assert (
        f"- In attesa: https://reti.comune.test/admin/networks/network/{attention.pk}/change/"
        in (body)
    )
    assert "Dati principali più vecchi di 12 mesi (1)\n- Dati vecchi" in body
    assert "Dati principali senza data (1)\n- Dati senza data" in body
    assert "- Sito rotto (interrotto: 404)" in body
    assert "negli ultimi 7 giorni (1)\n- /it/reti/: 1 valutazione bassa" in body
    assert "«Non si capisce» (/it/reti/)" in body
    assert "Perfetta" not in body and "/it/vecchia/" not in body
    assert "https://reti.comune.test/admin/networks/network/?facts=stale" in body


def test_without_the_setting_it_goes_to_the_networks_page_address(attention, mailoutbox, settings):
    settings.OFFICE_EMAIL = ""
    page = NetworksPage.load()
    page.contact_email = "ufficio@comune.test"
    page.save()
    send_digest()
    assert [mail.to for mail in mailoutbox] == [["ufficio@comune.test"]]


def test_without_any_address_it_says_what_to_set(attention, settings, mailoutbox):
    settings.OFFICE_EMAIL = ""
    with pytest.raises(CommandError, match="imposta DJANGO_OFFICE_EMAIL"):
        send_digest()
    assert mailoutbox == []


def test_nothing_is_sent_when_all_is_well(db, mailoutbox):
    NetworkFactory(key_facts="12 città", key_facts_date=timezone.localdate())
    assert "Niente richiede attenzione: nessuna e-mail inviata." in send_digest()
    assert mailoutbox == []
