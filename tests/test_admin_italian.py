"""
The admin speaks Italian: every page each role can open shows no interface text in English, and the
messages agree with the name they speak of (la rete, il tema, l'adesione, l'utente).

The pages are those of every model registered in the admin (list, add, change, delete, history and
a past version, import, export), the password pages, the bulk delete, the logout and the pages a
role is refused (403). Their data are in Italian, so any English word on a page is the interface's.
"""

import contextlib
import json
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import global_settings, settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from django.views.defaults import permission_denied

from feedback.models import Feedback
from networks.admin_i18n import GENDERS, ItalianAdminMixin
from networks.models import Membership, Network, NetworksPage
from networks.roles import EDITORS

from .factories import DocumentFactory, MembershipFactory, NetworkFactory, ThemeFactory
from .test_admin import inline_management_data

pytestmark = pytest.mark.django_db

# Words of the admin's English interface that Italian never uses. Names of the data (Eurodesk,
# UNESCO) are not among them; "home", "password", "email", "file", "staff" and "link" are words the
# Italian admin uses too.
ENGLISH = re.compile(
    r"""\b(?:
    the|and|of|to|is|are|was|were|be|been|by|with|this|that|these|you|your|for|from|or|on|at|an|
    not|has|have|will|would|may|can|all|any|none|yes|true|false|unknown|
    add|added|another|change|changed|changes|delete|deleted|view|save|saved|edit|revert|history|
    historical|object|objects|select|selected|choose|remove|clear|show|hide|search|filter|action|
    actions|go|submit|close|cancel|confirm|reset|import|export|format|created|comment|reason|time|
    today|now|entry|entries|page|list|name|model|network|networks|theme|themes|membership|
    memberships|document|documents|rating|ratings|user|users|group|groups|permission|permissions|
    forbidden|denied|access|attempt|attempts|failure|failures|failed|logins|locked|out|expires|
    expiration|address|agent|path|username|session|content|type|version|enabled|disabled|whether|
    stored|raw|draft|published|language|languages|slug|status|summary|year|founded|upload|
    preview|column|columns|row|rows|one|new|found|get|left|more|each|every|other|here|there|when|
    which|who|what|how|if|then|than|but|into|only|also|still|back|below|above|please|sure|set|
    done|log|logs|entry
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


def english_language_names():
    """Return the names of languages that Italian says otherwise ("German", not "Tedesco")."""
    with translation.override("it"):
        return {
            name for _code, name in global_settings.LANGUAGES if translation.gettext(name) != name
        }


class VisibleText(HTMLParser):
    """
    Collect what a page shows or reads out: its text, the attributes shown as tooltips or read by
    screen readers, the labels of buttons and the texts the inline forms' script adds.

    Left out: scripts and styles, what the user typed or the data hold (form values, text
    areas), technical names shown as code (the columns of the import file), and what is marked
    as another language (the language switcher's "English").
    """

    SKIPPED = {"script", "style", "textarea", "code"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    ATTRIBUTES = ["title", "alt", "placeholder", "aria-label"]

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, left out)
        self.texts = []

    @property
    def skipping(self):
        return any(left_out for _tag, left_out in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = not (attrs.get("lang") or "it").startswith("it")
        if tag not in self.VOID:
            self.open.append((tag, tag in self.SKIPPED or foreign))
        if self.skipping or foreign:
            return
        self.texts.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        if attrs.get("data-inline-formset"):
            options = json.loads(attrs["data-inline-formset"])["options"]
            self.texts.extend([options["addText"], options["deleteText"]])

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


# Italian elides before a vowel ("all'elenco", "dell'utente"): that "all" is not English.
ELISION = re.compile(r"\b\w+['’](?=\w)")
# django-axes stores this for a header a request did not send (force_login sends none).
AXES_PLACEHOLDER = "<unknown>"
# A password's salt and hash, shown masked ("Or**********"): random letters, not words.
MASKED = re.compile(r"\w*\*{4,}")


def english_in(html):
    """Return the texts of the page that are, or contain, English."""
    names = "|".join(map(re.escape, english_language_names()))
    languages = re.compile(rf"\b(?:{names})\b")
    found = []
    for text in visible_texts(html):
        words = MASKED.sub("", ELISION.sub("", text.replace(AXES_PLACEHOLDER, "")))
        if ENGLISH.search(words) or languages.search(words):
            found.append(text)
    return found


# The office's data, in Italian only: a page that shows English shows its interface's.


def italian_form_data(network, **changes):
    """Return the change form of `network` as the browser posts it, with `changes`."""
    data = {
        "name_it": network.name_it,
        "name_en": "",
        "slug": network.slug,
        "acronym": network.acronym,
        "status": network.status,
        "summary_it": network.summary_it,
        "summary_en": "",
        "description_it": network.description_it,
        "description_en": "",
        "scope": network.scope,
        "website": network.website,
        "themes": [theme.pk for theme in network.themes.all()],
        **inline_management_data("memberships"),
        **inline_management_data("documents"),
    }
    data.update(changes)
    return data


def italian_network(**fields):
    return NetworkFactory(
        name_en="", summary_en="", description_en="", summary_it="Una rete di città.", **fields
    )


@pytest.fixture
def office(admin_client):
    """Demo-like content in Italian, with a history of changes made in the admin."""
    youth = ThemeFactory(name_it="Giovani", name_en="", slug="giovani")
    peace = ThemeFactory(name_it="Pace", name_en="", slug="pace")
    network = italian_network(
        name_it="Eurodesk", slug="eurodesk", status=Network.Status.DRAFT, themes=[youth]
    )
    italian_network(name_it="Città Creative UNESCO", slug="citta-creative-unesco")
    MembershipFactory(
        network=network,
        joined_year=2010,
        sector_it="Politiche giovanili",
        department="Settore Cultura",
        contact_person="Anna Bianchi",
        annual_fee=150,
        council_resolution="Delibera G.C. n. 12/2010",
    )
    DocumentFactory(network=network, title_it="Statuto", title_en="", language="it")
    NetworksPage.load()
    Feedback.objects.create(
        path="/it/reti/", language="it", rating=4, answer="clear", comment="Pagina chiara"
    )
    # An edit in the admin: its history shows a state, a list of themes, a text and empty values.
    admin_client.post(
        reverse("admin:networks_network_change", args=[network.pk]),
        italian_form_data(
            network,
            status=Network.Status.PUBLISHED,
            themes=[youth.pk, peace.pk],
            summary_it="Il portale europeo per i giovani.",
            founded_year="1990",
        ),
    )
    AccessAttempt.objects.create(
        username="redattrice",
        ip_address="192.0.2.1",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    AccessLog.objects.create(
        username="redattrice",
        ip_address="192.0.2.1",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        http_accept="text/html",
        path_info="/admin/login/",
    )
    AccessFailureLog.objects.create(
        username="redattrice",
        ip_address="192.0.2.1",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        http_accept="text/html",
        path_info="/admin/login/",
    )
    return network


# The fixtures (conftest.py) of the people who open the admin.
ROLES = [
    pytest.param("admin_user", id="superuser"),
    pytest.param("editor", id="editor"),
    pytest.param("administrator", id="administrator"),
    pytest.param("viewer", id="viewer"),
]


def object_urls(model, model_admin, obj):
    """Return the admin pages of one object of `model`: change, delete, history, a version."""
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [reverse(f"{name}_{page}", args=[obj.pk]) for page in ("change", "delete", "history")]
    if hasattr(model_admin, "history_form_view"):
        version = obj.history.earliest("history_date")
        urls.append(reverse(f"{name}_simple_history", args=[obj.pk, version.history_id]))
    return urls


def admin_pages(user):
    """Return the URL of every admin page, for a model's object the user can reach or not."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    urls.append(reverse("admin:password_change_done"))
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        for page in ("changelist", "add", "import", "export"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{name}_{page}"))
        obj = model._default_manager.exclude(pk=user.pk).first()
        if obj is not None:
            urls.extend(object_urls(model, model_admin, obj))
    urls.append(reverse("admin:auth_user_password_change", args=[user.pk]))
    return list(dict.fromkeys(urls))


def bulk_delete_pages(client):
    """Yield (label, response) for the confirmation of each model's bulk delete."""
    for model in admin.site._registry:
        opts = model._meta
        ids = list(model._default_manager.values_list("pk", flat=True)[:2])
        if ids:
            response = client.post(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                {"action": "delete_selected", "_selected_action": ids},
            )
            yield f"delete selected {opts.label}", response


def check_page(label, response, problems):
    assert response.status_code in (200, 302, 403, 404), (label, response.status_code)
    if response.status_code == 302:
        return
    html = response.content.decode()
    if not re.search(r'<html[^>]* lang="it"', html):
        problems.append(f'{label}: not <html lang="it">')
    problems.extend(f"{label}: {text}" for text in english_in(html))


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_is_in_italian(client, office, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    problems = []
    for url in admin_pages(user):
        check_page(url, client.get(url), problems)
    for label, response in bulk_delete_pages(client):
        check_page(label, response, problems)
    check_page("logout", client.post(reverse("admin:logout")), problems)
    check_page("login", client.get(reverse("admin:login")), problems)
    assert not problems, "English on the admin's pages:\n" + "\n".join(problems)


# Messages: each says the name with its article and agrees with it.


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def change_link(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def network_add_data(**changes):
    return {
        "name_it": "Energy Cities",
        "slug": "energy-cities",
        "summary_it": "Città per la transizione energetica.",
        "description_it": "Descrizione.",
        "scope": "european",
        "status": "draft",
        **inline_management_data("memberships"),
        **inline_management_data("documents"),
        **changes,
    }


@pytest.mark.parametrize(
    ("button", "sentence"),
    [
        ("_save", ""),
        ("_continue", " Puoi continuare le modifiche qui sotto."),
        ("_addanother", " Qui sotto puoi aggiungere un’altra rete."),
    ],
)
def test_adding_a_network_says_it_was_added(admin_client, button, sentence):
    response = admin_client.post(
        reverse("admin:networks_network_add"), {**network_add_data(), button: "1"}, follow=True
    )
    network = Network.objects.get()
    link = f'<a href="{change_link(network)}">Energy Cities</a>'
    assert messages_of(response) == [f"La rete «{link}» è stata aggiunta.{sentence}"]


def test_changing_a_theme_says_it_was_changed(admin_client):
    theme = ThemeFactory(name_it="Giovani", slug="giovani")
    url = change_link(theme)
    data = {"name_it": "Giovani", "name_en": "Youth", "slug": "giovani", "position": "1"}
    response = admin_client.post(url, {**data, "_continue": "1"}, follow=True)
    assert messages_of(response) == [
        f'Il tema «<a href="{url}">Giovani</a>» è stato modificato. '
        "Puoi continuare le modifiche qui sotto."
    ]
    response = admin_client.post(url, {**data, "_addanother": "1"}, follow=True)
    assert messages_of(response) == [
        f'Il tema «<a href="{url}">Giovani</a>» è stato modificato. '
        "Qui sotto puoi aggiungere un altro tema."
    ]
    response = admin_client.post(url, data, follow=True)
    assert messages_of(response) == [f'Il tema «<a href="{url}">Giovani</a>» è stato modificato.']


def test_deleting_a_membership_says_it_was_deleted(admin_client):
    membership = MembershipFactory(network=italian_network(name_it="Eurodesk"), joined_year=2010)
    url = reverse("admin:networks_membership_delete", args=[membership.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert messages_of(response) == ["L’adesione «Eurodesk (2010–)» è stata eliminata."]
    assert not Membership.objects.exists()


def test_adding_a_user_says_it_was_added(admin_client):
    data = {"username": "mario", "usable_password": "false"}
    response = admin_client.post(reverse("admin:auth_user_add"), data, follow=True)
    user = User.objects.get(username="mario")
    assert messages_of(response) == [
        f'L’utente «<a href="{change_link(user)}">mario</a>» è stato aggiunto. '
        "Puoi continuare le modifiche qui sotto."
    ]


def test_bulk_deleting_networks_counts_them(admin_client):
    networks = [italian_network(status=Network.Status.DRAFT) for _ in range(2)]
    data = {"action": "delete_selected", "_selected_action": [n.pk for n in networks]}
    response = admin_client.post(reverse("admin:networks_network_changelist"), data)
    assert "Vuoi davvero eliminare le reti selezionate?" in response.content.decode()
    response = admin_client.post(
        reverse("admin:networks_network_changelist"), {**data, "post": "yes"}, follow=True
    )
    bin_note, counted = messages_of(response)
    assert counted == "2 reti eliminate."
    assert bin_note.startswith("Le reti eliminate aspettano nel")


def test_bulk_deleting_one_theme_counts_it(admin_client):
    theme = ThemeFactory()
    data = {"action": "delete_selected", "_selected_action": [theme.pk], "post": "yes"}
    response = admin_client.post(reverse("admin:networks_theme_changelist"), data, follow=True)
    assert messages_of(response) == ["1 tema eliminato."]


def test_editing_positions_in_the_list_counts_the_themes(admin_client):
    themes = [ThemeFactory(position=1), ThemeFactory(position=2)]
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "Salva",
        **{f"form-{i}-id": str(theme.pk) for i, theme in enumerate(themes)},
        **{f"form-{i}-position": str(10 + i) for i in range(2)},
    }
    response = admin_client.post(reverse("admin:networks_theme_changelist"), data, follow=True)
    assert messages_of(response) == ["2 temi modificati."]


def test_an_object_that_does_not_exist_is_said_missing(admin_client):
    response = admin_client.get(reverse("admin:networks_document_change", args=[999]), follow=True)
    assert messages_of(response) == ["Nessun documento con ID «999»: forse è stato eliminato."]


def test_bulk_delete_actions_name_what_they_delete(admin_client):
    expected = {
        "networks_network": "Elimina le reti selezionate",
        "networks_theme": "Elimina i temi selezionati",
        "networks_membership": "Elimina le adesioni selezionate",
        "networks_document": "Elimina i documenti selezionati",
        "feedback_feedback": "Elimina le valutazioni delle pagine selezionate",
        "auth_user": "Elimina gli utenti selezionati",
        "auth_group": "Elimina i gruppi selezionati",
    }
    for name, action in expected.items():
        response = admin_client.get(reverse(f"admin:{name}_changelist"))
        choices = dict(response.context["action_form"].fields["action"].choices)
        assert choices["delete_selected"] == action


def test_lists_and_forms_say_the_name_with_its_article(admin_client):
    network = italian_network(name_it="Eurodesk", themes=[ThemeFactory(name_it="Giovani")])
    response = admin_client.get(reverse("admin:networks_network_changelist"))
    assert "<h1>Scegli la rete da modificare</h1>" in response.content.decode()
    texts = visible_texts(admin_client.get(change_link(network)).content.decode())
    assert "Aggiungi un’altra adesione" in texts
    assert "Aggiungi un altro documento" in texts
    response = admin_client.get(reverse("admin:networks_membership_add"))
    texts = visible_texts(response.content.decode())
    assert "Aggiungi un’altra rete" in texts
    assert "Modifica la rete selezionata" in texts


def test_page_ratings_are_chosen_to_be_viewed(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:feedback_feedback_changelist"))
    assert "<h1>Scegli la valutazione della pagina da visualizzare</h1>" in (
        response.content.decode()
    )


def test_deleting_a_network_lists_its_themes_in_words(admin_client):
    network = italian_network(name_it="Eurodesk", themes=[ThemeFactory(name_it="Giovani")])
    response = admin_client.get(reverse("admin:networks_network_delete", args=[network.pk]))
    texts = visible_texts(response.content.decode())
    assert any("Vuoi davvero eliminare la rete «Eurodesk»?" in text for text in texts)
    assert "Tema «Giovani» della rete «Eurodesk»" in texts
    assert "Temi della rete: 1" in texts


def test_history_shows_changes_in_words(admin_client):
    youth, peace = ThemeFactory(name_it="Giovani"), ThemeFactory(name_it="Pace")
    network = italian_network(name_it="Eurodesk", status=Network.Status.DRAFT, themes=[youth])
    admin_client.post(
        change_link(network),
        italian_form_data(
            network,
            status=Network.Status.PUBLISHED,
            themes=[youth.pk, peace.pk],
            acronym="ED",
            confirm_publish="on",  # it lacks a membership and a document
        ),
    )
    response = admin_client.get(reverse("admin:networks_network_history", args=[network.pk]))
    texts = visible_texts(response.content.decode())
    assert "Bozza → Pubblicata" in texts
    assert "Giovani → Giovani e Pace" in texts
    assert "vuoto → ED" in texts


def test_a_slug_taken_is_said_in_italian(admin_client):
    italian_network(name_it="Eurodesk", slug="eurodesk")
    data = network_add_data(slug="eurodesk")
    response = admin_client.post(reverse("admin:networks_network_add"), data)
    assert response.context["adminform"].form.errors["slug"] == [
        "Un’altra rete ha già questo indirizzo della pagina."
    ]
    assert "Indirizzo della pagina:" in visible_texts(response.content.decode())


def test_document_languages_are_in_italian_the_sites_first(admin_client):
    response = admin_client.get(reverse("admin:networks_document_add"))
    choices = [
        label for _code, label in response.context["adminform"].form["language"].field.choices
    ]
    assert choices[:2] == ["Italiano", "Inglese"]
    rest = choices[2:]
    assert "Tedesco" in rest and "Gallese" in rest
    assert rest == sorted(rest, key=alphabetical)


def alphabetical(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def test_forbidden_admin_page_is_the_admins_in_italian(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="it"' in html
    assert 'id="site-name"' in html  # the admin's header
    assert "Accesso negato" in visible_texts(html)


def test_a_public_forbidden_page_keeps_the_sites_style(rf):
    request = rf.get("/it/reti/")
    request.resolver_match = resolve("/it/reti/")
    with translation.override("it"):
        response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="it">' in html
    assert "it-header-wrapper" in html  # the site's header, not the admin's
    assert "Accesso negato" in visible_texts(html)


def test_a_locked_out_login_is_told_in_italian(client, editor):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"), {"username": editor.username, "password": "sbagliata"}
        )
    html = response.content.decode()
    assert '<html lang="it"' in html
    assert "Accesso bloccato" in visible_texts(html)
    assert english_in(html) == []


def test_every_model_of_the_admin_speaks_with_its_gender():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ItalianAdminMixin), model
        assert model._meta.label_lower in GENDERS, model


def test_permissions_are_named_in_italian(admin_client):
    group = Group.objects.get(name=EDITORS)
    response = admin_client.get(change_link(group))
    labels = [
        label for _pk, label in response.context["adminform"].form["permissions"].field.choices
    ]
    assert "Reti internazionali | rete | Può aggiungere reti" in labels
    assert "Reti internazionali | rete | Può pubblicare una rete" in labels
    assert (
        "Reti internazionali | versione della rete | Può visualizzare versioni della rete" in labels
    )


def test_the_log_of_a_change_names_the_fields_in_italian(admin_client):
    group = Group.objects.create(name="Stagisti")
    admin_client.post(change_link(group), {"name": "Tirocinanti", "permissions": []})
    response = admin_client.get(reverse("admin:auth_group_history", args=[group.pk]))
    assert "Campi modificati: Nome." in visible_texts(response.content.decode())


def test_the_admins_scripts_have_their_italian_texts(admin_client):
    script = admin_client.get(reverse("admin:jsi18n")).content.decode()
    assert "Scegli tutti i %s" in script
    assert "Rimuovi tutti i %s" in script


def test_a_login_refused_by_the_csrf_check_is_told_in_italian():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "redattrice", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="it"' in html
    assert 'id="site-name"' in html
    assert english_in(html) == []
