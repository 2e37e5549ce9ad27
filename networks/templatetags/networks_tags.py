import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from networks.models import NEGATIVE_ANSWERS, POSITIVE_ANSWERS

register = template.Library()

# As in django.utils.html.json_script: no "</script>" or "<!--" can close the element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """
    Return `data` as JSON safe inside <script type="application/ld+json">.

    Like Django's json_script, but for the JSON-LD type, which json_script does not produce.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


@register.simple_tag(takes_context=True)
def absolute(context, url):
    return context["request"].build_absolute_uri(url)


@register.filter
def file_size(document):
    """Return the size in bytes of a document's file, or None if the file cannot be read."""
    try:
        return document.file.size
    except OSError:
        return None


@register.inclusion_tag("includes/_feedback.html", takes_context=True)
def feedback_form(context):
    """Render the page rating form for the current page."""
    return {
        "path": context["request"].path,
        "answer_groups": [
            {
                "step": "positive",
                "question": _("What did you like best?"),
                "hint": _("(if you gave 4 or 5 stars)"),
                "answers": [(answer.value, answer.label) for answer in POSITIVE_ANSWERS],
            },
            {
                "step": "negative",
                "question": _("Where did you have the most trouble?"),
                "hint": _("(if you gave 1 to 3 stars)"),
                "answers": [(answer.value, answer.label) for answer in NEGATIVE_ANSWERS],
            },
        ],
    }


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
