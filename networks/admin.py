from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, Prefetch, Q, prefetch_related_objects
from django.forms import CheckboxSelectMultiple, Textarea
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from . import cache as page_cache
from . import dashboard, history, linkcheck, publishing, review, search
from .admin_i18n import ItalianAdminMixin
from .admin_import import NetworkImportExportMixin
from .admin_review import PendingChangeFilter, ReviewAdminMixin
from .forms import (
    DocumentInlineFormSet,
    KeyFactsDateForm,
    LeftYearForm,
    MembershipInlineFormSet,
    NetworkAdminForm,
    ThemeForm,
    UnixNewlinesField,
    same_names,
)
from .history import Version, field_rows, hold_versions, revert, write_version
from .models import Document, LinkCheck, Membership, Network, NetworksPage, Theme
from .widgets import StashedFileInput

admin.site.index_title = _("International relations office")
# The list of every model beside each page takes 300 px: without it, lists and forms fit a
# 1280 px screen (the breadcrumbs and the home page still lead everywhere).
admin.site.enable_nav_sidebar = False


SCHEDULE_FIELDS = ["publish_at", "unpublish_at"]


def short_datetime(value):
    """Return `value` as the admin writes a date and time in its language: "05/01/2027 10:00"."""
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def in_every_language(*fields):
    """Return the translated columns of `fields`, so the admin search matches every language."""
    return [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]


