"""The office's admin site: Django's, with the dashboard as its home page (networks.dashboard)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from . import dashboard


class OfficeAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        return super().index(request, {**dashboard.context(request), **(extra_context or {})})

    def get_urls(self):
        register = path(
            "memberships-register.xlsx",
            self.admin_view(self.register_view),
            name="memberships_register",
        )
        return [register, *super().get_urls()]

    def register_view(self, request):
        """The memberships register as a workbook, for the council's yearly report."""
        if not request.user.has_perm("networks.view_membership"):
            raise PermissionDenied
        response = HttpResponse(
            dashboard.register_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"registro-adesioni-{timezone.localdate():%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
