from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .models import LAST_POOR_RATING, NEGATIVE_ANSWERS, POSITIVE_ANSWERS, Feedback


class FeedbackForm(forms.ModelForm):
    """The page rating of the AgID "modello Comuni": stars, then a reason, then a comment."""

    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(stars, stars) for stars in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )

    class Meta:
        model = Feedback
        fields = ["path", "rating", "answer", "comment"]
        widgets = {"path": forms.HiddenInput}

    def clean_path(self):
        path = self.cleaned_data["path"]
        if not url_has_allowed_host_and_scheme(path, allowed_hosts=None) or not path.startswith(
            "/"
        ):
            raise ValidationError(_("This page cannot be rated."))
        return path

    def clean(self):
        cleaned_data = super().clean()
        rating, answer = cleaned_data.get("rating"), cleaned_data.get("answer")
        if rating and answer:
            expected = NEGATIVE_ANSWERS if rating <= LAST_POOR_RATING else POSITIVE_ANSWERS
            if answer not in expected:
                self.add_error(
                    "answer", _("Choose one of the reasons that go with the stars you gave.")
                )
        return cleaned_data
