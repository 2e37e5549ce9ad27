from django import template
from django.utils.translation import gettext as _

from feedback.models import (
    NEGATIVE_ANSWERS,
    NEGATIVE_QUESTION,
    POSITIVE_ANSWERS,
    POSITIVE_QUESTION,
    RATING_QUESTION,
)

register = template.Library()


@register.inclusion_tag("feedback/_form.html", takes_context=True)
def feedback_form(context):
    """Render the page rating form for the current page."""
    return {
        "path": context["request"].path,
        "title": RATING_QUESTION,
        "answer_groups": [
            {
                "step": "positive",
                "question": POSITIVE_QUESTION,
                "hint": _("(if you gave 4 or 5 stars)"),
                "answers": [(answer.value, answer.label) for answer in POSITIVE_ANSWERS],
            },
            {
                "step": "negative",
                "question": NEGATIVE_QUESTION,
                "hint": _("(if you gave 1 to 3 stars)"),
                "answers": [(answer.value, answer.label) for answer in NEGATIVE_ANSWERS],
            },
        ],
    }
