"""
The admin's home page: what needs the office's attention, for what each person may see, each
item a link to the list filtered on it or to the object (templates/admin/index.html).
"""

from calendar import monthrange
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from . import linkcheck
from .models import Membership, Network

# The networks each item names on the page; its link leads to all of them.
SHOWN = 5
RECENT_CHANGES = 10


def months_before(day, months):
    """Return the date `months` before `day`, on the month's last day where it is shorter."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def stale_facts_limit():
    """Key facts checked before this date are too old (settings.KEY_FACTS_MAX_AGE_MONTHS)."""
    return months_before(timezone.localdate(), settings.KEY_FACTS_MAX_AGE_MONTHS)


def with_facts(networks):
    """The networks with key facts in Italian: neither empty nor, as a translation may be, NULL."""
    column = build_localized_fieldname("key_facts", settings.LANGUAGE_CODE)
    return networks.filter(**{f"{column}__gt": ""})


def stale_facts(networks):
    return with_facts(networks).filter(key_facts_date__lt=stale_facts_limit())


def undated_facts(networks):
    return with_facts(networks).filter(key_facts_date__isnull=True)


@dataclass
class Item:
    """A line of the dashboard: how many networks, the first ones, a link to them all."""

    label: str
    url: str
    count: int
    networks: list = field(default_factory=list)


def item(label, networks, query):
    changelist = reverse("admin:networks_network_changelist")
    return Item(
        label=label,
        url=f"{changelist}?{query}",
        count=networks.count(),
        networks=list(networks.order_by("name")[:SHOWN]),
    )


def to_do(user):
    """The networks that need work: in the workflow, incomplete, out of date, or broken."""
    if not user.has_perm("networks.view_network"):
        return []
    networks = Network.objects.all()
    items = [
        item(
            _("Waiting for review"),
            networks.filter(status=Network.Status.REVIEW),
            "status__exact=review",
        ),
        item(
            _("Changes waiting for approval"),
            networks.filter(pending_change__isnull=False),
            "pending=1",
        ),
        item(_("Drafts"), networks.filter(status=Network.Status.DRAFT), "status__exact=draft"),
    ]
    for code, name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            label = _("Texts missing in %(language)s") % {"language": name}
            items.append(item(label, networks.missing_translation(code), f"missing={code}"))
    months = settings.KEY_FACTS_MAX_AGE_MONTHS
    items += [
        item(
            _("Key facts older than %(months)d months") % {"months": months},
            stale_facts(networks),
            "facts=stale",
        ),
        item(_("Key facts without a date"), undated_facts(networks), "facts=undated"),
    ]
    checks = linkcheck.of_network()
    for outcome, label in (
        ("broken", _("Broken web addresses")),
        ("moved", _("Moved web addresses")),
    ):
        found = networks.filter(Exists(checks.filter(outcome=outcome)))
        items.append(item(label, found, f"links={outcome}"))
    return items


@dataclass
class Register:
    """The memberships register: what the council's yearly report needs."""

    memberships: list
    total_fees: Decimal
    without_resolution: int


def register_memberships():
    return (
        Membership.objects.active()
        .select_related("network")
        .order_by("network__name", "joined_year")
    )


def memberships_register(user):
    """The active memberships with the office's internal fields, for who may see them."""
    if not user.has_perm("networks.view_membership"):
        return None
    memberships = register_memberships()
    totals = memberships.aggregate(
        fees=Sum("annual_fee"), without=Count("pk", filter=Q(council_resolution=""))
    )
    return Register(
        memberships=list(memberships),
        total_fees=totals["fees"] or Decimal(0),
        without_resolution=totals["without"],
    )


REGISTER_COLUMNS = [
    ("network", lambda m: m.network.name),
    ("joined_year", lambda m: m.joined_year),
    ("sector", lambda m: m.sector),
    ("department", lambda m: m.department),
    ("contact_person", lambda m: m.contact_person),
    ("annual_fee", lambda m: m.annual_fee),
    ("council_resolution", lambda m: m.council_resolution),
]


def register_xlsx():
    """Return the register as an XLSX workbook (bytes), the fees' total on the last row."""
    headers = [
        str(Membership._meta.get_field(name).verbose_name).capitalize()
        for name, _v in REGISTER_COLUMNS
    ]
    data = tablib.Dataset(headers=headers, title=_("Memberships")[:31])
    memberships = list(register_memberships())
    for membership in memberships:
        data.append([value(membership) for _name, value in REGISTER_COLUMNS])
    total = sum((m.annual_fee or Decimal(0) for m in memberships), Decimal(0))
    data.append([_("Total"), "", "", "", "", total, ""])
    return data.export("xlsx")


@dataclass
class Change:
    entry: LogEntry
    url: str


def recent_changes(user):
    """The latest changes colleagues made to what `user` may see, each with a link."""
    viewable = [
        content_type.pk
        for content_type in ContentType.objects.filter(app_label__in=["networks", "feedback"])
        if user.has_perm(f"{content_type.app_label}.view_{content_type.model}")
    ]
    entries = (
        LogEntry.objects.exclude(user=user)
        .filter(content_type__in=viewable)
        .select_related("user", "content_type")[:RECENT_CHANGES]
    )
    return [Change(entry, change_link(entry)) for entry in entries]


def change_link(entry):
    """The object's history (its versions) where it has one, else its page; "" if deleted."""
    if entry.is_deletion():
        return ""
    opts = (entry.content_type.app_label, entry.content_type.model)
    for view in ("history", "change"):
        try:
            return reverse(f"admin:{opts[0]}_{opts[1]}_{view}", args=[entry.object_id])
        except NoReverseMatch:
            continue
    return ""


@dataclass
class Panel:
    """A part of the dashboard another app adds (register()): its template and what it shows."""

    template: str
    data: object


# Functions of a user returning a Panel, or None for a user who may not see it: the apps built
# on this one (the page ratings) add theirs from their AppConfig.ready().
PANELS = []


def register(panel):
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def context(request):
    """The dashboard's sections for `request.user`: those the user may see."""
    user = request.user
    panels = [panel(user) for panel in PANELS]
    return {
        "to_do": to_do(user),
        "register": memberships_register(user),
        "recent_changes": recent_changes(user),
        "panels": [panel for panel in panels if panel is not None],
    }
