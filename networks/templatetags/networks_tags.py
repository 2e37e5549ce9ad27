import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from networks import cache as page_cache
from networks.models import prefetch_card_data

register = template.Library()

# As in django.utils.html.json_script: no "</script>" or "<!--" can close the element early.
JSON_SCRIPT_ESCAPES = [("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E")]


@register.filter
def json_ld(data):
    """
    Return `data` as JSON safe inside <script type="application/ld+json">.

    Like Django's json_script, but for the JSON-LD type, which json_script does not produce.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escaped in JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)  # much faster than str.translate() on a page
    return mark_safe(text)


@register.simple_tag(takes_context=True)
def absolute(context, url):
    return context["request"].build_absolute_uri(url)


# Languages whose names are written in lower case within a sentence ("in italiano"), unlike
# English ("in Italian").
LOWER_CASE_LANGUAGE_NAMES = {"it", "fr", "es", "pt", "ca"}


@register.filter
def in_sentence(language_name):
    """Return a language's name as the page's language writes it within a sentence."""
    if get_language() in LOWER_CASE_LANGUAGE_NAMES:
        return language_name[:1].lower() + language_name[1:]
    return language_name


@register.filter
def breakable(address):
    """Return `address`, escaped, with a line break allowed after each "/", "." and "@": on a
    phone a long web or e-mail address breaks between its parts rather than anywhere."""
    return mark_safe(re.sub(r"([/.@])", r"\1<wbr>", conditional_escape(address)))


@register.filter
def paragraphs(text):
    """Return the paragraphs of `text`, separated by empty lines, as linebreaks makes them."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [part.strip() for part in parts if part.strip()]


@register.filter
def tel_number(phone):
    """Return `phone` as a tel: address wants it: "+39 059 203.2000" -> "+390592032000"."""
    return re.sub(r"(?!^\+)\D", "", phone)


@register.filter
def file_size(document):
    """Return the size in bytes of a document's file, or None if the file cannot be read."""
    try:
        return document.file.size
    except OSError:
        return None


@register.simple_tag
def network_grid(networks):
    """
    Render `networks` as a grid of cards.

    A card is kept in the cache until the content changes: a page of results is mostly cards
    already seen on another page, in another order or with other filters. The themes and
    memberships the cards show are read for the cards not in the cache only.
    """
    language = get_language()

    def render_cards(networks):
        prefetch_card_data(networks)
        return [
            render_to_string("includes/_network_card.html", {"network": network})
            for network in networks
        ]

    networks = list(networks)
    cards = page_cache.remember_each(
        "card", networks, lambda network: f"{language}:{network.pk}", render_cards
    )
    return render_to_string("includes/_network_grid.html", {"cards": cards})


@register.simple_tag
def fallback_lang(obj, field):
    """
    Return ` lang="it"` where `field` of `obj` shows the Italian text for want of a translation.

    Put it inside the opening tag around the text, so that screen readers read the Italian
    fallback with Italian pronunciation: <p{% fallback_lang network "summary" %}>.
    """
    language = get_language()
    default = settings.LANGUAGE_CODE
    if language == default or getattr(obj, build_localized_fieldname(field, language), None):
        return ""
    if getattr(obj, build_localized_fieldname(field, default), None):
        return format_html(' lang="{}"', default)
    return ""
