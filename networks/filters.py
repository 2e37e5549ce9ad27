"""The filters of the public list of networks, in a plain GET form."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import cache as page_cache
from . import search
from .models import FIRST_YEAR, LAST_YEAR, Network, Theme

# Parameters that are not filters: they say how to show the results, not which ones.
NOT_FILTERS = {"page", "order"}

YEAR_WIDGET = forms.NumberInput(
    attrs={"class": "form-control", "min": FIRST_YEAR, "max": LAST_YEAR}
)


class YearFilter(django_filters.NumberFilter):
    """A year, a whole number from FIRST_YEAR to LAST_YEAR, as the membership's years are."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class ThemesField(django_filters.fields.ModelMultipleChoiceField):
    """The themes chosen, an empty one ignored as an empty scope is ("theme=&theme=clima")."""

    def clean(self, value):
        return super().clean([item for item in value or [] if item])


class ThemesFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ThemesField


class NetworkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    theme = ThemesFilter(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_themes",
        widget=forms.CheckboxSelectMultiple,
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"), choices=Network.Scope.choices, empty_label=_("Any scope")
    )
    joined_after = YearFilter(
        label=_("Joined from (year)"),
        field_name="joined_year",
        lookup_expr="gte",
        widget=YEAR_WIDGET,
    )
    joined_before = YearFilter(
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
        # The default: with words, the most relevant first; without, by name.
        empty_label=_("Relevance"),
        null_label=None,
    )

    class Meta:
        model = Network
        fields = []

    def filter_words(self, queryset, name, value):
        found = search.ranked(queryset, value, get_language())
        if found is None:  # no word to search for
            return queryset
        return found.order_by("-relevance", *queryset.query.order_by)

    def filter_themes(self, queryset, name, themes):
        # A network matches any of the themes chosen. A join on the many-to-many table would
        # repeat networks and need distinct(); a subquery does not.
        if not themes:
            return queryset
        chosen = Network.themes.through.objects.filter(network=OuterRef("pk"), theme__in=themes)
        return queryset.filter(Exists(chosen))

    def theme_facets(self):
        """
        Return every theme with `network_count`: how many networks it would show with the other
        filters as they are, and `chosen` when it is one of the themes filtered on.
        """
        others = self.data.copy()
        for name in ["theme", *NOT_FILTERS]:
            others.pop(name, None)

        def count():
            without_themes = NetworkFilter(
                others, queryset=Network.objects.published().with_joined_year()
            ).qs
            # Grouped over the links, a semi-join the database runs once for every theme.
            links = Network.themes.through.objects.filter(network__in=without_themes.values("pk"))
            counts = dict(links.values_list("theme").annotate(Count("network")).order_by())
            themes = list(Theme.objects.all())
            for theme in themes:
                theme.network_count = counts.get(theme.pk, 0)
            return themes

        # Counting means reading every network: done once per set of filters until the content
        # changes, rather than on every page (a page of results, another order…).
        filters = sorted((name, sorted(values)) for name, values in others.lists())
        parts = f"{get_language()}?{urlencode(filters, doseq=True)}"
        themes = page_cache.remember("theme-facets", parts, count)
        chosen = set(self.data.getlist("theme"))
        for theme in themes:
            theme.chosen = theme.slug in chosen
        return themes

    def chips(self):
        """Return the filters in force as chips: a label and the address without that filter."""
        form = self.form
        if not form.is_bound or not hasattr(form, "cleaned_data"):
            return []
        data = form.cleaned_data
        chips = []
        if data.get("q"):
            chips.append((gettext("Words: “%(words)s”") % {"words": data["q"]}, "q", None))
        for theme in data.get("theme") or []:
            chips.append((theme.name, "theme", theme.slug))
        if data.get("scope"):
            chips.append((Network.Scope(data["scope"]).label, "scope", None))
        if data.get("joined_after") is not None:
            label = gettext("Joined from %(year)s") % {"year": int(data["joined_after"])}
            chips.append((label, "joined_after", None))
        if data.get("joined_before") is not None:
            label = gettext("Joined up to %(year)s") % {"year": int(data["joined_before"])}
            chips.append((label, "joined_before", None))
        return [
            {"label": label, "remove_url": self.url_without(name, value)}
            for label, name, value in chips
        ]

    def url_without(self, name, value=None):
        query = self.data.copy()
        query.pop("page", None)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [item for item in query.getlist(name) if item != value])
        encoded = query.urlencode()
        return f"{self.request.path}?{encoded}" if encoded else self.request.path

    def suggestion(self):
        """
        Return, for words that match nothing, the query with each replaced by the nearest word
        of the index ("clma" -> "clima") and its address; None if there is nothing to offer.
        """
        query = self.form.cleaned_data.get("q") if self.is_valid() else None
        if not query:
            return None
        language = get_language()
        missing = search.unmatched(query, language)
        if not missing:
            return None
        known = page_cache.remember(
            "search-vocabulary", language, lambda: search.vocabulary(language)
        )
        replaced = {word: search.suggestion(word, known) for word in missing}
        if not any(replaced.values()):
            return None
        # A word with nothing near it is left out: the query offered finds something.
        suggested = " ".join(
            replaced.get(word, word) for word in search.words(query) if replaced.get(word, word)
        )
        data = self.data.copy()
        data["q"] = suggested
        data.pop("page", None)
        return {"query": suggested, "url": f"{self.request.path}?{data.urlencode()}"}
