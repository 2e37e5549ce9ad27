"""
Review before publishing, the four-eyes rule of Wagtail's moderation: editors send a network for
review, those who may publish (administrators) publish it or send it back with a comment. Each
step is recorded (ReviewStep) and e-mailed to the other side once the change is committed.

settings.REVIEW_REQUIRED switches the rule off: editors then publish as administrators do
(EditorsPublishWithoutReview), and nothing is sent for review.
"""

import copy
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .models import Network, PendingChange, ReviewStep
from .roles import EDITORS
from .storage import private_storage
from .widgets import unstash

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


def holds_changes(user, network):
    """Whether `user`'s save of `network` waits for approval: an editor's, of a published one."""
    return (
        settings.REVIEW_REQUIRED
        and network.pk is not None
        and not may_publish(user)
        and Network.objects.filter(pk=network.pk, status=Network.Status.PUBLISHED).exists()
    )


# What a pending change does not keep of the form sent: the token, and the buttons pressed.
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_submit_for_review"}
STASH_SUFFIX = "-stash"


def hold(network, request):
    """
    Keep the change form `request` sends for `network` as its pending change (replacing an
    earlier one), with its files; record the step and tell those who may publish.
    """
    chosen = dict(request.FILES.items())
    for key, token in request.POST.items():  # files chosen before an error (networks.widgets)
        name = key.removesuffix(STASH_SUFFIX)
        if key.endswith(STASH_SUFFIX) and name not in chosen and (upload := unstash(token)):
            chosen[name] = upload
    files = {}
    for key, upload in chosen.items():
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
        stored = private_storage().save(f"pending/{uuid.uuid4().hex}.{extension}", upload)
        files[key] = [stored, upload.name, getattr(upload, "content_type", "")]
    data = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in NOT_KEPT and not key.endswith(STASH_SUFFIX)
    }
    previous = PendingChange.objects.filter(network=network).first()
    if previous is not None:
        forget(previous)
    pending = PendingChange.objects.create(
        network=network, author=request.user, data=data, files=files
    )
    decided(network, ReviewStep.Action.SUBMITTED, request)
    return pending


def forget(pending):
    """Delete `pending` and its files."""
    names = [stored for stored, _name, _type in pending.files.values()]
    pending.delete()
    for name in names:
        transaction.on_commit(lambda name=name: private_storage().delete(name))


def replayed(pending, network, request):
    """
    Return a copy of `request` (an approval, by someone who may publish) that sends the
    pending change's form again: what the editor's form had no field for (the state and the
    dates) as the network has it now.
    """
    data = QueryDict(mutable=True)
    for key, values in pending.data.items():
        data.setlist(key, values)
    data["csrfmiddlewaretoken"] = request.POST.get("csrfmiddlewaretoken", "")
    data.setdefault("status", network.status)
    for name in ("publish_at", "unpublish_at"):
        value = getattr(network, name)
        local = timezone.localtime(value) if value else None
        data.setdefault(f"{name}_0", local.strftime("%d/%m/%Y") if local else "")
        data.setdefault(f"{name}_1", local.strftime("%H:%M:%S") if local else "")
    files = MultiValueDict()
    for key, (stored, name, content_type) in pending.files.items():
        with private_storage().open(stored, "rb") as opened:
            files[key] = SimpleUploadedFile(name, opened.read(), content_type or None)
    replay = copy.copy(request)
    replay._post, replay._files = data, files
    replay.GET = QueryDict()
    replay.pending_approval = pending
    return replay


def approve(pending, request):
    """Record that `request` approved `pending` (its form just saved), and tell its editor."""
    network = pending.network
    forget(pending)
    return decided(network, ReviewStep.Action.PUBLISHED, request)


def discard(pending, request, comment):
    """Discard `pending` with `comment` for its editor; the network stays as published."""
    network = pending.network
    forget(pending)
    return decided(network, ReviewStep.Action.SENT_BACK, request, comment)


def decided(network, action, request, comment=""):
    """Record the step `action` by `request`'s user; e-mail the other side once committed."""
    step = ReviewStep.objects.create(
        network=network, action=action, user=request.user, comment=comment
    )
    address = request.build_absolute_uri(
        reverse("admin:networks_network_change", args=[network.pk])
    )
    transaction.on_commit(lambda: notify(step, address))
    return step


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
    return decided(network, action, request, comment)


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
