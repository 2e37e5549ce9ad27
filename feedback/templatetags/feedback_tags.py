from django import template
from django.utils.translation import gettext as _

from feedback.models import NEGATIVE_ANSWERS, POSITIVE_ANSWERS

register = template.Library()


@register.inclusion_tag("feedback/_form.html", takes_context=True)
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
