from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from networks.admin_i18n import ItalianAdminMixin

from .models import Administration


@admin.register(Administration)
class AdministrationAdmin(ItalianAdminMixin, admin.ModelAdmin):
    """The one administration: its list leads straight to its form, made from the settings."""

    fieldsets = [
        (None, {"fields": ["name", "short_name", "ipa_code", "coat_of_arms", "primary_colour"]}),
        (
            _("Addresses every page links to"),
            {"fields": ["website", "privacy_url", "accessibility_url", "legal_notes_url"]},
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "primary_colour":
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        administration = Administration.load()
        return HttpResponseRedirect(
            reverse("admin:identity_administration_change", args=[administration.pk])
        )
