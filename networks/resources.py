"""
The networks as a spreadsheet a person reads, for the admin's import and export
(django-import-export).

One row per network, matched on import by its slug. The columns are headed with the labels of the
admin's forms, in the admin's language ("Nome (IT)", "Anno di adesione"); an import knows them in
every language of the site and by their technical names too (`name_it`, as files exported before
had them). A translated text has a column per language of settings.LANGUAGES. Status and scope are
written as their labels ("Pubblicata"), the themes as their names, comma-separated; an import reads
labels and names in any language of the site, and codes and slugs, alike. The membership columns
hold Modena's current membership of the network, or else its latest one; older memberships are
neither exported nor touched by an import.

A file is read within limits, so that a large one is refused with a message instead of running
into the web server's timeout: at most MAX_BYTES (the admin's form checks the upload's size before
reading it) and MAX_ROWS networks (counted while the file is read, which stops at the first row
too many).

An import changes what the file says and nothing else: an empty cell where the database has an
empty value (NULL or ""), or a text that differs only in its line breaks (CR LF or LF), counts as
unchanged, so re-importing an export saves nothing and adds no history. The preview (a dry run)
writes nothing at all; the confirmation checks every row again, then writes them all at once
(`write`): the networks, their themes and memberships in bulk, one version of each changed network
and membership in the history, their search documents, and one move of the content version.

A text a spreadsheet would run as a formula (=HYPERLINK(…)) stays a text: in CSV it gets an
apostrophe before it, which the import takes off (networks.formulas); in XLSX it is a text cell
marked as typed after an apostrophe, so that editing it does not make it a formula either.
"""

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property, partial

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, router
from django.db.models import Prefetch
from django.forms import Field as FormField
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import CachedInstanceLoader
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from tablib import Dataset

from . import cache as page_cache
from .formulas import FORMULA_STARTS, escape_formula, unescape_formula
from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_RANGE_MESSAGE,
    Membership,
    Network,
    Theme,
)
from .review import may_publish
from .search import index_networks
from .signals import muted

# What an import reads at most: a file of 5,000 networks takes seconds, and is some 2 MB in CSV.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX file is a zip archive: what it holds once unpacked is bounded too.
MAX_UNPACKED_BYTES = 20 * MAX_BYTES
MAX_COLUMNS = 100
# Rows written per statement by `write`.
BATCH = 500

# The attribute each network gets, during an export or an import, for the membership in its row.
MEMBERSHIP = "latest_membership"
MEMBERSHIP_PREFIX = "membership_"
# The column the readers add to each row: its number in the spreadsheet, as the office sees it.
LINE = "__line"


def is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


def normal(text):
    """Return `text` as headers and labels are compared: in lower case, with single spaces."""
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


def in_every_language(function):
    """Return what `function` returns in each language of the site."""
    results = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            results.append(function())
    return results


class FileProblem(ValueError):
    """What makes a whole file unfit for import, said to the person who uploaded it."""


# Cells


class TextWidget(widgets.Widget):
    """Text as the admin's forms take it: without surrounding spaces, empty when blank."""

    def clean(self, value, row=None, **kwargs):
        # A spreadsheet may turn "2030" into a number: any cell is read back as text.
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def display(self, value):
        """Return `value` as the preview shows it: "" for an empty one."""
        return "" if value is None else str(value)


class YearWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # spreadsheets keep numbers as floats
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(_("Write the year with its four digits, e.g. 2015."))
        year = int(text)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(YEAR_RANGE_MESSAGE)
        return year

    def render(self, value, obj=None, **kwargs):
        return value  # a number in XLSX, digits in CSV


class DateWidget(TextWidget):
    """A date: ISO in the file (2024-03-31), day/month/year accepted as an Italian writes it."""

    INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, datetime):  # how openpyxl reads a date cell
            return value.date()
        if isinstance(value, date):
            return value
        for input_format in self.INPUT_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), input_format).date()
            except ValueError:
                continue
        raise ValueError(_("Write the date as year-month-day, e.g. 2024-03-31."))

    def render(self, value, obj=None, **kwargs):
        return value  # a date cell in XLSX, 2024-03-31 in CSV

    def display(self, value):
        return "" if value is None else date_format(value)


