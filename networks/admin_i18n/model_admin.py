"""
ItalianAdminMixin, the first base of every ModelAdmin: what an admin says, in Italian that agrees
with its model's name (messages, the list's title, the bulk delete, the inlines' and related
fields' links, the deletion summary, the change log and the history).
"""

import json

from django.contrib.admin import helpers, widgets
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.db.models import prefetch_related_objects
from django.db.models.fields.files import FieldFile
from django.forms.renderers import TemplatesSetting
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from .grammar import model_name, phrase, through_fields
from .messages import said_with_gender


def office_labels(forms):
    """Return the labels of the fields of `forms`: in English, each to the active language's."""
    labels = {}
    for form in forms:
        for name, field in form.fields.items():
            label = field.label or name
            with translation.override(None):
                english = str(label)
            labels[english] = str(label)
    return labels


class ItalianInlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose "add" link agrees with its model's name: "Aggiungi un'altra adesione"."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        another = phrase(self.formset.model, "another")
        data["options"]["addText"] = gettext("Add %(another)s") % {"another": another}
        return json.dumps(data)


class ItalianRelatedFieldWidgetWrapper(widgets.RelatedFieldWidgetWrapper):
    """The links beside a related field, their titles agreeing with the related model's name."""

    template_name = "admin/widgets/related_widget_wrapper_italian.html"

    @classmethod
    def wrapping(cls, wrapper):
        return cls(
            wrapper.widget,
            wrapper.rel,
            wrapper.admin_site,
            can_add_related=wrapper.can_add_related,
            can_change_related=wrapper.can_change_related,
            can_delete_related=wrapper.can_delete_related,
            can_view_related=wrapper.can_view_related,
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["another_model"] = phrase(self.rel.model, "another")
        context["selected_model"] = phrase(self.rel.model, "the selected", 1)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The forms' renderer looks for templates in the apps only, not in the project's folder.
        return super().render(name, value, attrs, renderer=TemplatesSetting())


def deleted_objects(objs, request, admin_site):
    """
    Return what deleting `objs` deletes, as Django's get_deleted_objects() does, each object named
    in Italian: the rows of a many-to-many field as "Tema «Giovani» della rete «Eurodesk»", not
    "Network_themes object (25)".
    """
    if not objs:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    for model, rows in collector.model_objs.items():
        if model._meta.auto_created:
            keys = [field.name for field in through_fields(model)]
            prefetch_related_objects(list(rows), *keys)
    perms_needed = set()

    def format_callback(obj):
        model = type(obj)
        name = capfirst(model_name(model))
        if model._meta.auto_created:
            to_owner, to_item = through_fields(model)
            return _("%(name)s “%(object)s” %(of_the_owner)s “%(owner)s”") % {
                "name": capfirst(model_name(to_item.related_model)),
                "object": getattr(obj, to_item.name),
                "of_the_owner": phrase(to_owner.related_model, "of the"),
                "owner": getattr(obj, to_owner.name),
            }
        if not admin_site.is_registered(model):
            return f"{name}: {obj}"
        if not admin_site.get_model_admin(model).has_delete_permission(request, obj):
            perms_needed.add(model_name(model))
        opts = obj._meta
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
            )
        except NoReverseMatch:
            return f"{name}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', name, url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {model_name(model, 2): len(rows) for model, rows in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


AND = "and"  # Django's msgid (LogEntry's messages), translated by its catalogue


def history_value(field, value):
    """Return a value of a past version in words: choice labels, "vuoto", lists, dates."""
    if isinstance(value, list):
        if not value:
            return gettext("empty")
        words = [history_value(None, item) for item in value]
        return get_text_list(words, gettext(AND))
    if value is None or value == "":
        return gettext("empty")
    if isinstance(value, DeletedObject):
        return gettext("%(name)s with ID %(pk)s, no longer there") % {
            "name": model_name(value.model),
            "pk": value.pk,
        }
    if field is not None and field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, FieldFile):
        return value.name
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(formats.localize(value))


class DiffDisplay(ObjDiffDisplay):
    def shortened_str(self, prefix, num_skipped_chars, suffix):
        skipped = ngettext(
            "[%(count)d more character]", "[%(count)d more characters]", num_skipped_chars
        ) % {"count": num_skipped_chars}
        return f"{prefix}{skipped}{suffix}"


class HistoryChanges(HistoricalRecordContextHelper):
    """The changes a version made, in words: "Bozza → Pubblicata", not "draft → published"."""

    def context_for_delta_changes(self, delta):
        # An empty text saved as "" then as None reads "vuoto → vuoto": no change to the reader.
        changes = super().context_for_delta_changes(delta)
        return [change for change in changes if change["old"] != change["new"]]

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return history_value(self.model._meta.get_field(change.field), value)

    def get_obj_diff_display(self):
        return DiffDisplay(max_length=self.max_displayed_delta_change_chars)


# Django gives a boolean column's icon the Python value ("True") as its text, in no catalogue.
BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}
BOOLEAN_WORDS = {True: "Yes", False: "No", None: "Unknown"}  # Django's msgids (its filters')


def boolean_icon(value):
    icon = static(f"admin/img/icon-{BOOLEAN_ICONS[value]}.svg")
    return format_html('<img src="{}" alt="{}">', icon, gettext(BOOLEAN_WORDS[value]))


admin_list._boolean_icon = boolean_icon


class ItalianAdminMixin:
    """
    What a ModelAdmin says, in Italian that agrees with its model's name: messages, the list's
    title, the bulk delete, the inlines' and related fields' links, the deletion summary and the
    history. Put it first among the bases, so that it sees what the others say.
    """

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, said_with_gender(message, self.model), *args, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if self.has_change_permission(request):
            title = _("Choose %(the)s to change")
        else:
            title = _("Choose %(the)s to view")
        context = {"title": title % {"the": phrase(self.model, "the")}, **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, _description = actions["delete_selected"]
            selected = phrase(self.model, "the selected", 2)
            # get_action_choices() %-formats the descriptions with the model's names.
            description = gettext("Delete %(selected)s") % {"selected": selected}
            actions["delete_selected"] = func, name, description.replace("%", "%%")
        return actions

    def construct_change_message(self, request, form, formsets, add=False):
        # Django keeps the changed fields' labels in English, to translate them when it shows the
        # entry: "Superuser status" or "Summary [it]" have no translation. Keep the office's words.
        message = super().construct_change_message(request, form, formsets, add)
        forms = [form, *(inline for formset in formsets or [] for inline in formset.forms)]
        labels = office_labels(forms)
        for entry in message:
            for details in entry.values():
                if "fields" in details:
                    details["fields"] = [labels.get(label, label) for label in details["fields"]]
        return message

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = ItalianInlineAdminFormSet
        return inline_admin_formsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(
            formfield.widget, widgets.RelatedFieldWidgetWrapper
        ):
            formfield.widget = ItalianRelatedFieldWidgetWrapper.wrapping(formfield.widget)
        return formfield

    # django-simple-history's pages.

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

    def history_view_title(self, request, obj):
        return gettext("History of “%(object)s”") % {"object": obj}

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return gettext("A version of “%(object)s”") % {"object": obj}
        return gettext("Revert “%(object)s” to this version") % {"object": obj}
