"""
Review before publishing in the networks' admin (networks.review): "Salva e invia in revisione"
for editors, "Salva e pubblica" and "Rimanda indietro" for those who may publish, the state of
the review above the form, and a step recorded whatever route changes the state.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import review
from .forms import SendBackForm
from .models import Network, PendingChange, ReviewStep


class PendingChangeFilter(admin.SimpleListFilter):
    """The published networks with an editor's changes waiting for approval."""

    title = _("changes waiting")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("1", _("Changes waiting for approval"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pending_change__isnull=False)
        return queryset


class ReviewAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path(
                "<int:network_id>/send-back/",
                view(self.send_back_view),
                name="networks_network_send_back",
            ),
            path(
                "<int:network_id>/pending/",
                view(self.pending_view),
                name="networks_network_pending",
            ),
        ]
        return [*own, *super().get_urls()]

    def has_submit_permission(self, request):
        """The bulk action "send for review": for those who change networks, not publish them."""
        return self.has_change_permission(request) and not review.may_publish(request.user)

    def review_context(self, request, network):
        steps, pending = [], None
        if network.pk:
            steps = network.review_steps.select_related("user")[:1]
            pending = PendingChange.objects.filter(network=network).select_related("author")
            pending = pending.first()
        return {
            "latest_step": steps[0] if steps else None,
            "pending": pending,
            "replaying": getattr(request, "pending_approval", None) is not None,
            "can_submit": review.may_submit(request.user, network),
            "can_decide": review.may_publish(request.user)
            and network.status == Network.Status.REVIEW,
            "may_publish": review.may_publish(request.user),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["review"] = self.review_context(request, obj or Network())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and review.holds_changes(request.user, obj):
            # An editor's change to a published network: kept, the network left as it is.
            obj.change_held = True
            review.hold(obj, request)
            return
        before = Network.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        obj.status_before_save = before if change else None
        if "_submit_for_review" in request.POST and review.may_submit(request.user, obj):
            obj.status = Network.Status.REVIEW
        elif "_publish" in request.POST and review.may_publish(request.user):
            obj.status = Network.Status.PUBLISHED
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        network = form.instance
        if getattr(network, "change_held", False):
            return
        super().save_related(request, form, formsets, change)
        step = review.record(network, network.status_before_save, request)
        if step is not None:
            self.message_user(request, step_message(step), messages.SUCCESS)
        pending = self.pending_approved(request, network)
        if pending is not None:
            step = review.approve(pending, request)
            text = _(
                "The changes to “%(network)s” are published: the editor who sent them is told "
                "by e-mail."
            )
            self.message_user(request, text % {"network": network}, messages.SUCCESS)

    def pending_approved(self, request, network):
        """The pending change this save approves: replayed, or its form saved after an error."""
        pending = getattr(request, "pending_approval", None)
        if pending is None and "_approve_pending" in request.POST:
            pending = PendingChange.objects.filter(network=network).first()
        return pending if review.may_publish(request.user) else None

    def response_change(self, request, obj):
        if getattr(obj, "change_held", False):
            self.message_user(
                request,
                _(
                    "Your changes to “%(network)s” wait for the approval of those who may "
                    "publish, who are told by e-mail: the site shows the network as published "
                    "until then."
                )
                % {"network": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        """
        The entry of the admin's log says the state changed when a button changed it, and
        nothing of changes kept for approval.
        """
        if getattr(form.instance, "change_held", False):
            return []  # nothing changed yet: the review's step records the changes sent
        message = super().construct_change_message(request, form, formsets, add)
        network = form.instance
        before = getattr(network, "status_before_save", None)
        if before not in (None, network.status) and "status" not in form.changed_data:
            # The log's field names are translated when shown, as for the bulk actions.
            message.append({"changed": {"fields": ["status"]}})
        return message

    @admin.action(description=_("Send the selected networks for review"), permissions=["submit"])
    def submit_for_review(self, request, queryset):
        drafts = [network for network in queryset if review.may_submit(request.user, network)]
        for network in drafts:
            network.status = Network.Status.REVIEW
            network.save(update_fields=["status", "updated_at"])
            review.record(network, Network.Status.DRAFT, request)
            self.log_change(request, network, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d network sent for review: those who may publish are told by e-mail.",
                "%(count)d networks sent for review: those who may publish are told by e-mail.",
                len(drafts),
            )
            % {"count": len(drafts)},
            messages.SUCCESS if drafts else messages.WARNING,
        )

    def send_back_view(self, request, network_id):
        """Send a network in review back to draft, with a comment for the editor who sent it."""
        network = get_object_or_404(Network, pk=network_id)
        if not (review.may_publish(request.user) and self.has_change_permission(request, network)):
            raise Http404  # as the admin answers for what one may not see
        change_url = reverse("admin:networks_network_change", args=[network.pk])
        pending = PendingChange.objects.filter(network=network).first()
        if network.status != Network.Status.REVIEW and pending is None:
            self.message_user(request, _("This network is not in review."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = SendBackForm(request.POST if request.method == "POST" else None)
        if form.is_valid() and pending is not None:  # the published network stays as it is
            step = review.discard(pending, request, comment=form.cleaned_data["comment"])
            self.message_user(request, step_message(step), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        if form.is_valid():
            network.status = Network.Status.DRAFT
            network.save(update_fields=["status", "updated_at"])
            step = review.record(
                network, Network.Status.REVIEW, request, comment=form.cleaned_data["comment"]
            )
            self.log_change(request, network, [{"changed": {"fields": ["status"]}}])
            self.message_user(request, step_message(step), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send “%(network)s” back") % {"network": network},
            "form": form,
            "network": network,
            "opts": self.model._meta,
            "latest_step": network.review_steps.select_related("user").first(),
            "pending": pending,
        }
        return TemplateResponse(request, "admin/networks/network/send_back.html", context)

    def pending_view(self, request, network_id):
        """
        A published network's pending change: what it changes, then approve it (its form sent
        again by the approver, who sees it with its errors if it no longer fits) or send it back.
        """
        network = get_object_or_404(Network, pk=network_id)
        pending = PendingChange.objects.filter(network=network).select_related("author").first()
        if not review.may_publish(request.user) or not self.has_change_permission(request, network):
            raise Http404
        if pending is None:
            self.message_user(request, _("This network has no changes waiting."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:networks_network_change", args=[network.pk]))
        replay = review.replayed(pending, network, request)
        if request.method == "POST":
            # Saved, it redirects; else its form comes back with the errors, sent next to the
            # network's own page with the approval (review_context's `replaying`).
            change_url = reverse("admin:networks_network_change", args=[network.pk])
            return self.changeform_view(replay, str(network.pk), form_url=change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes to “%(network)s” waiting for approval") % {"network": network},
            "network": network,
            "pending": pending,
            "changes": self.pending_changes(replay, network),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/networks/network/pending.html", context)

    def pending_changes(self, replay, network):
        """Return (what, before, after) for each field the pending change changes."""
        live = Network.objects.get(pk=network.pk)
        form = self.get_form(replay, live, change=True)(replay.POST, replay.FILES, instance=live)
        form.is_valid()
        rows = [
            (form[name].label, shown(form[name].initial), shown(form.cleaned_data.get(name)))
            for name in form.changed_data
            if name in form.fields and not name.startswith("confirm_")
        ]
        for inline in self.get_inline_instances(replay, live):
            formset_class = inline.get_formset(replay, live)
            prefix = formset_class.get_default_prefix()
            formset = formset_class(replay.POST, replay.FILES, instance=live, prefix=prefix)
            if formset.is_valid() and formset.has_changed():
                changed = sum(1 for each in formset.forms if each.has_changed())
                label = str(inline.opts.verbose_name_plural).capitalize()
                rows.append((label, "", _("%(count)d changed or added") % {"count": changed}))
        return rows


def shown(value):
    """A field's value as the pending change's page shows it."""
    if value in (None, "", [], ()):
        return "—"
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return ", ".join(str(item) for item in value)
    return str(value)


def step_message(step):
    published = step.network.status == Network.Status.PUBLISHED
    if step.action == ReviewStep.Action.SUBMITTED:
        text = _("“%(network)s” is in review: those who may publish are told by e-mail.")
    elif step.action == ReviewStep.Action.PUBLISHED:
        text = _("“%(network)s” is published: the editor who sent it is told by e-mail.")
    elif published:
        text = _(
            "The changes to “%(network)s” are discarded: the editor who sent them is told by "
            "e-mail."
        )
    else:
        text = _("“%(network)s” is back to draft: the editor who sent it is told by e-mail.")
    return text % {"network": step.network}
