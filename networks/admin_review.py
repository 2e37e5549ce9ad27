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
from .models import Network, ReviewStep


class ReviewAdminMixin:
    def get_urls(self):
        send_back = path(
            "<int:network_id>/send-back/",
            self.admin_site.admin_view(self.send_back_view),
            name="networks_network_send_back",
        )
        return [send_back, *super().get_urls()]

    def has_submit_permission(self, request):
        """The bulk action "send for review": for those who change networks, not publish them."""
        return self.has_change_permission(request) and not review.may_publish(request.user)

    def review_context(self, request, network):
        steps = network.review_steps.select_related("user")[:1] if network.pk else []
        return {
            "latest_step": steps[0] if steps else None,
            "can_submit": review.may_submit(request.user, network),
            "can_decide": review.may_publish(request.user)
            and network.status == Network.Status.REVIEW,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["review"] = self.review_context(request, obj or Network())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        before = Network.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        obj.status_before_save = before if change else None
        if "_submit_for_review" in request.POST and review.may_submit(request.user, obj):
            obj.status = Network.Status.REVIEW
        elif "_publish" in request.POST and review.may_publish(request.user):
            obj.status = Network.Status.PUBLISHED
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        network = form.instance
        step = review.record(network, network.status_before_save, request)
        if step is not None:
            self.message_user(request, step_message(step), messages.SUCCESS)

    def construct_change_message(self, request, form, formsets, add=False):
        """The entry of the admin's log says the state changed when a button changed it."""
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
        if network.status != Network.Status.REVIEW:
            self.message_user(request, _("This network is not in review."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = SendBackForm(request.POST if request.method == "POST" else None)
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
        }
        return TemplateResponse(request, "admin/networks/network/send_back.html", context)


def step_message(step):
    if step.action == ReviewStep.Action.SUBMITTED:
        text = _("“%(network)s” is in review: those who may publish are told by e-mail.")
    elif step.action == ReviewStep.Action.PUBLISHED:
        text = _("“%(network)s” is published: the editor who sent it is told by e-mail.")
    else:
        text = _("“%(network)s” is back to draft: the editor who sent it is told by e-mail.")
    return text % {"network": step.network}
