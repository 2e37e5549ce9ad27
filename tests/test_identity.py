"""The administration that publishes the site: one place for its name, codes and addresses."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from identity.models import Administration
from networks.views import server_error

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_uploads import image_bytes

pytestmark = pytest.mark.django_db

BOLOGNA = {
    "name": "Comune di Bologna",
    "short_name": "Bologna",
    "ipa_code": "c_a944",
    "website": "https://www.comune.bologna.it/",
    "privacy_url": "https://www.comune.bologna.it/privacy",
    "accessibility_url": "https://form.agid.gov.it/view/bologna",
    "legal_notes_url": "",
    "primary_colour": "#0066CC",
}


def form_data(**changes):
    return {**BOLOGNA, **changes}


# Before anyone saves it: the settings


def test_a_first_start_names_the_administration_the_settings_describe(client, settings):
    settings.CITY_NAME = "Comune di Parma"
    settings.CITY_SHORT_NAME = "Parma"
    settings.CITY_URL = "https://www.comune.parma.it/"
    NetworkFactory()
    content = client.get("/it/reti/").content.decode()
    assert "<title>Reti internazionali di città – Comune di Parma</title>" in content
    assert 'href="https://www.comune.parma.it/"' in content
    assert "a cui aderisce Parma" in content
    assert not Administration.objects.exists()  # showing a page writes nothing


# Edited in the admin by administrators


def test_the_administration_s_list_leads_to_its_form_made_from_the_settings(
    administrator_client,
):
    response = administrator_client.get(reverse("admin:identity_administration_changelist"))
    assert response.status_code == 302
    form = administrator_client.get(response.url)
    assert form.status_code == 200
    assert 'value="Comune di Modena"' in form.content.decode()


def test_an_administrator_s_change_shows_on_every_page_at_once(administrator_client, client):
    NetworkFactory()
    assert "Comune di Modena" in client.get("/it/reti/").content.decode()  # now in the cache
    Administration.load()
    response = administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]), form_data()
    )
    assert response.status_code == 302
    content = client.get("/it/reti/").content.decode()
    assert "Comune di Bologna" in content
    assert "Comune di Modena" not in content
    assert "a cui aderisce Bologna" in content
    assert 'href="https://form.agid.gov.it/view/bologna"' in content


def test_a_mistyped_ipa_code_is_refused_in_italian_and_nothing_is_saved(administrator_client):
    Administration.load()
    response = administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]),
        form_data(ipa_code="C_A944 Bologna"),
    )
    assert response.status_code == 200
    assert "Inserire il codice IPA come lo scrive l’indice" in response.content.decode()
    assert Administration.objects.get().name == "Comune di Modena"


def test_editors_may_not_open_the_administration(editor_client):
    Administration.load()
    for url in [
        reverse("admin:identity_administration_changelist"),
        reverse("admin:identity_administration_change", args=[1]),
        reverse("admin:identity_administration_history", args=[1]),
    ]:
        assert editor_client.get(url).status_code == 403
    response = editor_client.post(
        reverse("admin:identity_administration_change", args=[1]), form_data()
    )
    assert response.status_code == 403
    assert Administration.objects.get().name == "Comune di Modena"


def test_the_administration_is_neither_added_nor_deleted(administrator_client):
    Administration.load()
    assert administrator_client.get(reverse("admin:identity_administration_add")).status_code == 403
    delete = reverse("admin:identity_administration_delete", args=[1])
    assert administrator_client.post(delete, {"post": "yes"}).status_code == 403
    assert Administration.objects.count() == 1


def test_a_coat_of_arms_shows_at_the_top_of_every_page_as_webp(administrator_client, client):
    Administration.load()
    response = administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]),
        form_data(coat_of_arms=SimpleUploadedFile("stemma.png", image_bytes(size=(200, 240)))),
    )
    assert response.status_code == 302
    saved = Administration.objects.get()
    assert saved.coat_of_arms.name.startswith("networks/logos/")  # kept and backed up as logos
    content = client.get("/it/reti/").content.decode()
    header = re.search(r'<img class="icon" src="([^"]+)" srcset="([^"]+)"', content)
    assert header is not None
    assert header.group(1).endswith(".webp")
    assert " 2x" in header.group(2)
    assert "#it-pa" not in content.split("</header>")[0]  # the generic icon gives way


def test_a_coat_of_arms_that_is_no_image_is_refused_in_italian(administrator_client):
    Administration.load()
    response = administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]),
        form_data(coat_of_arms=SimpleUploadedFile("stemma.svg", b"<svg onload='alert(1)'/>")),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["coat_of_arms"]
    assert errors and all("immagine" in str(error).lower() for error in errors)
    assert not Administration.objects.get().coat_of_arms


def test_a_primary_colour_without_enough_contrast_is_refused_in_italian(administrator_client):
    Administration.load()
    response = administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]),
        form_data(primary_colour="#FFCC00"),
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["primary_colour"]
    assert "contrasto di 1,5:1" in error
    assert "almeno 4,5:1" in error
    assert Administration.objects.get().primary_colour == "#0066CC"


def test_the_site_takes_the_administration_s_primary_colour(administrator_client, client):
    static_kit = "/static/networks/css/kit.css"
    assert static_kit in client.get("/it/reti/").content.decode()  # Bootstrap Italia's blue
    Administration.load()
    administrator_client.post(
        reverse("admin:identity_administration_change", args=[1]),
        form_data(primary_colour="#8a1538"),
    )
    content = client.get("/it/reti/").content.decode()
    [address] = re.findall(r'href="(/theme/[0-9a-f]+/kit-[^"]+\.css)"', content)
    assert static_kit not in content
    css = client.get(address)
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in css["Cache-Control"]
    text = css.content.decode()
    assert "#06c" not in text
    assert "--bs-primary-rgb: 138, 21, 56" in text
    assert ".it-header-center-wrapper{background:hsl(342.1, 73.6%, 31.2%)" in text
    # Only the administration's colour: another one is not built for a stranger.
    assert client.get(address.replace("kit-8a1538", "kit-00ff00")).status_code == 404


def test_legal_notes_lead_to_the_administration_s_page_when_it_gives_one(client):
    Administration.objects.create(**form_data(legal_notes_url="https://www.comune.bologna.it/note"))
    content = client.get("/it/reti/").content.decode()
    assert 'href="https://www.comune.bologna.it/note" data-element="legal-notes"' in content


# Another comune: no page names Modena


@pytest.fixture
def bologna(db):
    Administration.objects.create(**BOLOGNA)
    theme = ThemeFactory(slug="clima", name_it="Clima", name_en="Climate")
    network = NetworkFactory(slug="rete-clima", themes=[theme])
    MembershipFactory(
        network=network,
        joined_year=2012,
        profile_url="https://example.org/bologna",
        public_notes_it="Bologna guida il gruppo di lavoro sul clima.",
    )
    DocumentFactory(network=network)
    return network


PUBLIC_PAGES = [
    "/it/reti/",
    "/en/networks/",
    "/it/reti/rete-clima/",
    "/en/networks/rete-clima/",
    "/it/temi/clima/",
    "/it/reti/panoramica/",
    "/en/networks/overview/",
    "/it/reti/testo-completo/",
    "/it/note-legali/",
    "/it/dati-aperti/",
    "/en/open-data/",
    "/it/reti/feed/",
    "/en/networks/feed/",
    "/opendata/networks.csv",
    "/opendata/networks.json",
    "/opendata/networks.csv?lang=en",
    "/opendata/datapackage.json",
    "/opendata/openapi.yaml",
    "/opendata/catalog.ttl",
    "/opendata/catalog.rdf",
    "/opendata/catalog.jsonld",
    "/sitemap.xml",
    "/robots.txt",
    "/it/pagina-che-non-esiste/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_site_of_another_comune_names_modena_on_no_public_page(client, bologna, path):
    response = client.get(path, follow=True)
    assert response.status_code in (200, 404), path
    content = b"".join(response).decode() if response.streaming else response.content.decode()
    assert "modena" not in content.lower()


def test_a_site_of_another_comune_names_it_on_its_pages_and_data(client, bologna):
    assert "Comune di Bologna" in client.get("/it/reti/").content.decode()
    assert "Bologna nella rete" in client.get("/it/reti/rete-clima/").content.decode()
    assert "Profilo di Bologna" in client.get("/it/reti/rete-clima/").content.decode()
    assert client.get("/opendata/networks.json").json()["publisher"] == "Comune di Bologna"
    catalog = client.get("/opendata/catalog.ttl").content.decode()
    assert '"c_a944"' in catalog
    assert "Comune di Bologna" in catalog


def test_the_server_error_page_names_the_administration(bologna, rf):
    with translation.override("it"):
        content = server_error(rf.get("/it/reti/")).content.decode()
    assert "Comune di Bologna" in content


ADMIN_PAGES = [
    ("admin:index", []),
    ("admin:networks_network_changelist", []),
    ("admin:networks_network_add", []),
    ("admin:networks_membership_changelist", []),
    ("admin:networks_networkspage_changelist", []),
    ("admin:identity_administration_changelist", []),
    ("admin:networks_network_import", []),
]


@pytest.mark.parametrize(("name", "args"), ADMIN_PAGES)
def test_a_site_of_another_comune_names_modena_on_no_admin_page(
    administrator_client, bologna, name, args
):
    response = administrator_client.get(reverse(name, args=args), follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "modena" not in content.lower()
    assert "Comune di Bologna — Reti internazionali" in content


def test_the_network_s_form_names_modena_nowhere(administrator_client, bologna):
    response = administrator_client.get(reverse("admin:networks_network_change", args=[bologna.pk]))
    assert response.status_code == 200
    assert "modena" not in response.content.decode().lower()


def test_the_login_page_names_the_administration(client, bologna):
    content = client.get(reverse("admin:login")).content.decode()
    assert "Comune di Bologna — Reti internazionali" in content
    assert "modena" not in content.lower()


# A first start for another city: manage.py start_site

START_BOLOGNA = [
    "--name=Comune di Bologna",
    "--short-name=Bologna",
    "--ipa-code=c_a944",
    "--website=https://www.comune.bologna.it/",
]


def test_start_site_makes_the_administration_the_roles_and_an_empty_networks_page(client):
    from django.contrib.auth.models import Group

    from networks.models import Network, NetworksPage
    from networks.roles import ADMINISTRATORS, EDITORS

    Group.objects.all().delete()
    output = io.StringIO()
    call_command("start_site", *START_BOLOGNA, stdout=output)
    assert "Comune di Bologna" in output.getvalue()
    saved = Administration.objects.get()
    assert (saved.name, saved.short_name, saved.ipa_code) == (
        "Comune di Bologna",
        "Bologna",
        "c_a944",
    )
    assert saved.privacy_url == "https://www.comune.bologna.it/"  # until it is given
    assert saved.accessibility_url == "https://form.agid.gov.it/"
    administrators = Group.objects.get(name=ADMINISTRATORS)
    assert administrators.permissions.filter(codename="change_administration").exists()
    assert (
        not Group.objects.get(name=EDITORS)
        .permissions.filter(codename="change_administration")
        .exists()
    )
    assert NetworksPage.objects.exists()
    assert not Network.objects.exists()  # no demo content
    content = client.get("/it/reti/").content.decode()
    assert "Comune di Bologna" in content
    assert "modena" not in content.lower()


def test_start_site_again_changes_the_administration(client):
    call_command("start_site", *START_BOLOGNA, stdout=io.StringIO())
    call_command(
        "start_site",
        *START_BOLOGNA,
        "--privacy-url=https://www.comune.bologna.it/privacy",
        stdout=io.StringIO(),
    )
    assert Administration.objects.get().privacy_url == "https://www.comune.bologna.it/privacy"


def test_start_site_with_a_mistyped_ipa_code_saves_nothing():
    with pytest.raises(CommandError) as error:
        call_command("start_site", *START_BOLOGNA[:2], "--ipa-code=C A944", START_BOLOGNA[3])
    assert "--ipa-code" in str(error.value)
    assert not Administration.objects.exists()
