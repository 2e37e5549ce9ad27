"""
Review before publishing, the four-eyes rule of Wagtail's moderation: editors send a network for
review, those who may publish (administrators) publish it or send it back with a comment. Each
step is recorded (ReviewStep) and e-mailed to the other side once the change is committed.

settings.REVIEW_REQUIRED switches the rule off: editors then publish as administrators do
(EditorsPublishWithoutReview), and nothing is sent for review.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Network, ReviewStep
from .roles import EDITORS

PUBLISH = "networks.publish_network"


def may_publish(user):
    return user.has_perm(PUBLISH)


def may_submit(user, network):
    """Whether `user` sends `network` for review: who changes networks, not publishes them."""
    return (
        user.has_perm("networks.change_network" if network.pk else "networks.add_network")
        and not may_publish(user)
        and network.status == Network.Status.DRAFT
    )


def step_of(previous_status, status):
    """Return the review step a change of state is, or None: most changes are none."""
    if status == previous_status:
        return None
    if status == Network.Status.REVIEW:
        return ReviewStep.Action.SUBMITTED
    if previous_status == Network.Status.REVIEW:
        if status == Network.Status.PUBLISHED:
            return ReviewStep.Action.PUBLISHED
        return ReviewStep.Action.SENT_BACK
    return None


def record(network, previous_status, request, comment=""):
    """
    Record the review step that `network`'s change of state from `previous_status` is, if any,
    and e-mail the other side once it is committed; return the step, or None.
    """
    action = step_of(previous_status, network.status)
    if action is None:
        return None
    step = ReviewStep.objects.create(
        network=network, action=action, user=request.user, comment=comment
    )
    address = request.build_absolute_uri(
        reverse("admin:networks_network_change", args=[network.pk])
    )
    transaction.on_commit(lambda: notify(step, address))
    return step


def latest_submitter(network):
    submitted = network.review_steps.filter(action=ReviewStep.Action.SUBMITTED)
    step = submitted.select_related("user").first()
    return step.user if step else None


def publishers():
    """Return the active staff who may publish and have an e-mail address."""
    permission = Permission.objects.filter(
        content_type__app_label="networks", codename="publish_network"
    )
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission),
            is_active=True,
            is_staff=True,
        )
        .exclude(email="")
        .distinct()
    )


SUBJECTS = {
    ReviewStep.Action.SUBMITTED: _("To review: %(network)s"),
    ReviewStep.Action.PUBLISHED: _("Published: %(network)s"),
    ReviewStep.Action.SENT_BACK: _("Sent back: %(network)s"),
}


def notify(step, address):
    """E-mail `step` to the other side: those who may publish, or the editor who sent it."""
    if step.action == ReviewStep.Action.SUBMITTED:
        recipients = [user.email for user in publishers().exclude(pk=step.user_id)]
    else:
        submitter = latest_submitter(step.network)
        same = submitter is None or submitter.pk == step.user_id
        recipients = [] if same or not submitter.email else [submitter.email]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):  # the office's language
        subject = str(SUBJECTS[step.action]) % {"network": step.network}
        body = render_to_string(
            "networks/email/review_step.txt", {"step": step, "address": address}
        )
    send_mail(subject, body, None, recipients)


class EditorsPublishWithoutReview(BaseBackend):
    """With settings.REVIEW_REQUIRED off, editors (Redattori) may publish, as before the rule."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm != PUBLISH or settings.REVIEW_REQUIRED or not user_obj.is_active:
            return False
        if not hasattr(user_obj, "_is_editor"):
            user_obj._is_editor = user_obj.groups.filter(name=EDITORS).exists()
        return user_obj._is_editor
