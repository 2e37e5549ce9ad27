"""The office's admin site: Django's, with the dashboard as its home page (networks.dashboard)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dashboard
from .cache import administration


class OfficeAdminSite(admin.AdminSite):
    def each_context(self, request):
        context = super().each_context(request)
        # The header and the title name the administration the site's pages name.
        header = _("%(name)s — International networks") % {"name": administration().name}
        context.update(site_header=header, site_title=header)
        return context

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