class UnixNewlinesMixin:
    """
    Keep the line breaks of text areas as LF, as the demo content, imports and versions have
    them: browsers send CR LF, so a save that changed nothing changed every text of a few lines,
    in the history and in the log.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) or isinstance(kwargs.get("widget"), Textarea):
            kwargs.setdefault("form_class", UnixNewlinesField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class HistoryAdmin(UnixNewlinesMixin, SimpleHistoryAdmin):
    """
    The project's admin of content with a history: the package's own, whose revert form changes
    nothing without the change permission, with the project's admin styles.
    """

    class Media:
        css = {"all": ["networks/admin.css"]}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The package lets anyone who may see the history post its revert form.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class JoinedDecadeFilter(admin.SimpleListFilter):
    title = _("decade joined")
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        # Every network's joined year is read (33 ms at 10,000 networks, on every page of the
        # list): kept in the cache until the content changes.
        decades = page_cache.remember("admin-decades", "", self.decades)
        return [(str(decade), f"{decade}–{decade + 9}") for decade in decades]

    @staticmethod
    def decades():
        years = Network.objects.with_joined_year().values_list("joined_year", flat=True)
        return sorted({year // 10 * 10 for year in years if year is not None})

    def queryset(self, request, queryset):
        value = self.value()
        if value is None or not value.isdigit():
            return queryset
        decade = int(value)
        return queryset.filter(joined_year__gte=decade, joined_year__lte=decade + 9)


PUBLIC_MEMBERSHIP_FIELDS = [("joined_year", "left_year"), "sector", "public_notes", "profile_url"]
INTERNAL_FIELDS = ["department", "contact_person", "annual_fee", "council_resolution"]
INTERNAL_MEMBERSHIP_FIELDSET = (
    _("For the office only (never published)"),
    {"fields": [tuple(INTERNAL_FIELDS[:2]), tuple(INTERNAL_FIELDS[2:])]},
)


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            (code, _("Text missing: %(language)s") % {"language": name})
            for code, name in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.missing_translation(self.value())
        return queryset


class LinkCheckFilter(admin.SimpleListFilter):
    """The networks by what the last link check found of their website and profile pages."""

    title = _("web addresses")
    parameter_name = "links"

    def lookups(self, request, model_admin):
        return [
            ("broken", _("Broken")),
            ("moved", _("Moved for good")),
            ("ok", _("Working")),
            ("unchecked", _("Not checked")),
        ]

    def queryset(self, request, queryset):
        checks = linkcheck.of_network()
        if self.value() in ("broken", "moved"):
            return queryset.filter(Exists(checks.filter(outcome=self.value())))
        if self.value() == "ok":
            return queryset.filter(Exists(checks)).exclude(
                Exists(checks.exclude(outcome=LinkCheck.Outcome.OK))
            )
        if self.value() == "unchecked":
            return queryset.exclude(Exists(checks))
        return queryset


class KeyFactsFilter(admin.SimpleListFilter):
    """The networks whose key facts need checking again (the dashboard links here)."""

    title = _("key facts")
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [
            (
                "stale",
                _("Older than %(months)d months") % {"months": settings.KEY_FACTS_MAX_AGE_MONTHS},
            ),
            ("undated", _("Without a date")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return dashboard.stale_facts(queryset)
        if self.value() == "undated":
            return dashboard.undated_facts(queryset)
        return queryset


class ScheduleFilter(admin.SimpleListFilter):
    """The published networks with a date to come on the site, or to leave it."""

    title = _("schedule")
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("publish", _("To be published at a date")), ("withdraw", _("To be withdrawn"))]

    def queryset(self, request, queryset):
        published = queryset.filter(status=Network.Status.PUBLISHED)
        if self.value() == "publish":
            return published.filter(publish_at__gt=timezone.now())
        if self.value() == "withdraw":
            return published.filter(unpublish_at__gt=timezone.now())
        return queryset


class MembershipInline(UnixNewlinesMixin, TranslationStackedInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    fieldsets = [(None, {"fields": PUBLIC_MEMBERSHIP_FIELDS}), INTERNAL_MEMBERSHIP_FIELDSET]


# A file chosen before a validation error stays attached (networks/widgets.py).
KEEP_CHOSEN_FILES = {
    models.FileField: {"widget": StashedFileInput},
    models.ImageField: {"widget": StashedFileInput},
}


class DocumentInline(UnixNewlinesMixin, TranslationStackedInline):
    model = Document
    formset = DocumentInlineFormSet
    formfield_overrides = KEEP_CHOSEN_FILES
    extra = 0
    # Stacked, not a table: a title per language, a file input and a language list do not fit
    # one row of a 1280 px screen.
    fields = ["title", "file", ("language", "date", "is_public")]


# Going back to a version of a network writes its memberships and documents too.
REVERT_PERMISSIONS = [
    "networks.change_network",
    "networks.add_membership",
    "networks.change_membership",
    "networks.delete_membership",
    "networks.add_document",
    "networks.change_document",
    "networks.delete_document",
]


@admin.register(Network)
class NetworkAdmin(
    ItalianAdminMixin,
    NetworkImportExportMixin,
    ReviewAdminMixin,
    HistoryAdmin,
    TabbedTranslationAdmin,
):
    list_display = [
        "logo_thumbnail",
        "name",
        "acronym",
        "theme_list",
        "joined_year",
        "scope",
        "publication",
        "missing_translations",
        "links",
    ]
    list_display_links = ["logo_thumbnail", "name"]
    change_list_template = "admin/networks/network/change_list.html"  # a link to the bin
    list_filter = [
        "status",
        PendingChangeFilter,
        ScheduleFilter,
        "scope",
        "themes",
        JoinedDecadeFilter,
        MissingTranslationFilter,
        KeyFactsFilter,
        LinkCheckFilter,
    ]
    actions = [
        "submit_for_review",
        "publish",
        "unpublish",
        "add_theme",
        "remove_theme",
        "set_key_facts_date",
        "end_memberships",
        "use_new_addresses",
    ]
    # The site's search, in every language (get_search_results), and the page address.
    search_fields = ["slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, DocumentInline]
    form = NetworkAdminForm
    formfield_overrides = {
        models.ManyToManyField: {"widget": CheckboxSelectMultiple},
        **KEEP_CHOSEN_FILES,
    }
    fieldsets = [
        (None, {"fields": ["name", "slug", "acronym"]}),
        (_("Publication"), {"fields": ["status", "publish_at", "unpublish_at"]}),
        (_("Presentation"), {"fields": ["summary", "description", "logo", "website", "themes"]}),
        (
            _("About the network"),
            {"fields": ["scope", "promoter", "founded_year", "key_facts", "key_facts_date"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        """
        Find networks as the site does, accents and capitals aside, in every language, or by
        their address.
        """
        if not search_term.strip():
            return queryset, False
        languages = [code for code, _name in settings.LANGUAGES]
        found = search.matching(queryset, search_term, languages).values("pk")
        by_address = Q(slug__icontains=search_term.strip())
        return queryset.filter(Q(pk__in=found) | by_address), False

    def get_queryset(self, request):
        return super().get_queryset(request).with_joined_year().with_themes()

    def get_changelist_instance(self, request):
        """The change list, each network of its page given the checks of its addresses."""
        changelist = super().get_changelist_instance(request)
        networks = list(changelist.result_list)  # the page, read once: the template reuses it
        profiles = Prefetch(
            "memberships", queryset=Membership.objects.only("network_id", "profile_url")
        )
        prefetch_related_objects(networks, profiles)
        urls = {network.website for network in networks}
        urls.update(m.profile_url for network in networks for m in network.memberships.all())
        checks = {check.url: check for check in LinkCheck.objects.filter(url__in=urls - {""})}
        for network in networks:
            network.link_checks = checks
        return changelist

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_publish_permission(request):
            # Dates those who may not publish cannot set: shown only when set.
            unset = {name for name in SCHEDULE_FIELDS if not getattr(obj, name, None)}
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f not in unset]})
                for name, options in fieldsets
            ]
        if request.method == "POST" and self.names_taken(request, obj):
            # Offered only when the name sent is another network's (NetworkAdminForm).
            fieldsets = [*fieldsets, (_("Same name"), {"fields": ["confirm_same_name"]})]
        if request.method == "POST" and self.publishes(request, obj):
            # Offered only when the network lacks something (NetworkAdminForm).
            fieldsets = [*fieldsets, (_("Before publishing"), {"fields": ["confirm_publish"]})]
        return fieldsets

    def publishes(self, request, obj):
        """Whether the form sent publishes the network (its state, or "Salva e pubblica")."""
        if (obj is not None and obj.is_published) or not self.has_publish_permission(request):
            return False
        return request.POST.get("status") == Network.Status.PUBLISHED or "_publish" in request.POST

    def names_taken(self, request, obj):
        names = {
            code: request.POST.get(build_localized_fieldname("name", code), "").strip()
            for code, _name in settings.LANGUAGES
        }
        return same_names(obj or Network(), names)

    def save_model(self, request, obj, form, change):
        hold_versions(obj)  # one version per save, written once its memberships are saved too
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(form.instance, "change_held", False):
            return  # kept for approval (ReviewAdminMixin): nothing written, no version
        super().save_related(request, form, formsets, change)
        write_version(form.instance, created=not change)

    def get_urls(self):
        view = self.admin_site.admin_view
        bin_urls = [
            path("bin/", view(self.bin_view), name="networks_network_bin"),
            path("bin/empty/", view(self.empty_bin_view), name="networks_network_bin_empty"),
            path(
                "bin/<int:network_id>/restore/",
                view(self.restore_view),
                name="networks_network_bin_restore",
            ),
            path(
                "bin/<int:network_id>/delete/",
                view(self.forget_view),
                name="networks_network_bin_delete",
            ),
        ]
        return bin_urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {"bin_count": history.binned().count(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def bin_context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "may_restore": self.may_revert(request, None),
            "may_forget": request.user.has_perm("networks.empty_bin"),
        }

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.say_where_deleted_networks_go(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.say_where_deleted_networks_go(request)

    def say_where_deleted_networks_go(self, request):
        self.message_user(
            request,
            format_html(
                _(
                    'Deleted networks wait in the <a href="{}">bin</a>: '
                    "they can be restored there as they were."
                ),
                reverse("admin:networks_network_bin"),
            ),
            messages.INFO,
        )

    def bin_view(self, request):
        """List the deleted networks, each to restore in one click or to delete for good."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.bin_context(request, _("Bin")), "deletions": history.binned()}
        return TemplateResponse(request, "admin/networks/network/bin.html", context)

    def restore_view(self, request, network_id):
        if request.method != "POST" or not self.may_revert(request, None):
            raise PermissionDenied
        record = history.last_version(network_id)
        if record is None or Network.objects.filter(pk=network_id).exists():
            raise Http404
        bin_url = reverse("admin:networks_network_bin")
        clash = Network.objects.filter(slug=record.slug).first()
        if clash is not None:
            self.message_user(
                request,
                _(
                    "The network “%(network)s” now has the page address “%(slug)s”: change it "
                    "before restoring this one."
                )
                % {"network": clash, "slug": record.slug},
                messages.ERROR,
            )
            return HttpResponseRedirect(bin_url)
        network, notes = revert(record, request.user, self.has_publish_permission(request))
        self.log_addition(request, network, _("Restored from the bin."))
        self.message_user(
            request,
            _("The network “%(network)s” is back from the bin, as it was.") % {"network": network},
            messages.SUCCESS,
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return HttpResponseRedirect(reverse("admin:networks_network_change", args=[network.pk]))

    def forget_view(self, request, network_id):
        """Delete one network of the bin for good, after a confirmation naming what goes."""
        deletion = get_object_or_404(history.binned(), id=network_id)
        return self.confirm_forgetting(request, [deletion], _("Delete for good"))

    def empty_bin_view(self, request):
        return self.confirm_forgetting(request, list(history.binned()), _("Empty the bin"))

    def confirm_forgetting(self, request, deletions, title):
        if not request.user.has_perm("networks.empty_bin"):
            raise PermissionDenied
        if request.method == "POST":
            with transaction.atomic():
                for deletion in deletions:
                    history.forget(deletion.id)
            self.message_user(
                request,
                ngettext(
                    "%(count)d network was deleted for good.",
                    "%(count)d networks were deleted for good.",
                    len(deletions),
                )
                % {"count": len(deletions)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:networks_network_bin"))
        context = {
            **self.bin_context(request, title),
            "goes": [(deletion, history.Remains.of(deletion.id)) for deletion in deletions],
        }
        return TemplateResponse(request, "admin/networks/network/bin_confirm.html", context)

    def may_revert(self, request, network):
        """Going back to a version changes the network, its memberships and its documents."""
        if network is None:  # deleted: going back recreates it
            return self.has_add_permission(request) and request.user.has_perms(REVERT_PERMISSIONS)
        if review.holds_changes(request.user, network):
            return False  # a published network changes through review: its form
        return self.has_change_permission(request, network) and request.user.has_perms(
            REVERT_PERMISSIONS
        )

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        # Each version lists what its save changed in the memberships and documents too.
        super().set_history_delta_changes(request, historical_records, **kwargs)
        records = list(historical_records)
        if not records:
            return
        hidden = [] if request.user.has_perm("networks.view_membership") else INTERNAL_FIELDS
        for record, changes in zip(
            records, history.related_changes(records[0].id, records, hidden), strict=True
        ):
            if changes:
                record.history_delta_changes = [
                    *getattr(record, "history_delta_changes", []),
                    *changes,
                ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show a version, its themes, memberships and documents; go back to it on POST."""
        record = get_object_or_404(
            Network.history, id=unquote(object_id), history_id=unquote(version_id)
        )
        network = Network.objects.filter(pk=record.id).first()
        may_revert = self.may_revert(request, network)
        if not may_revert and not self.has_view_permission(request, network):
            raise PermissionDenied
        if request.method == "POST":
            if not may_revert:
                raise PermissionDenied
            return self.revert(request, record)
        version = Version.of(record)
        hidden = [] if request.user.has_perm("networks.view_membership") else INTERNAL_FIELDS
        context = {
            **self.admin_site.each_context(request),
            "title": _("Version of %(date)s") % {"date": history.moment(record.history_date)},
            "opts": self.opts,
            "network": network,
            "record": record,
            "version": version,
            "fields": field_rows(record, Network),
            "memberships": [
                (membership, field_rows(membership, Membership, hidden=hidden))
                for membership in version.memberships
            ],
            "documents": [
                (document, field_rows(document, Document)) for document in version.documents
            ],
            "may_revert": may_revert,
            "may_publish": self.has_publish_permission(request),
            "history_url": reverse("admin:networks_network_history", args=[record.id]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/networks/network/version.html", context)

    def revert(self, request, record):
        network, notes = revert(record, request.user, self.has_publish_permission(request))
        when = history.moment(record.history_date)
        self.log_change(request, network, _("Back to the version of %(date)s.") % {"date": when})
        self.message_user(
            request,
            _("The network “%(network)s” is back to its version of %(date)s.")
            % {"network": network, "date": when},
            messages.SUCCESS,
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return HttpResponseRedirect(reverse("admin:networks_network_change", args=[network.pk]))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("networks.publish_network"):
            readonly += ["status", *SCHEDULE_FIELDS]  # scheduling is publishing
        return readonly

    def has_delete_permission(self, request, obj=None):
        # Deleting a network that is or was once published takes its own permission
        # (administrators only); the bulk delete action asks this for each network it deletes.
        allowed = super().has_delete_permission(request, obj)
        if obj is not None and obj.was_ever_published:
            return allowed and request.user.has_perm("networks.delete_published_network")
        return allowed

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The summary is short but more than a line: give it a small text area in every language.
        if db_field.name.startswith("summary"):
            kwargs["widget"] = Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_publish_permission(self, request):
        return request.user.has_perm("networks.publish_network")

    @admin.action(description=_("Publish the selected networks"), permissions=["publish"])
    def publish(self, request, queryset):
        """Publish, once confirmed when some lack something (networks.publishing)."""
        coming = queryset.exclude(status=Network.Status.PUBLISHED)
        warned = [(network, publishing.saved_warnings(network)) for network in coming]
        warned = [(network, found) for network, found in warned if found]
        if warned and "confirm" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Publish the selected networks"),
                "warned": warned,
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/networks/network/publish_confirmation.html", context
            )
        self.change_status(request, queryset, Network.Status.PUBLISHED)
        return None

    @admin.action(description=_("Unpublish the selected networks"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self.change_status(request, queryset, Network.Status.DRAFT)

    def change_status(self, request, queryset, status):
        # save() each one rather than update(): timestamps, search documents and the admin's
        # log follow the change as they do for an edit.
        changed = [network for network in queryset if network.status != status]
        for network in changed:
            before, network.status = network.status, status
            network.save(update_fields=["status", "updated_at"])
            review.record(network, before, request)
            # The admin's history translates the field name when it shows the entry.
            self.log_change(request, network, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d network is now “%(status)s”.",
                "%(count)d networks are now “%(status)s”.",
                len(changed),
            )
            % {"count": len(changed), "status": Network.Status(status).label},
            messages.SUCCESS,
        )

    # Bulk edits: each asks for its value on a page of its own, then changes every network
    # selected through save() or the themes' manager, so each change has its version in the
    # history and its entry in the admin's log, as an edit would.

    def bulk_edit(self, request, queryset, form_class, title, apply):
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            networks = self.changeable(request, queryset)
            with transaction.atomic():
                apply(request, networks, **form.cleaned_data)
            return None  # back to the list, the message shown
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "media": self.media + form.media,
            "queryset": queryset,
            "opts": self.model._meta,
            "action": request.POST["action"],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/networks/network/bulk_edit.html", context)

    def changeable(self, request, queryset):
        """
        Return the networks of `queryset` a bulk edit changes: for who may not publish, not the
        published ones, whose changes go through review (their form); the user is told so.
        """
        networks = list(queryset)
        if not settings.REVIEW_REQUIRED or self.has_publish_permission(request):
            return networks
        held = [network for network in networks if network.is_published]
        if held:
            self.message_user(
                request,
                ngettext(
                    "%(count)d published network was left as it is: changes to a published "
                    "network go through review, from its form.",
                    "%(count)d published networks were left as they are: changes to a published "
                    "network go through review, from its form.",
                    len(held),
                )
                % {"count": len(held)},
                messages.WARNING,
            )
        return [network for network in networks if not network.is_published]

    @admin.action(description=_("Add a theme to the selected networks"), permissions=["change"])
    def add_theme(self, request, queryset):
        return self.bulk_edit(request, queryset, ThemeForm, _("Add a theme"), self.themes_added)

    @admin.action(
        description=_("Remove a theme from the selected networks"), permissions=["change"]
    )
    def remove_theme(self, request, queryset):
        return self.bulk_edit(
            request, queryset, ThemeForm, _("Remove a theme"), self.themes_removed
        )

    @admin.action(
        description=_("Set the date of the key facts of the selected networks"),
        permissions=["change"],
    )
    def set_key_facts_date(self, request, queryset):
        return self.bulk_edit(
            request, queryset, KeyFactsDateForm, _("Set the date of the key facts"), self.dated
        )

    @admin.action(
        description=_("End the active memberships of the selected networks"),
        permissions=["end_memberships"],
    )
    def end_memberships(self, request, queryset):
        return self.bulk_edit(
            request, queryset, LeftYearForm, _("End the active memberships"), self.ended
        )

    def has_end_memberships_permission(self, request):
        user = request.user
        return user.has_perm("networks.change_network") and user.has_perm(
            "networks.change_membership"
        )

    def themes_added(self, request, networks, theme):
        changed = [network for network in networks if theme not in network.themes.all()]
        for network in changed:
            network.themes.add(theme)
            self.log_change(request, network, [{"changed": {"fields": ["themes"]}}])
        self.bulk_message(request, _("Theme “%(theme)s” added"), changed, theme=theme)

    def themes_removed(self, request, networks, theme):
        changed = [network for network in networks if theme in network.themes.all()]
        for network in changed:
            network.themes.remove(theme)
            self.log_change(request, network, [{"changed": {"fields": ["themes"]}}])
        self.bulk_message(request, _("Theme “%(theme)s” removed"), changed, theme=theme)

    def dated(self, request, networks, key_facts_date):
        changed = [network for network in networks if network.key_facts_date != key_facts_date]
        for network in changed:
            network.key_facts_date = key_facts_date
            network.save()
            self.log_change(request, network, [{"changed": {"fields": ["key_facts_date"]}}])
        self.bulk_message(request, _("Date of the key facts set"), changed)

    def ended(self, request, networks, left_year):
        ended, joined_later = [], []
        for network in networks:
            membership = network.memberships.active().first()
            if membership is None:
                continue
            if left_year < membership.joined_year:
                joined_later.append(network)
                continue
            membership.left_year = left_year
            membership.save()
            history.record_version(network)  # the network's version, with its memberships
            self.log_change(request, network, [{"changed": {"fields": ["left_year"]}}])
            ended.append(network)
        self.bulk_message(request, _("Active membership ended in %(year)d"), ended, year=left_year)
        if joined_later:
            names = ", ".join(str(network) for network in joined_later)
            self.message_user(
                request,
                _("Left as they were, joined after %(year)d: %(names)s.")
                % {"year": left_year, "names": names},
                messages.WARNING,
            )

    def bulk_message(self, request, done, changed, **values):
        """Tell what a bulk edit did: "Theme “Pace” added: 3 networks changed."."""
        count = ngettext(
            "%(count)d network changed.", "%(count)d networks changed.", len(changed)
        ) % {"count": len(changed)}
        self.message_user(
            request,
            f"{done % values}: {count}",
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.display(description=_("web addresses"))
    def links(self, network):
        """What the last check found wrong with the network's addresses, or that all work."""
        found = linkcheck.checks_of(network, getattr(network, "link_checks", {}))
        problems = [check for check in found if check.outcome != LinkCheck.Outcome.OK]
        if problems:
            return format_html_join(
                mark_safe("<br>"), "{}", ((check.problem(),) for check in problems)
            )
        return _("working") if found else "—"

    @admin.action(
        description=_("Use the new addresses of links moved for good"), permissions=["change"]
    )
    def use_new_addresses(self, request, queryset):
        moved = dict(
            LinkCheck.objects.filter(outcome=LinkCheck.Outcome.MOVED).values_list("url", "new_url")
        )
        changed = 0
        networks = self.changeable(request, queryset.prefetch_related("memberships"))
        for network in networks:
            profiles = [m for m in network.memberships.all() if m.profile_url in moved]
            fields = (["website"] if network.website in moved else []) + (
                ["profile_url"] if profiles else []
            )
            if not fields:
                continue
            # One version of the network, its memberships with it, as for an edit.
            with history.versioned_save(network, created=False):
                if network.website in moved:
                    network.website = moved[network.website]
                    network.save()
                for membership in profiles:
                    membership.profile_url = moved[membership.profile_url]
                    membership.save()
            self.log_change(request, network, [{"changed": {"fields": fields}}])
            changed += ("website" in fields) + len(profiles)
        self.message_user(
            request,
            ngettext(
                "%(count)d address replaced by its new one.",
                "%(count)d addresses replaced by their new ones.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.display(description=_("status"), ordering="status")
    def publication(self, network):
        """The status, and the dates to come when the network is to come on or leave the site."""
        if network.is_scheduled:
            return _("Published from %(date)s") % {"date": short_datetime(network.publish_at)}
        if network.is_published and network.unpublish_at:
            return _("Published until %(date)s") % {"date": short_datetime(network.unpublish_at)}
        return network.get_status_display()

    @admin.display(description=_("missing translations"))
    def missing_translations(self, network):
        return " ".join(code.upper() for code in network.missing_languages()) or "—"

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, network):
        if not network.logo:
            return ""
        return format_html(
            '<img src="{}" alt="" width="48" height="48" class="network-logo-thumbnail">',
            network.logo.url,
        )

    @admin.display(description=_("themes"))
    def theme_list(self, network):
        return format_html_join(", ", "{}", ((theme.name,) for theme in network.themes.all()))

    @admin.display(description=_("year joined"), ordering="joined_year")
    def joined_year(self, network):
        return network.joined_year


@admin.register(Theme)
class ThemeAdmin(ItalianAdminMixin, HistoryAdmin, TabbedTranslationAdmin):
    list_display = ["name", "slug", "position", "network_count"]
    list_editable = ["position"]
    search_fields = ["slug", *in_every_language("name", "description")]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(network_count=models.Count("networks"))

    @admin.display(description=_("networks"), ordering="network_count")
    def network_count(self, theme):
        return theme.network_count


class ChangedWithTheirNetwork:
    """
    Memberships and documents of a published network change through its form for those who
    may not publish, where the change waits for approval (networks.review): here they only see
    them, and cannot add one to a published network.
    """

    def held(self, request, network):
        return network is not None and review.holds_changes(request.user, network)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and self.held(request, obj.network))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and self.held(request, obj.network))

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class HeldForm(form_class):
            def clean_network(self):
                network = self.cleaned_data["network"]
                if model_admin.held(request, network):
                    raise ValidationError(
                        _(
                            "This network is published: add to it from its own form, where "
                            "the change waits for approval."
                        )
                    )
                return network

        return HeldForm


@admin.register(Membership)
class MembershipAdmin(
    ChangedWithTheirNetwork, ItalianAdminMixin, HistoryAdmin, TabbedTranslationAdmin
):
    """All memberships at a glance, with the office's internal columns."""

    list_display = [
        "network",
        "joined_year",
        "left_year",
        "sector",
        "department",
        "contact_person",
        "annual_fee",
    ]
    list_filter = [
        ("left_year", admin.EmptyFieldListFilter),
        ("council_resolution", admin.EmptyFieldListFilter),
        "network__scope",
    ]
    list_select_related = ["network"]
    search_fields = [
        "department",
        "contact_person",
        "council_resolution",
        *in_every_language("network__name", "sector"),
    ]
    autocomplete_fields = ["network"]
    fieldsets = [
        (None, {"fields": ["network", *PUBLIC_MEMBERSHIP_FIELDS]}),
        INTERNAL_MEMBERSHIP_FIELDSET,
    ]


@admin.register(Document)
class DocumentAdmin(
    ChangedWithTheirNetwork, ItalianAdminMixin, HistoryAdmin, TabbedTranslationAdmin
):
    formfield_overrides = KEEP_CHOSEN_FILES
    list_display = ["title", "network", "language", "date", "is_public"]
    list_filter = ["is_public", "language"]
    list_select_related = ["network"]
    search_fields = in_every_language("title", "network__name")
    autocomplete_fields = ["network"]
    date_hierarchy = "date"


@admin.register(NetworksPage)
class NetworksPageAdmin(ItalianAdminMixin, HistoryAdmin, TabbedTranslationAdmin):
    """The one page of texts: its list leads straight to its form."""

    fieldsets = [
        (None, {"fields": ["title", "introduction"]}),
        (
            _("Office contacts"),
            {
                "fields": [
                    "contact_office",
                    "contact_email",
                    "contact_phone",
                    "contact_address",
                    "contact_hours",
                ],
                "description": _(
                    "Shown at the foot of the list, of every network and of every theme."
                ),
            },
        ),
    ]

    # As wide as the texts: an office's name, an e-mail or an address is longer than the 20em
    # of the admin's one-line fields.
    WIDE = ["contact_office", "contact_email", "contact_address"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.startswith(tuple(self.WIDE)):
            # In place of the width's class only: modeltranslation's classes make the tabs.
            classes = field.widget.attrs.get("class", "").split()
            classes = ["vLargeTextField", *(name for name in classes if name.startswith("mt"))]
            field.widget.attrs["class"] = " ".join(classes)
        return field

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        page = NetworksPage.load()
        return HttpResponseRedirect(reverse("admin:networks_networkspage_change", args=[page.pk]))
