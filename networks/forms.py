import copy

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import publishing
from .models import FIRST_YEAR, LAST_YEAR, Network, Theme, same_names


class MembershipInlineFormSet(BaseInlineFormSet):
    """
    Refuse two active memberships of one network in a single save.

    Each form checks the database on its own, so two new rows without a year left would both pass
    and the unique constraint would only fail at insert time.
    """

    def clean(self):
        super().clean()
        active = [
            form
            for form in self.forms
            # Untouched extra forms have empty cleaned_data.
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("left_year") is None
        ]
        if len(active) > 1:
            raise ValidationError(
                _("Only one membership can be active: give the others the year it ended.")
            )


class UnixNewlinesField(forms.CharField):
    """A text whose line breaks are stored as LF, however the browser sends them (CR LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class NetworkAdminForm(forms.ModelForm):
    """
    The network's form: a second network with a name already taken needs a confirmation, and so
    does publishing a network that lacks something (networks.publishing).
    """

    confirm_same_name = forms.BooleanField(
        label=_("Yes, it is another network with the same name"), required=False
    )
    confirm_publish = forms.BooleanField(label=_("Yes, publish it all the same"), required=False)

    def clean(self):
        cleaned_data = super().clean()
        if self.publishes() and not cleaned_data.get("confirm_publish"):
            found = self.publishing_warnings()
            if found:
                self.add_error(None, [_("Before publishing, check:"), *found, CONFIRM_PUBLISH])
        if cleaned_data.get("confirm_same_name"):
            return cleaned_data
        names = {
            code: cleaned_data.get(build_localized_fieldname("name", code))
            for code, _name in settings.LANGUAGES
        }
        for code, other in same_names(self.instance, names).items():
            self.add_error(
                build_localized_fieldname("name", code),
                _(
                    "The network “%(other)s” already has this name: check it is not the same "
                    "network. If it is another one, tick the confirmation below and save again."
                )
                % {"other": other},
            )
        return cleaned_data

    def publishes(self):
        """Whether this save puts the network on the site: by its state, or "Salva e pubblica"."""
        if "status" not in self.fields or self.instance.status == Network.Status.PUBLISHED:
            return False  # who may not publish, or a network already published
        chosen = self.cleaned_data.get("status")
        return chosen == Network.Status.PUBLISHED or "_publish" in self.data

    def publishing_warnings(self):
        """publishing.warnings() of the network as this form and its inlines send it."""
        network = construct_instance(self, copy.copy(self.instance))
        memberships = publishing.submitted_rows(self.data, self.files, "memberships")
        documents = publishing.submitted_rows(self.data, self.files, "documents")
        return publishing.warnings(
            network,
            themes=self.cleaned_data.get("themes"),
            active_membership=any(
                row.get("joined_year") and not row.get("left_year") for row in memberships
            ),
            public_document=any(
                row.get("is_public") and (row.get("id") or row.get("file")) for row in documents
            ),
        )


CONFIRM_PUBLISH = _(
    "To publish it all the same, tick “Yes, publish it all the same” at the end of the form and "
    "save again."
)


class DocumentInlineFormSet(BaseInlineFormSet):
    """Say above the documents which row has an error and why: a long list hides a red field."""

    def clean(self):
        super().clean()
        title = build_localized_fieldname("title", settings.LANGUAGE_CODE)
        problems = [
            _("Document %(number)s (“%(title)s”): %(errors)s")
            % {
                "number": number,
                "title": form.data.get(form.add_prefix(title)) or "—",
                "errors": " ".join(
                    str(error) for errors in form.errors.values() for error in errors
                ),
            }
            for number, form in enumerate(self.forms, start=1)
            if form.errors
        ]
        if problems:
            raise ValidationError(problems)


# The forms of the bulk edits of the networks' list (NetworkAdmin's actions).


class ThemeForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all())


class KeyFactsDateForm(forms.Form):
    key_facts_date = forms.DateField(
        label=_("Date the key facts were true"), widget=AdminDateWidget
    )


class LeftYearForm(forms.Form):
    left_year = forms.IntegerField(label=_("Year left"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What to change"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        help_text=_("The editor who sent the network reads it on the network's page."),
    )