class AmountWidget(TextWidget):
    """An amount in euro: 1250.50 in the file; 1.250,50 and 1250,50 accepted too."""

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return None
        if isinstance(value, float):
            value = repr(value)  # 1250.5, not the float's binary expansion
        text = str(value).strip().replace("€", "").replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(_("Write the amount as a number, e.g. 1250.50."))
        return amount

    def render(self, value, obj=None, **kwargs):
        return value

    def display(self, value):
        return "" if value is None else number_format(value, 2, force_grouping=True)


class ChoiceWidget(TextWidget):
    """A choice written as its label ("Pubblicata"); read back from its label or its code."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    @cached_property
    def codes(self):
        """Return the code of each choice by its code and by its label in every language."""
        codes = {}
        for code, label in self.choices.choices:
            codes[normal(code)] = code
            codes.update((normal(text), code) for text in in_every_language(partial(str, label)))
        return codes

    def clean(self, value, row=None, **kwargs):
        if is_empty(value):
            return ""
        try:
            return self.codes[normal(value)]
        except KeyError:
            labels = [f"«{label}»" for label in self.choices.labels]
            raise ValueError(
                _("“%(value)s” is not one of the choices: write %(choices)s.")
                % {"value": str(value).strip(), "choices": get_text_list(labels, gettext("or"))}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.display(value)

    def display(self, value):
        labels = dict(self.choices.choices)
        return str(labels.get(value, value or ""))


class ThemesWidget(widgets.ManyToManyWidget):
    """
    The themes of a network as their names, comma-separated ("Clima ed energia, Giovani").

    An import reads a theme's name in any language of the site or its slug, as written before; a
    name with a comma in it is read whole. An unknown theme is an error: themes are added in the
    admin, not by a file.
    """

    SEPARATORS = re.compile(r"([,;\n])")

    def __init__(self):
        super().__init__(Theme, separator=", ", field="slug")

    @cached_property
    def themes(self):
        """Return the themes by each way a file may name them: {normal(name): {pk: theme}}."""
        found = defaultdict(dict)
        for theme in Theme.objects.all():
            names = [theme.slug]
            names += [
                getattr(theme, build_localized_fieldname("name", code))
                for code, _name in settings.LANGUAGES
            ]
            for name in names:
                if not is_empty(name):
                    found[normal(name)][theme.pk] = theme
        return found

    def clean(self, value, row=None, **kwargs):
        # Texts at the even places, separators at the odd ones: the longest run of texts that
        # names a theme is that theme, so a name with a comma in it is found whole.
        pieces = self.SEPARATORS.split("" if value is None else str(value))
        count = (len(pieces) + 1) // 2
        themes, unknown, ambiguous = [], [], []
        start = 0
        while start < count:
            if is_empty(pieces[2 * start]):
                start += 1
                continue
            for end in range(count, start, -1):
                text = "".join(pieces[2 * start : 2 * end - 1]).strip()
                matches = self.themes.get(normal(text))
                if matches:
                    break
            else:
                unknown.append(pieces[2 * start].strip())
                start += 1
                continue
            if len(matches) > 1:
                ambiguous.append(text)
            else:
                themes.extend(matches.values())
            start = end
        if unknown:
            raise ValueError(
                ngettext(
                    "Unknown theme: %(themes)s. Write the name of a theme listed in the admin, "
                    "or add the theme there first.",
                    "Unknown themes: %(themes)s. Write the names of themes listed in the admin, "
                    "or add the themes there first.",
                    len(unknown),
                )
                % {"themes": ", ".join(unknown)}
            )
        if ambiguous:
            raise ValueError(
                _("More than one theme is called %(themes)s: write its slug instead.")
                % {"themes": ", ".join(f"«{text}»" for text in ambiguous)}
            )
        return list(dict.fromkeys(themes))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.display(value.all())

    def display(self, themes):
        return ", ".join(theme.name for theme in themes or [])


def same_text(a, b):
    """Tell whether two texts are the same but for surrounding spaces and the style of breaks."""

    def normal_breaks(text):
        return (text or "").replace("\r\n", "\n").strip()

    return normal_breaks(a) == normal_breaks(b)


# Columns


class Column(fields.Field):
    """
    A column of the file, bound to an attribute of the network or, through `latest_membership`,
    of its membership; `column_name` is its technical name (`name_it`), `header()` its heading.

    A text is written only if it differs from the stored one other than in the ways `same_text`
    ignores; an empty text is stored as NULL where the column allows it, as the admin's forms do.
    """

    def __init__(self, attribute, label, widget=None, language=None):
        super().__init__(attribute=attribute, column_name=attribute, widget=widget or TextWidget())
        self.label = label
        self.language = language

    def header(self):
        """Return the column's heading in the active language: "Nome (IT)"."""
        label = capfirst(str(self.label))
        return f"{label} ({self.language.upper()})" if self.language else label

    def headers(self):
        """Return every heading an import knows the column by, as normal() gives them."""
        return {normal(self.column_name), *map(normal, in_every_language(self.header))}

    def display(self, value):
        return self.widget.display(value)

    @cached_property
    def is_membership(self):
        return self.attribute.startswith(f"{MEMBERSHIP}__")

    @cached_property
    def is_m2m(self):
        return isinstance(self.widget, widgets.ManyToManyWidget)

    def save(self, instance, row, is_m2m=False, **kwargs):
        *path, name = self.attribute.split("__")
        for step in path:
            instance = getattr(instance, step, None)
        if instance is None:
            return  # a row without a membership
        value = self.clean(row, **kwargs)
        if type(self.widget) is TextWidget:
            if same_text(value, getattr(instance, name)):
                return
            if value == "" and instance._meta.get_field(name).null:
                value = None
        setattr(instance, name, value)


