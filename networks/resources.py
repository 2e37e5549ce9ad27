"""
The networks as a spreadsheet, for the admin's import and export (django-import-export).

One row per network, matched on import by its slug. A translated text has a column per language
of settings.LANGUAGES (`name_it`, `name_en`, …); the themes are their slugs, comma-separated; the
`membership_…` columns hold Modena's current membership of the network, or else its latest one.
Older memberships are neither exported nor touched by an import.

An import changes what the file says and nothing else: an empty cell where the database has an
empty value (NULL or ""), or a text that differs only in its line breaks (CR LF or LF), counts as
unchanged, so re-importing an export saves nothing and adds no history.

A text a spreadsheet would run as a formula (=HYPERLINK(…)) stays a text: in CSV it gets an
apostrophe before it, which the import takes off (networks.formulas); in XLSX it is a text cell
marked as typed after an apostrophe, so that editing it does not make it a formula either.
"""

import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Field as FormField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from openpyxl.utils.exceptions import IllegalCharacterError

from .formulas import FORMULA_STARTS, escape_formula, unescape_formula
from .models import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_MESSAGE, Membership, Network, Theme

# The attribute each network gets, during an export or an import, for the membership in its row.
MEMBERSHIP = "latest_membership"
MEMBERSHIP_PREFIX = "membership_"


def is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.Widget):
    """Text as the admin's forms take it: without surrounding spaces, empty when blank."""

    def clean(self, value, row=None, **kwargs):
        # A spreadsheet may turn "2030" into a number: any cell is read back as text.
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YearWidget(widgets.Widget):
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


class DateWidget(widgets.Widget):
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


class AmountWidget(widgets.Widget):
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


class ThemeSlugsWidget(widgets.ManyToManyWidget):
    """The themes of a network as their slugs, comma-separated; an unknown slug is an error."""

    def __init__(self):
        super().__init__(Theme, separator=",", field="slug")

    def clean(self, value, row=None, **kwargs):
        slugs = list(dict.fromkeys(slug.strip() for slug in str(value or "").split(",")))
        slugs = [slug for slug in slugs if slug]
        themes = list(Theme.objects.filter(slug__in=slugs))
        unknown = [slug for slug in slugs if slug not in {theme.slug for theme in themes}]
        if unknown:
            raise ValueError(
                ngettext(
                    "Unknown theme: %(slugs)s. Write the slug of a theme listed in the admin, "
                    "or add the theme there first.",
                    "Unknown themes: %(slugs)s. Write the slugs of themes listed in the admin, "
                    "or add the themes there first.",
                    len(unknown),
                )
                % {"slugs": ", ".join(unknown)}
            )
        return themes

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(theme.slug for theme in value.all())


def same_text(a, b):
    """Tell whether two texts are the same but for surrounding spaces and the style of breaks."""

    def normal(text):
        return (text or "").replace("\r\n", "\n").strip()

    return normal(a) == normal(b)


class Column(fields.Field):
    """
    A column of the file, bound to an attribute of the network or, through `latest_membership`,
    of its membership.

    A text is written only if it differs from the stored one other than in the ways `same_text`
    ignores; an empty text is stored as NULL where the column allows it, as the admin's forms do.
    """

    def __init__(self, attribute, widget=None, column_name=None):
        super().__init__(
            attribute=attribute, column_name=column_name or attribute, widget=widget or TextWidget()
        )

    @property
    def is_membership(self):
        return self.attribute.startswith(f"{MEMBERSHIP}__")

    @property
    def is_m2m(self):
        return isinstance(self.widget, widgets.ManyToManyWidget)

    def save(self, instance, row, is_m2m=False, **kwargs):
        *path, name = self.attribute.split("__")
        for step in path:
            instance = getattr(instance, step, None)
        if instance is None:
            return  # a row without a membership
        value = self.clean(row, **kwargs)
        if is_m2m:
            getattr(instance, name).set(value)
            return
        if isinstance(self.widget, TextWidget):
            if same_text(value, getattr(instance, name)):
                return
            if value == "" and instance._meta.get_field(name).null:
                value = None
        setattr(instance, name, value)


