"""The filters of the public list of networks, in a plain GET form."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import search
from .models import FIRST_YEAR, LAST_YEAR, Network, Theme

YEAR_WIDGET = forms.NumberInput(
    attrs={"class": "form-control", "min": FIRST_YEAR, "max": LAST_YEAR}
)


class NetworkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_themes",
        widget=forms.CheckboxSelectMultiple,
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"), choices=Network.Scope.choices, empty_label=_("Any scope")
    )
    joined_after = django_filters.NumberFilter(
        label=_("Joined from (year)"),
        field_name="joined_year",
        lookup_expr="gte",
        widget=YEAR_WIDGET,
    )
    joined_before = django_filters.NumberFilter(
        label=_("Joined up to (year)"),
        field_name="joined_year",
        lookup_expr="lte",
        widget=YEAR_WIDGET,
    )
    order = django_filters.OrderingFilter(
        label=_("Order by"),
        fields=[("sort_name", "name"), ("joined_year", "joined")],
        # Ascending labels are keyed by the field ordered on, descending ones by the parameter.
        field_labels={
            "sort_name": _("Name (A–Z)"),
            "-name": _("Name (Z–A)"),
            "joined_year": _("Year joined (oldest first)"),
            "-joined": _("Year joined (newest first)"),
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Network
        fields = []

    def filter_words(self, queryset, name, value):
        return search.matching(queryset, value, get_language())

    def filter_themes(self, queryset, name, themes):
        # A network matches any of the themes chosen. A join on the many-to-many table would
        # repeat networks and need distinct(); a subquery does not.
        if not themes:
            return queryset
        chosen = Network.themes.through.objects.filter(network=OuterRef("pk"), theme__in=themes)
        return queryset.filter(Exists(chosen))
