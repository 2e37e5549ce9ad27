"""
The page ratings on the office's dashboard and in its weekly digest (networks.dashboard,
networks.digest), added from FeedbackConfig.ready(): the networks app knows nothing of them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks.dashboard import Panel
from networks.digest import Section

from .models import LAST_POOR_RATING, Feedback

DASHBOARD_DAYS = 90
DIGEST_DAYS = 7
LATEST_COMMENTS = 5


@dataclass
class Ratings:
    pages: list
    poor_reasons: list
    comments: list
    url: str


def since(days):
    return Feedback.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(days=days))


def panel(user):
    """The ratings of the last DASHBOARD_DAYS days: each page's, and the poor ones' reasons."""
    if not user.has_perm("feedback.view_feedback"):
        return None
    recent = since(DASHBOARD_DAYS)
    pages = (
        recent.values("path")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .order_by("average", "-count", "path")
    )
    poor = recent.filter(rating__lte=LAST_POOR_RATING).exclude(answer="")
    reasons = poor.values("answer").annotate(count=Count("pk")).order_by("-count", "answer")
    labels = dict(Feedback._meta.get_field("answer").choices)
    ratings = Ratings(
        pages=list(pages),
        poor_reasons=[(labels.get(row["answer"], row["answer"]), row["count"]) for row in reasons],
        comments=list(recent.exclude(comment="")[:LATEST_COMMENTS]),
        url=reverse("admin:feedback_feedback_changelist"),
    )
    return Panel("admin/feedback/dashboard_ratings.html", ratings)


def digest_section():
    """The poor ratings of the last DIGEST_DAYS days, by page, with their comments."""
    poor = since(DIGEST_DAYS).filter(rating__lte=LAST_POOR_RATING)
    pages = poor.values("path").annotate(count=Count("pk")).order_by("-count", "path")
    lines = [
        ngettext(
            "- %(page)s: %(count)d poor rating", "- %(page)s: %(count)d poor ratings", page["count"]
        )
        % {"page": page["path"], "count": page["count"]}
        for page in pages
    ]
    lines += [f"  «{rating.comment}» ({rating.path})" for rating in poor.exclude(comment="")[:10]]
    return Section(
        _("Poor page ratings of the last %(days)d days") % {"days": DIGEST_DAYS},
        poor.count(),
        lines,
        reverse("admin:feedback_feedback_changelist"),
    )
