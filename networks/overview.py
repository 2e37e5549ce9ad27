"""
The pages that show every published network at once: the overview, in figures, and the full
text, to read or print in one page.

The overview's charts are drawn here, on the server: each is a list of rows (a label and a
count) with its bars and labels placed in the units of the SVG's viewBox, which the page scales
to its width. The template only writes them out; no script draws anything.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from .models import Network, NetworksPage, Theme, on_line

# The year Modena joined its first network: the chart of joinings starts there.
FIRST_YEAR = 1996
# Every chart is this wide in viewBox units, about a phone's width in CSS pixels: on a phone its
# text is drawn at about FONT_SIZE pixels, and charts.css keeps it from growing much on a desktop.
WIDTH = 360
FONT_SIZE = 13
# Columns (joinings by year): room for the counts above, the plot, room for the years below.
COLUMN_TOP, COLUMN_PLOT, COLUMN_BOTTOM = 18, 120, 20
# Bars (scopes, themes): each row is its label, then its bar with the count at its end.
ROW_HEIGHT, BAR_OFFSET, BAR_HEIGHT, COUNT_ROOM = 40, 17, 14, 36


@dataclass
class Row:
    """A line of a chart and of its table; `theme`, if any, is what the label links to."""

    label: str
    count: int
    theme: Theme | None = None


def tenths(shape, *names):
    # Finer than any screen shows, and no 74.80000000000001 in the page.
    for name in names:
        setattr(shape, name, round(getattr(shape, name), 1))


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float

    def __post_init__(self):
        tenths(self, "x", "y", "width", "height")


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"

    def __post_init__(self):
        tenths(self, "x", "y")


@dataclass
class Chart:
    """A chart's texts, its table's rows, and the shapes it draws, in viewBox units."""

    id: str
    title: str
    description: str
    caption: str  # of the table
    headings: tuple[str, str]  # of the table's columns
    rows: list[Row]  # of the table
    height: float = 0
    bars: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    baseline: Rect | None = None
    note: str = ""
    width: int = WIDTH
    font_size: int = FONT_SIZE


def scale(rows, length):
    """Return how long a bar of count 1 is, for the largest count to be `length` long."""
    return length / max([row.count for row in rows] + [1])


def column_chart(chart, rows, labelled):
    """Draw `rows` into `chart` as columns side by side, labelling those `labelled` says."""
    slot = WIDTH / len(rows)
    unit = scale(rows, COLUMN_PLOT)
    bottom = COLUMN_TOP + COLUMN_PLOT
    for index, row in enumerate(rows):
        centre = index * slot + slot / 2
        if row.count:
            height = row.count * unit
            width = slot * 0.7
            chart.bars.append(Rect(centre - width / 2, bottom - height, width, height))
            chart.texts.append(Text(centre, bottom - height - 3, str(row.count), "middle"))
        if labelled(row):
            # A label at either end is held inside the chart rather than centred past its edge.
            y = bottom + FONT_SIZE + 2
            if centre < 2 * FONT_SIZE:
                chart.texts.append(Text(0, y, row.label))
            elif centre > WIDTH - 2 * FONT_SIZE:
                chart.texts.append(Text(WIDTH, y, row.label, "end"))
            else:
                chart.texts.append(Text(centre, y, row.label, "middle"))
    chart.baseline = Rect(0, bottom, WIDTH, 1)
    chart.height = bottom + COLUMN_BOTTOM
    return chart


def bar_chart(chart):
    """Draw the chart's rows into it as horizontal bars, one under the other."""
    unit = scale(chart.rows, WIDTH - COUNT_ROOM)
    for index, row in enumerate(chart.rows):
        top = index * ROW_HEIGHT
        length = row.count * unit
        chart.texts.append(Text(0, top + FONT_SIZE, row.label))
        if length:
            chart.bars.append(Rect(0, top + BAR_OFFSET, length, BAR_HEIGHT))
        chart.texts.append(
            Text(length + 4 if length else 0, top + BAR_OFFSET + BAR_HEIGHT - 2, str(row.count))
        )
    chart.height = len(chart.rows) * ROW_HEIGHT
    return chart


def joinings_chart(published):
    """
    Return the chart of how many networks Modena joined each year from FIRST_YEAR on, and the
    number of `published` networks, each counted once by the year of joining the list shows.
    """
    years = range(FIRST_YEAR, timezone.localdate().year + 1)
    counts = dict(
        published.with_joined_year()
        .values_list("joined_year")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [Row(str(year), counts.get(year, 0)) for year in years]
    chart = Chart(
        id="joinings",
        title=_("Networks joined each year"),
        description=_(
            "A column for each year from %(first)s to %(last)s, as tall as the number of networks "
            "joined that year. The table that follows gives the figures."
        )
        % {"first": years[0], "last": years[-1]},
        # The years without any would be most of the table.
        caption=_("Networks joined each year (the years without any are left out)"),
        headings=(_("Year"), _("Networks joined")),
        rows=[row for row in rows if row.count],
    )
    column_chart(chart, rows, lambda row: row.label == str(FIRST_YEAR) or int(row.label) % 5 == 0)
    not_charted = sum(counts.values()) - sum(row.count for row in rows)
    if not_charted:
        chart.note = ngettext(
            "%(count)s network is not in the chart: its year of joining is before %(first)s, "
            "after %(last)s or not known.",
            "%(count)s networks are not in the chart: their year of joining is before %(first)s, "
            "after %(last)s or not known.",
            not_charted,
        ) % {"count": not_charted, "first": years[0], "last": years[-1]}
    return chart, sum(counts.values())


def scopes_chart(published):
    counts = dict(published.values_list("scope").annotate(count=Count("pk")).order_by())
    return bar_chart(
        Chart(
            id="scopes",
            title=_("Networks by scope"),
            description=_(
                "A bar for each scope, as long as its number of networks. The table that follows "
                "gives the figures."
            ),
            caption=_("Networks by scope"),
            headings=(_("Scope"), _("Networks")),
            rows=[Row(label, counts.get(value, 0)) for value, label in Network.Scope.choices],
        )
    )


def themes_chart():
    published = on_line(timezone.now(), prefix="networks__")
    themes = Theme.objects.annotate(network_count=Count("networks", filter=published))
    return bar_chart(
        Chart(
            id="themes",
            title=_("Networks by theme"),
            description=_(
                "A bar for each theme, as long as its number of networks; a network can have "
                "several themes. The table that follows gives the figures."
            ),
            caption=_("Networks by theme"),
            headings=(_("Theme"), _("Networks")),
            rows=[Row(theme.name, theme.network_count, theme) for theme in themes],
        )
    )


class OverviewView(TemplateView):
    """The published networks in figures: joined by year, by scope and by theme."""

    template_name = "networks/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Network.objects.published()
        joinings, total = joinings_chart(published)
        context["total"] = total
        context["networks_page"] = NetworksPage.get_or_default()
        context["charts"] = [joinings, scopes_chart(published), themes_chart()]
        return context


class FullTextView(ListView):
    """Every published network's texts and facts in one page, by name, to read or print."""

    template_name = "networks/full_text.html"
    context_object_name = "networks"

    def get_queryset(self):
        return (
            Network.objects.for_public_list(get_language()).with_themes().with_active_membership()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(networks_page=NetworksPage.get_or_default(), **kwargs)