def column(model, name, widget=None):
    return Column(name, model._meta.get_field(name).verbose_name, widget)


def translated(model, name):
    label = model._meta.get_field(name).verbose_name
    return [
        Column(build_localized_fieldname(name, code), label, language=code)
        for code, _name in settings.LANGUAGES
    ]


def of_membership(column):
    column.column_name = f"{MEMBERSHIP_PREFIX}{column.attribute}"
    column.attribute = f"{MEMBERSHIP}__{column.attribute}"
    return column


def network_columns():
    """Return the columns of the file, in their order."""
    of_network = partial(column, Network)
    network = [
        of_network("slug"),
        of_network("status", ChoiceWidget(Network.Status)),
        *translated(Network, "name"),
        of_network("acronym"),
        *translated(Network, "summary"),
        *translated(Network, "description"),
        of_network("website"),
        of_network("scope", ChoiceWidget(Network.Scope)),
        *translated(Network, "promoter"),
        of_network("founded_year", YearWidget()),
        *translated(Network, "key_facts"),
        of_network("key_facts_date", DateWidget()),
        of_network("themes", ThemesWidget()),
    ]
    of_membership_model = partial(column, Membership)
    membership = [
        of_membership_model("joined_year", YearWidget()),
        of_membership_model("left_year", YearWidget()),
        *translated(Membership, "sector"),
        *translated(Membership, "public_notes"),
        of_membership_model("profile_url"),
        # For the office only: the file is an office tool, never published.
        of_membership_model("department"),
        of_membership_model("contact_person"),
        of_membership_model("annual_fee", AmountWidget()),
        of_membership_model("council_resolution"),
    ]
    return network + [of_membership(column) for column in membership]


@dataclass
class Change:
    """A column whose value a row changes: `before` is None for a new network."""

    column: Column
    before: object
    after: object


# Checks


def unset_fields(model, columns):
    """Return the fields of `model` that no column sets: untranslated originals, logo, dates."""
    set_by_columns = {column.attribute.split("__")[-1] for column in columns}
    return {field.name for field in model._meta.concrete_fields} - set_by_columns


def optional_translations(model):
    """Return the translated fields of `model` in the languages other than the default one."""
    return [
        build_localized_fieldname(original, code)
        for original in translator.get_options_for_model(model).fields
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    ]


def unchecked_fields(instance, unset, errors):
    """
    Return the fields of `instance` that full_clean() must leave alone, as the admin's form does:
    those no column sets (`unset`), those that already have an error, and the empty texts of the
    other languages, which are optional.
    """
    unchecked = unset | set(errors)
    for name in optional_translations(type(instance)):
        if is_empty(getattr(instance, name)):
            unchecked.add(name)
    return unchecked


