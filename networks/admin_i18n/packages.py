"""
The admins of django.contrib.auth and django-axes, re-registered with ItalianAdminMixin, and the
Italian for what those packages (and Django) write in English outside any catalogue.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group, Permission, User
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from .grammar import model_name
from .model_admin import ItalianAdminMixin

# Permissions: Django names them in English when it creates them ("Can add network").
DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(names)s"),
    "change": _("Can change %(names)s"),
    "delete": _("Can delete %(names)s"),
    "view": _("Can view %(names)s"),
}


def permission_label(permission):
    """Return "Reti internazionali | rete | Può aggiungere reti" for a permission."""
    model = permission.content_type.model_class()
    if model is None:  # a model no longer installed: Django's words
        return f"{permission.content_type} | {permission.name}"
    opts = model._meta
    action = permission.codename.removesuffix(f"_{opts.model_name}")
    if action in DEFAULT_PERMISSION_NAMES and action in opts.default_permissions:
        name = DEFAULT_PERMISSION_NAMES[action] % {"names": model_name(model, 2)}
    else:
        name = gettext(permission.name)  # our own are msgids (Meta.permissions)
    return f"{opts.app_config.verbose_name} | {model_name(model)} | {name}"


# Wherever a permission is shown: the user's and group's forms, read-only pages, deletions.
Permission.__str__ = permission_label


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    # Django appends this warning to the help text in English, outside any catalogue.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        auth_forms.SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ItalianAdminMixin, auth_admin.UserAdmin):
    change_password_form = AdminPasswordChangeForm

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            # Each permission's label names its model (GroupAdmin does the same).
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Group)
class GroupAdmin(ItalianAdminMixin, auth_admin.GroupAdmin):
    pass


# django-axes: its texts (translated below, in PACKAGE_STRINGS) and what it writes in English.

apps.get_app_config("axes").verbose_name = _("Logins to the admin")


def moment(value):
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def access_attempt_str(attempt):
    return gettext("Login attempts of %(username)s, %(time)s") % {
        "username": attempt.username,
        "time": moment(attempt.attempt_time),
    }


def access_log_str(log):
    return gettext("Login of %(username)s, %(time)s") % {
        "username": log.username,
        "time": moment(log.attempt_time),
    }


def access_failure_str(failure):
    if failure.locked_out:
        words = gettext("Failed login of %(username)s, %(time)s, from %(address)s: locked out")
    else:
        words = gettext("Failed login of %(username)s, %(time)s, from %(address)s")
    return words % {
        "username": failure.username,
        "time": moment(failure.attempt_time),
        "address": failure.ip_address,
    }


AccessAttempt.__str__ = access_attempt_str
AccessLog.__str__ = access_log_str
AccessFailureLog.__str__ = access_failure_str

admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ItalianAdminMixin, axes_admin.AccessAttemptAdmin):
    @admin.action(description=_("Delete the expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d expired login attempt deleted.",
                "%(count)d expired login attempts deleted.",
                count,
            )
            % {"count": count},
        )

    @admin.display(description=_("expires"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.display(description=_("status"))
    def status(self, obj):
        left = axes_admin.settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("Locked out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


@admin.register(AccessLog)
class AccessLogAdmin(ItalianAdminMixin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ItalianAdminMixin, axes_admin.AccessFailureLogAdmin):
    pass


# Texts of Django and of the admin's packages that their Italian catalogues lack, or say in words
# we change: listed here so that `make messages` keeps them in ours, which translates them.
PACKAGE_STRINGS = [
    # Django 5.2, new or said otherwise ("Elimina", not "Cancella", as in the bulk delete)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Set password"),
    gettext_noop("Reset password"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Password-based authentication"),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Set password: %s"),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("View %s"),
    gettext_noop("View"),
    gettext_noop("Delete"),
    gettext_noop("Delete?"),
    gettext_noop("Delete multiple objects"),
    gettext_noop("Change history: %s"),
    # The admin's log (LogEntry), whose Italian lost its words' order
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("Added “%(object)s”."),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Added."),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Content Types"),
    gettext_noop("content type"),
    gettext_noop("content types"),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    # django-simple-history
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    # django-import-export
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Value could not be parsed."),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
        "format for the file."
    ),
]
