"""
Checking the web addresses the networks give (their websites, Modena's profile pages): broken,
moved for good, or working, as manage.py check_links reports and the admin shows.

The standard library's urllib, not a client library: a GET per address whose body is never read,
redirects followed and each one noted, on a few threads at a time.
"""

import concurrent.futures
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.db.models import OuterRef, Q
from django.utils import timezone

from .cache import administration
from .models import LinkCheck, Membership, Network

TIMEOUT = 10
WORKERS = 8
PERMANENT = {301, 308}


@dataclass
class Result:
    url: str
    outcome: str
    status: int | None = None
    error: str = ""
    new_url: str = ""


class NotingRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects as urllib does, noting the status of each."""

    def __init__(self):
        self.statuses = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.statuses.append(code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def user_agent():
    found = administration()
    return f"Mozilla/5.0 (compatible; {found.name} link check; +{found.website})"


def check(url, timeout=TIMEOUT, agent=None):
    """
    Return what `url` answers: broken (an error status, or no answer), moved for good (only
    permanent redirects to another address that works) or working (a temporary redirect too:
    the address given is still the one to give).
    """
    redirects = NotingRedirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers={"User-Agent": agent or user_agent()})
    try:
        with opener.open(request, timeout=timeout) as response:
            status, final = response.status, response.url
    except urllib.error.HTTPError as error:
        error.close()  # it holds the answer, and its connection
        return Result(url, LinkCheck.Outcome.BROKEN, status=error.code)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Result(url, LinkCheck.Outcome.BROKEN, error=describe(error)[:300])
    if redirects.statuses and set(redirects.statuses) <= PERMANENT and final != url:
        return Result(url, LinkCheck.Outcome.MOVED, status=status, new_url=final)
    return Result(url, LinkCheck.Outcome.OK, status=status)


def describe(error):
    """Return a short English description of why an address gave no answer."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLError):
        return f"TLS: {reason.reason or reason}"
    if isinstance(reason, socket.gaierror):
        return "name not found"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(reason)


def addresses():
    """Return every address to check: the networks' websites and the memberships' profiles."""
    websites = Network.objects.exclude(website="").values_list("website", flat=True)
    profiles = Membership.objects.exclude(profile_url="").values_list("profile_url", flat=True)
    return sorted({*websites, *profiles})


def check_all(urls, workers=WORKERS, timeout=TIMEOUT):
    """Check `urls`, `workers` at a time; store and return the results, in the order given."""
    # Named once here: the threads have no database connection of their own to read it.
    agent = user_agent()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda url: check(url, timeout, agent), urls))
    now = timezone.now()
    for result in results:
        LinkCheck.objects.update_or_create(
            url=result.url,
            defaults={
                "outcome": result.outcome,
                "status": result.status,
                "error": result.error,
                "new_url": result.new_url,
                "checked_at": now,
            },
        )
    return results


def of_network():
    """The checks of a network's addresses, in a subquery of networks: website and profiles."""
    profiles = Membership.objects.filter(network=OuterRef(OuterRef("pk"))).values("profile_url")
    return LinkCheck.objects.filter(Q(url=OuterRef("website")) | Q(url__in=profiles))


def checks_of(network, checks):
    """Return the checks among `checks` ({address: LinkCheck}) of `network`'s addresses."""
    addresses = [network.website, *(m.profile_url for m in network.memberships.all())]
    return [checks[address] for address in addresses if address in checks]