def translated(field):
    return [Column(build_localized_fieldname(field, code)) for code, _name in settings.LANGUAGES]


def of_membership(column):
    column.column_name = f"{MEMBERSHIP_PREFIX}{column.attribute}"
    column.attribute = f"{MEMBERSHIP}__{column.attribute}"
    return column


def network_columns():
    """Return the columns of the file, in their order."""
    network = [
        Column("slug"),
        Column("status"),
        *translated("name"),
        Column("acronym"),
        *translated("summary"),
        *translated("description"),
        Column("website"),
        Column("scope"),
        Column("promoter"),
        Column("founded_year", YearWidget()),
        *translated("key_facts"),
        Column("key_facts_date", DateWidget()),
        Column("themes", ThemeSlugsWidget()),
    ]
    membership = [
        Column("joined_year", YearWidget()),
        Column("left_year", YearWidget()),
        *translated("sector"),
        *translated("public_notes"),
        Column("profile_url"),
        # For the office only: the file is an office tool, never published.
        Column("department"),
        Column("contact_person"),
        Column("annual_fee", AmountWidget()),
        Column("council_resolution"),
    ]
    return network + [of_membership(column) for column in membership]


def unchecked_fields(instance, columns, errors):
    """
    Return the fields of `instance` that full_clean() must leave alone, as the admin's form does.

    These are the fields no column sets (modeltranslation's untranslated originals, the logo,
    the timestamps), the fields that already have an error, and the empty texts of the other
    languages, which are optional.
    """
    opts = instance._meta
    set_by_columns = {column.attribute.split("__")[-1] for column in columns}
    unchecked = {field.name for field in opts.concrete_fields} - set_by_columns
    unchecked |= set(errors)
    for original in translator.get_options_for_model(type(instance)).fields:
        for code, _name in settings.LANGUAGES:
            name = build_localized_fieldname(original, code)
            if code != settings.LANGUAGE_CODE and is_empty(getattr(instance, name)):
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


