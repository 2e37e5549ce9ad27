from django.contrib import admin

from networks.admin_i18n import ItalianAdminMixin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(ItalianAdminMixin, admin.ModelAdmin):
    """The visitors' page ratings: read-only, as they were sent."""

    list_display = ["created_at", "path", "language", "rating", "answer", "comment"]
    list_filter = ["rating", "answer", "language"]
    search_fields = ["path", "comment"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
