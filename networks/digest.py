"""
The weekly digest for the office (manage.py send_digest): what needs attention, as the admin's
home page lists it (networks.dashboard), by e-mail.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import dashboard, linkcheck
from .models import LinkCheck, Network

# Functions returning a Section, or None: the apps built on this one (the page
# ratings) add theirs from their AppConfig.ready().
SECTIONS = []


def register(section):
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


@dataclass
class Section:
    title: str
    count: int  # of networks, or of ratings
    lines: list  # of strings
    url: str


def of_networks(title, networks, url, describe=None):
    return Section(title, networks.count(), network_lines(networks, describe), url)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def network_lines(networks, describe=None):
    return [
        f"- {network}{describe(network) if describe else ''}: "
        + absolute(reverse("admin:networks_network_change", args=[network.pk]))
        for network in networks.order_by("name")
    ]


def link_problems(network, checks):
    problems = [check.problem() for check in linkcheck.checks_of(network, checks)]
    problems = [problem for problem in problems if problem]
    return f" ({'; '.join(problems)})" if problems else ""


def sections():
    """Return what needs attention, one section per kind; empty kinds left out."""
    changelist = reverse("admin:networks_network_changelist")
    networks = Network.objects.all()
    found = [
        of_networks(
            _("Waiting for review"),
            networks.filter(status=Network.Status.REVIEW),
            f"{changelist}?status__exact=review",
        ),
        of_networks(
            _("Changes waiting for approval"),
            networks.filter(pending_change__isnull=False),
            f"{changelist}?pending=1",
        ),
        of_networks(
            _("Key facts older than %(months)d months")
            % {"months": settings.KEY_FACTS_MAX_AGE_MONTHS},
            dashboard.stale_facts(networks),
            f"{changelist}?facts=stale",
        ),
        of_networks(
            _("Key facts without a date"),
            dashboard.undated_facts(networks),
            f"{changelist}?facts=undated",
        ),
    ]
    problems = linkcheck.of_network().exclude(outcome=LinkCheck.Outcome.OK)
    troubled = networks.filter(Exists(problems)).prefetch_related("memberships")
    checks = {check.url: check for check in LinkCheck.objects.exclude(outcome="ok")}
    found.append(
        of_networks(
            _("Web addresses broken or moved"),
            troubled,
            f"{changelist}?links=broken",
            lambda network: link_problems(network, checks),
        )
    )
    found += [section() for section in SECTIONS]
    return [section for section in found if section is not None and section.count]


def message():
    """Return the digest's subject and body in the office's language, or None if all is well."""
    with translation.override(settings.LANGUAGE_CODE):
        found = sections()
        if not found:
            return None
        subject = _("International networks: what needs attention")
        body = render_to_string(
            "networks/email/digest.txt",
            {
                "sections": [(s.title, s.count, s.lines, absolute(s.url)) for s in found],
                "home": absolute(reverse("admin:index")),
            },
        )
    return subject, body