class NetworkResource(resources.ModelResource):
    """The networks, one row each, with their themes and current or latest membership."""

    class Meta:
        model = Network
        fields = ()  # the columns are made per language in __init__
        import_id_fields = ["slug"]
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = {column.column_name: column for column in network_columns()}
        self.rows_by_slug = {}

    # Export

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("themes", "memberships")

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Memberships come current first, then latest first (Membership.Meta.ordering).
        setattr(instance, MEMBERSHIP, next(iter(instance.memberships.all()), None))
        return super().export_resource(instance, selected_fields, **kwargs)

    # Import: row by row, each step as django-import-export calls it.

    def before_import(self, dataset, **kwargs):
        self.rows_by_slug = {}
        if "slug" not in (dataset.headers or []):
            raise ValueError(
                _("The file has no “slug” column: export the networks to see the columns.")
            )

    def before_import_row(self, row, row_number=None, **kwargs):
        slug = self.fields["slug"].clean(row)
        if slug and slug in self.rows_by_slug:
            raise ValidationError(
                {
                    "slug": _("Row %(row)d has this slug too: give each network one row.")
                    % {"row": self.rows_by_slug[slug]}
                }
            )
        self.rows_by_slug[slug] = row_number

    def after_init_instance(self, instance, new, row, **kwargs):
        setattr(instance, MEMBERSHIP, None if new else instance.memberships.first())

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        membership_columns = [c for c in self.columns_in(row) if c.is_membership]
        membership_cells = [row[column.column_name] for column in membership_columns]
        if any(not is_empty(cell) for cell in membership_cells):
            if getattr(instance, MEMBERSHIP) is None:
                setattr(instance, MEMBERSHIP, Membership(network=instance))
        elif membership_columns and getattr(instance, MEMBERSHIP) is not None:
            errors[f"{MEMBERSHIP_PREFIX}joined_year"] = _(
                "Modena is a member of this network: fill in the membership's columns. "
                "A membership is deleted in the network's page of the admin, not with a file."
            )
        for column in self.columns_in(row):
            try:
                if column.is_m2m:
                    column.clean(row)  # set after the network is saved, checked now
                else:
                    self.import_field(column, instance, row, **kwargs)
            except ValueError as error:
                errors[column.column_name] = str(error)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        instance.imported_changes = self.changed_columns(instance, original, row)
        if import_validation_errors or original.pk is None:
            return False
        return not instance.imported_changes

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        columns = [c for c in self.get_import_fields() if not c.is_membership]
        try:
            instance.full_clean(exclude=unchecked_fields(instance, columns, errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in required_translations(instance).items():
            errors.setdefault(name, messages)

        membership = getattr(instance, MEMBERSHIP)
        if membership is not None:
            columns = [c for c in self.get_import_fields() if c.is_membership]
            already = {
                name.removeprefix(MEMBERSHIP_PREFIX)
                for name in errors
                if name.startswith(MEMBERSHIP_PREFIX)
            }
            # No column sets `network`, so its uniqueness is left to the database: the row's
            # membership is the network's active one if there is any, and can be the only one.
            try:
                membership.full_clean(exclude=unchecked_fields(membership, columns, already))
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = name if name == NON_FIELD_ERRORS else f"{MEMBERSHIP_PREFIX}{name}"
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        if is_create or any(
            not column.is_membership and not column.is_m2m for column in self.changed(instance)
        ):
            super().do_instance_save(instance, is_create)

    def after_save_instance(self, instance, row, **kwargs):
        membership = getattr(instance, MEMBERSHIP)
        if membership is not None and (
            membership.pk is None or any(column.is_membership for column in self.changed(instance))
        ):
            membership.network = instance
            membership.save()

    def save_m2m(self, instance, row, **kwargs):
        if any(column.is_m2m for column in self.changed(instance)):
            super().save_m2m(instance, row, **kwargs)

    # Helpers

    def columns_in(self, row):
        return [column for column in self.get_import_fields() if column.column_name in row]

    def changed(self, instance):
        return [self.fields[name] for name in instance.imported_changes]

    def changed_columns(self, instance, original, row):
        """Return the names of the columns whose value differs from the stored one."""
        changed = []
        for column in self.columns_in(row):
            if column.is_m2m:
                try:
                    new = {theme.pk for theme in column.clean(row)}
                except ValueError:
                    continue
                old = set(instance.themes.values_list("pk", flat=True)) if instance.pk else set()
                if new != old:
                    changed.append(column.column_name)
            elif column.get_value(instance) != column.get_value(original):
                changed.append(column.column_name)
        return changed


def each_cell(dataset, function):
    """Return a copy of the tablib `dataset` with `function` applied to each of its cells."""
    rows = ([function(cell) for cell in row] for row in dataset)
    return tablib.Dataset(*rows, headers=dataset.headers)


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
        dataset = super().create_dataset(in_stream, delimiter=delimiter, **kwargs)
        return each_cell(dataset, unescape_formula)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(each_cell(dataset, escape_formula), **kwargs)


class XLSX(base_formats.XLSX):
    """
    XLSX whose texts stay texts: one that begins with "=" is not made a formula Excel runs, and
    one that a spreadsheet would run is marked as typed after an apostrophe (quotePrefix), so
    that editing the cell keeps it a text; the text itself is unchanged.
    """

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
        sheet.freeze_panes = "A2"
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


FORMATS = [CSV, XLSX]

# Messages of django-import-export's pages that its Italian catalogue leaves untranslated or words
# unlike the admin ("Esportare" for "Esporta"). Listed here, they reach the project's catalogue,
# which Django reads before the apps' ones.
IMPORT_EXPORT_MESSAGES = [
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Submit"),
    gettext_noop("Skipped"),
    gettext_noop("Row"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    gettext_noop("Non field specific"),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. "
        "Ensure you have chosen the correct format for the file."
    ),
]