def required_translations(instance):
    """Return the errors of the required texts missing in the default language (Italian)."""
    errors = {}
    for original in translator.get_options_for_model(type(instance)).fields:
        name = build_localized_fieldname(original, settings.LANGUAGE_CODE)
        if not instance._meta.get_field(original).blank and is_empty(getattr(instance, name)):
            errors[name] = [FormField.default_error_messages["required"]]
    return errors


def full_clean(instance, exclude):
    # Without the uniqueness checks and the database constraints, each a query per row: a slug
    # is matched to its network and twice in a file is an error (before_import_row); the
    # constraints repeat the fields' validators and clean(), and the database still enforces
    # them when the rows are written.
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        # An empty cell of a number is "required", as a form says, not "cannot be null".
        required = FormField.default_error_messages["required"]
        raise ValidationError(
            {
                name: [
                    ValidationError(required, code="required") if item.code == "null" else item
                    for item in items
                ]
                for name, items in error.error_dict.items()
            }
        ) from None


class NetworkResource(resources.ModelResource):
    """The networks, one row each, with their themes and current or latest membership."""

    class Meta:
        model = Network
        fields = ()  # the columns are made per language in __init__
        import_id_fields = ["slug"]
        # The networks of the file in one query (get_queryset), not one per row.
        instance_loader_class = CachedInstanceLoader
        use_transactions = True
        # No savepoint per row: the rows are written together once all are checked (`write`).
        use_bulk = True
        skip_unchanged = True
        report_skipped = True
        # The columns tell what changes (`changes`), for the preview too: no copy of each network.
        skip_diff = True
        store_instance = True
        # The export reads the networks in pages, each with one query per prefetched relation.
        chunk_size = 1000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = {column.column_name: column for column in network_columns()}
        self.import_fields = list(self.fields.values())
        of_membership = [c for c in self.import_fields if c.is_membership]
        of_network = [c for c in self.import_fields if not c.is_membership]
        self.unset = {
            Network: unset_fields(Network, of_network),
            Membership: unset_fields(Membership, of_membership),
        }
        self.file_columns = self.import_fields
        self.lines_by_slug = {}
        self.ignored_headers = []
        self.rows_to_write = []

    def get_import_fields(self):
        return self.import_fields

    def get_queryset(self):
        return with_rows_data(Network.objects.all())

    # Export

    def filter_export(self, queryset, **kwargs):
        return with_rows_data(queryset.prefetch_related(None))

    def get_export_headers(self, selected_fields=None):
        return [column.header() for column in self.get_export_fields(selected_fields)]

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Memberships come current first, then latest first (Membership.Meta.ordering).
        setattr(instance, MEMBERSHIP, next(iter(instance.file_memberships), None))
        return super().export_resource(instance, selected_fields, **kwargs)

    def dehydrate_themes(self, network):
        return self.fields["themes"].widget.display(network.file_themes)

    # Import: row by row, each step as django-import-export calls it.

    def before_import(self, dataset, **kwargs):
        self.lines_by_slug = {}
        self.rows_to_write = []
        dataset.headers = self.technical_headers(dataset.headers or [])
        self.file_columns = [c for c in self.import_fields if c.column_name in dataset.headers]
        if "slug" not in dataset.headers:
            raise FileProblem(
                _("The file has no “%(column)s” column: export the networks to see the columns.")
                % {"column": self.fields["slug"].header()}
            )

    def technical_headers(self, headers):
        """Return `headers` as the columns' technical names; keep those of no column aside."""
        names = {alias: column for column in self.fields.values() for alias in column.headers()}
        technical, self.ignored_headers = [], []
        for header in headers:
            column = None if header is None else names.get(normal(header))
            if column is None:
                technical.append(header)
                if header != LINE and not is_empty(header):
                    self.ignored_headers.append(str(header))
            elif column.column_name in technical:
                raise FileProblem(
                    _("The file has the column “%(column)s” twice: keep one.")
                    % {"column": column.header()}
                )
            else:
                technical.append(column.column_name)
        return technical

    def before_import_row(self, row, row_number=None, **kwargs):
        slug = self.fields["slug"].clean(row)
        if slug and slug in self.lines_by_slug:
            raise ValidationError(
                {
                    "slug": _("Row %(row)d has this slug too: give each network one row.")
                    % {"row": self.lines_by_slug[slug]}
                }
            )
        self.lines_by_slug[slug] = line_of(row, row_number)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.import_was_published = not new and instance.is_published
        setattr(instance, MEMBERSHIP, None if new else next(iter(instance.file_memberships), None))
        instance.import_line = line_of(row, kwargs.get("row_number"))
        instance.import_themes = None
        instance.import_before = {
            column.column_name: (
                ([] if new else instance.file_themes)
                if column.is_m2m
                else column.get_value(instance)
            )
            for column in self.columns_in(row)
        }

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        membership_columns = [c for c in self.columns_in(row) if c.is_membership]
        membership_cells = [row[column.column_name] for column in membership_columns]
        if any(not is_empty(cell) for cell in membership_cells):
            if getattr(instance, MEMBERSHIP) is None:
                setattr(instance, MEMBERSHIP, Membership(network=instance))
        elif membership_columns and getattr(instance, MEMBERSHIP) is not None:
            errors[f"{MEMBERSHIP_PREFIX}joined_year"] = _(
                "The network has an active membership: fill in the membership's columns. "
                "A membership is deleted in the network's page of the admin, not with a file."
            )
        for column in self.columns_in(row):
            try:
                if column.is_m2m:
                    instance.import_themes = column.clean(row)  # set when the rows are written
                else:
                    self.import_field(column, instance, row, **kwargs)
            except ValueError as error:
                errors[column.column_name] = str(error)
        user = instance.import_user = kwargs.get("user")
        state_before = instance.import_before.get("status", instance.status)
        if user is not None and instance.status != state_before and not may_publish(user):
            errors["status"] = _(
                "Only those who may publish change a network's state: leave “%(state)s”, and "
                "send the network for review from the admin."
            ) % {"state": Network.Status(state_before).label}
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        instance.import_changes = self.changes(instance, row)
        if import_validation_errors or instance.pk is None:
            return False
        return not instance.import_changes

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        user = getattr(instance, "import_user", None)
        held = settings.REVIEW_REQUIRED and user is not None and not may_publish(user)
        if held and instance.pk and instance.import_was_published and instance.import_changes:
            errors.setdefault(
                "slug",
                _(
                    "This network is published: its changes go through review, from its form "
                    "in the admin. Only those who may publish change it with a file."
                ),
            )
        try:
            full_clean(instance, exclude=unchecked_fields(instance, self.unset[Network], errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in required_translations(instance).items():
            errors.setdefault(name, messages)

        membership = getattr(instance, MEMBERSHIP)
        if membership is not None:
            already = {
                name.removeprefix(MEMBERSHIP_PREFIX)
                for name in errors
                if name.startswith(MEMBERSHIP_PREFIX)
            }
            # No column sets `network`: the row's membership is the network's active one if there
            # is any, and a new one only for a network without any, so it can be the only active.
            try:
                unchecked = unchecked_fields(membership, self.unset[Membership], already)
                full_clean(membership, exclude=unchecked)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = name if name == NON_FIELD_ERRORS else f"{MEMBERSHIP_PREFIX}{name}"
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._is_dry_run(kwargs):
            self.rows_to_write.append(instance)

    def save_m2m(self, instance, row, **kwargs):
        pass  # the themes are written with the rest (`write`)

    def after_import(self, dataset, result, **kwargs):
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        write(self.rows_to_write, kwargs.get("user"))

    # Helpers

    def columns_in(self, row):
        """Return the columns of the file: every row has them all, as the first row says."""
        return self.file_columns

    def changes(self, instance, row):
        """
        Return the changes the row makes: for a network already there, each column whose value
        differs from the stored one; for a new network, each column the row fills in.
        """
        changes = []
        for column in self.columns_in(row):
            before = instance.import_before[column.column_name]
            if column.is_m2m:
                after = instance.import_themes
                if after is None:
                    continue  # an error, shown as such
                changed = {theme.pk for theme in after} != {theme.pk for theme in before}
            else:
                after = column.get_value(instance)
                changed = after != before
            if instance.pk is None:
                changed, before = not is_empty(after) and after != [], None
            if changed:
                changes.append(Change(column, before, after))
        return changes


def with_rows_data(networks):
    """
    Return the queryset `networks` with what their rows hold besides their own fields: their
    themes and their memberships, current first, then latest first (Membership.Meta.ordering).

    Into lists (file_themes, file_memberships): prefetching into the related managers makes a
    queryset for each network, which takes seconds for thousands of them.
    """
    return networks.prefetch_related(
        Prefetch("themes", to_attr="file_themes"),
        Prefetch("memberships", to_attr="file_memberships"),
    )


def line_of(row, row_number):
    """Return the number of the row in the spreadsheet: the readers note it, after the header."""
    return row.get(LINE) or (row_number or 0) + 1


# Writing a confirmed import


def write(networks, user):
    """
    Save the networks of a confirmed import, which its rows changed or added, all at once.

    What each save in the admin does is done here once for all: the timestamps, the themes and
    the membership of each network; one version of each network and of each membership it wrote,
    by `user`, the network's with its themes as saved; the search documents; the content
    version. The rows are written in bulk, so no save signal is sent: none is needed.
    """
    now = timezone.now()
    new = [network for network in networks if network.pk is None]
    changed = [network for network in networks if network.pk is not None]
    for network in networks:
        network.updated_at = now
        if network.is_published and network.first_published_at is None:
            network.first_published_at = now  # as Network.save() does
    with muted():
        Network.objects.bulk_create(new, batch_size=BATCH)
        bulk_update(
            Network,
            [(network, network_fields(network)) for network in changed],
            always=["updated_at", "first_published_at"],
        )
        new_memberships, changed_memberships = write_memberships(networks)
        write_themes(networks)
        write_versions(Network, new, changed, user, now)
        write_versions(Membership, new_memberships, changed_memberships, user, now)
        index_networks(networks)
    page_cache.content_changed()


def network_fields(network):
    return {
        change.column.attribute
        for change in network.import_changes
        if not change.column.is_membership and not change.column.is_m2m
    }


def membership_fields(network):
    return {
        change.column.attribute.removeprefix(f"{MEMBERSHIP}__")
        for change in network.import_changes
        if change.column.is_membership
    }


def is_translation(field):
    return hasattr(field, "translated_field")


def bulk_update(model, changes, always=()):
    """
    Update the objects of `changes`, pairs of an object and the names of its changed fields:
    those with the same fields in one statement run for each of them.

    Not QuerySet.bulk_update(), whose CASE expressions, one branch per object in each field,
    take seconds for a few thousand networks; an UPDATE per row, sent in one go, takes a tenth.
    """
    groups = defaultdict(list)
    for obj, names in changes:
        names = {*names, *always}
        # A translated text also has modeltranslation's original column, which save() fills with
        # the text in the active language: so does this.
        originals = {model._meta.get_field(name) for name in names}
        names |= {field.translated_field.name for field in originals if is_translation(field)}
        groups[frozenset(names)].append(obj)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    for names, objects in groups.items():
        fields = [model._meta.get_field(name) for name in sorted(names)]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        rows = [
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
            + [obj.pk]
            for obj in objects
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def write_memberships(networks):
    """Write the membership of each row; return the new memberships and the changed ones."""
    new, changed = [], []
    for network in networks:
        membership = getattr(network, MEMBERSHIP)
        if membership is None:
            continue
        if membership.pk is None:
            membership.network = network
            new.append(membership)
        elif membership_fields(network):
            changed.append((membership, membership_fields(network)))
    Membership.objects.bulk_create(new, batch_size=BATCH)
    bulk_update(Membership, changed)
    return new, [membership for membership, _fields in changed]


def write_themes(networks):
    """Give each network whose themes its row changes (or which is new) the row's themes."""
    through = Network.themes.through
    rethemed = [
        network
        for network in networks
        if any(change.column.is_m2m for change in network.import_changes)
    ]
    through.objects.filter(network__in=[network.pk for network in rethemed]).delete()
    through.objects.bulk_create(
        [
            through(network_id=network.pk, theme_id=theme.pk)
            for network in rethemed
            for theme in network.import_themes
        ],
        batch_size=BATCH,
    )


def write_versions(model, new, changed, user, when):
    """
    Write one version of each new and each changed row of `model`, as the admin writes one per
    save (networks.history): a network's with its themes as saved.
    """
    records = []
    for rows, update in [(new, False), (changed, True)]:
        if rows:
            written = model.history.bulk_history_create(
                rows, update=update, default_user=user, default_date=when, batch_size=BATCH
            )
            records += written or []  # none while the history is switched off
    m2m_fields = getattr(model.history.model, "_history_m2m_fields", [])
    for field in m2m_fields:
        write_m2m_versions(model, field, records)


def write_m2m_versions(model, field, records):
    # As simple-history's create_historical_record_m2ms() does for one record: a copy of each
    # row of the through table, tied to the record.
    history_model = model._history_records.m2m_models[field]
    through = getattr(model, field.name).through
    source = f"{field.m2m_field_name()}_id"
    target = f"{field.m2m_reverse_field_name()}_id"
    rows = defaultdict(list)
    links = through.objects.filter(**{f"{source}__in": [record.id for record in records]})
    for link_id, object_id, target_id in links.values_list("id", source, target):
        rows[object_id].append((link_id, target_id))
    history_model.objects.bulk_create(
        [
            history_model(history=record, id=link_id, **{source: record.id, target: target_id})
            for record in records
            for link_id, target_id in rows[record.id]
        ],
        batch_size=BATCH,
    )


# Files


def table(rows, transform=None):
    """
    Return a dataset of `rows`, the first being the headers, each with its line in the file
    (LINE); leave empty rows out, and stop at the first row beyond MAX_ROWS.
    """
    rows = iter(rows)
    headers = list(next(rows, None) or [])
    while headers and is_empty(headers[-1]):
        headers.pop()
    if not headers:
        raise FileProblem(_("The file is empty: its first row must hold the columns' headings."))
    dataset = Dataset(headers=[*headers, LINE])
    width = len(headers)
    for line, cells in enumerate(rows, start=2):
        cells = list(cells)[:width]
        if all(is_empty(cell) for cell in cells):
            continue
        if len(dataset) == MAX_ROWS:
            raise FileProblem(
                _(
                    "The file has more than %(rows)s networks: import at most %(rows)s at a time, "
                    "splitting the file in parts."
                )
                % {"rows": number_format(MAX_ROWS, force_grouping=True)}
            )
        cells += [""] * (width - len(cells))
        dataset.append([*(map(transform, cells) if transform else cells), line])
    return dataset


class CSV(base_formats.CSV):
    """
    CSV in UTF-8 with a byte order mark, so that spreadsheet programs show the accents right.

    Read as bytes: reading as text would turn the CR LF line breaks that browsers send inside
    texts into LF. A file saved by an Italian Excel (Windows-1252, semicolons) is read too.
    A text that a spreadsheet would run is written after an apostrophe, taken off on import.
    """

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1252")
        header = in_stream.partition("\n")[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        rows = csv.reader(io.StringIO(in_stream, newline=""), delimiter=delimiter)
        return table(rows, unescape_formula)

    def export_data(self, dataset, **kwargs):
        escaped = Dataset(
            *([escape_formula(cell) for cell in row] for row in dataset), headers=dataset.headers
        )
        return "\ufeff" + super().export_data(escaped, **kwargs)


class XLSX(base_formats.XLSX):
    """
    XLSX whose texts stay texts: one that begins with "=" is not made a formula Excel runs, and
    one that a spreadsheet would run is marked as typed after an apostrophe (quotePrefix), so
    that editing the cell keeps it a text; the text itself is unchanged.
    """

    def create_dataset(self, in_stream, **kwargs):
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile as error:
            raise FileProblem(_("This is not an XLSX file: choose the file's format.")) from error
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileProblem(_("The XLSX file holds too much: save it again, or as CSV."))
        workbook = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = workbook.active
            return table(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
        finally:
            workbook.close()

    def export_data(self, dataset, **kwargs):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = str(Network._meta.verbose_name_plural)
        try:
            sheet.append(dataset.headers)
            for row in dataset:
                sheet.append(row)
        except IllegalCharacterError as error:
            raise ValueError(
                _("A text holds a control character that XLSX cannot store: export to CSV.")
            ) from error
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        bold = Font(bold=True)
        for index, header in enumerate(dataset.headers, start=1):
            sheet.cell(row=1, column=index).font = bold
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
        sheet.freeze_panes = "B2"  # the headings and the slugs stay in sight
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


FORMATS = [CSV, XLSX]
