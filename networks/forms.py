from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _


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
                _("Only one membership can be active: give the others the year Modena left.")
            )
