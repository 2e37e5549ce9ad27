"""
The public page cache: entries keyed by the content version, so a change shows at once.

A cache that fails (Redis down) is not an outage: every call here falls back to building the
page as if nothing were cached.
"""

import datetime
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import condition

from identity.models import Administration

from .models import ContentVersion

logger = logging.getLogger(__name__)

# While the cache is down, every request fails to reach it several times: its traceback is
# logged once in this many seconds per process, not a few times per request.
FAILURE_LOG_SECONDS = 60
last_failure_logged = None

# (version, until): the version, and when it moves by itself (a scheduled date), or None.
VERSION_KEY = "content-version:2"
# Headers a cached page is served with again; the others belong to one response.
KEPT_HEADERS = [
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "ETag",
    "Last-Modified",
    "Vary",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
]


def cache_failed():
    """Log the exception being handled, a failure of the cache, unless one was just logged."""
    global last_failure_logged
    now = time.monotonic()
    if last_failure_logged is None or now - last_failure_logged >= FAILURE_LOG_SECONDS:
        last_failure_logged = now
        logger.exception(
            "The cache is unavailable: pages are built without it "
            "(logged at most once in %d s per process while it lasts)",
            FAILURE_LOG_SECONDS,
        )


def content_version():
    """
    Return the current content version, from the cache or else from the database. The cache
    keeps it until the next scheduled publication or withdrawal, when it moves by itself: every
    worker then reads the new one, and no page built before is served after.
    """
    entry = cache.get(VERSION_KEY)
    if entry is None or (entry[1] is not None and time.time() >= entry[1]):
        entry = cache_version(*ContentVersion.state())
    return entry[0]


def cache_version(changed_at, next_change):
    """Keep the content version in the cache until `next_change` (None: until changed)."""
    until = next_change.timestamp() if next_change else None
    entry = (f"{changed_at.timestamp():.6f}", until)
    cache.set(VERSION_KEY, entry, None if until is None else max(1, until - time.time()))
    return entry


def content_changed():
    """
    Record that the public content changed now: in the database, and in the cache, now and
    again once the change is committed.
    """
    changed_at = timezone.now()
    ContentVersion.objects.update_or_create(
        pk=ContentVersion.SINGLETON_PK, defaults={"changed_at": changed_at}
    )

    def publish():
        state = ContentVersion.state()
        try:
            cache_version(*state)
        except Exception:
            logger.exception("Could not move the content version in the cache")

    # Now, so that this process sees its own change; on commit, so that a page another request
    # built from the old data in the meantime is not kept under the new version.
    publish()
    transaction.on_commit(publish)


def version_or_none():
    """Return content_version(), or None when the cache fails (the database then answers)."""
    try:
        return content_version()
    except Exception:
        cache_failed()
        return None


def current_version():
    """Return content_version(), or, when the cache fails, the same read from the database."""
    version = version_or_none()
    return version if version is not None else f"{ContentVersion.state()[0].timestamp():.6f}"


def content_etag(request, *args, **kwargs):
    # The release too: a deploy may change what the same content is written as. From the cache:
    # ContentVersion.state() compiles four subqueries, 2 ms a request that the cache saves.
    version = version_or_none() or f"{ContentVersion.current().timestamp():.6f}"
    return f"{settings.RELEASE[:12]}-{version}"


def content_last_modified(request, *args, **kwargs):
    version = version_or_none()
    if version is None:
        return ContentVersion.current()
    return datetime.datetime.fromtimestamp(float(version), tz=datetime.UTC)


# ETag and Last-Modified from the content version: a client that has the current data gets a
# 304 without the data being read or built again.
conditional = condition(etag_func=content_etag, last_modified_func=content_last_modified)


def versioned(view):
    """
    Return `view` answering with the content version's ETag and Last-Modified (conditional), in
    place of those the view sets itself: a feed's or a sitemap's newest date does not move when
    a network is unpublished or deleted, the content version does.
    """

    @functools.wraps(view)
    def without_own_validators(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for header in ("ETag", "Last-Modified"):
            if header in response:
                del response[header]
        return response

    return conditional(without_own_validators)


def remember(name, parts, build, timeout=3600):
    """
    Return `build()`, kept in the cache under `name` and `parts` (a string) until the content
    changes: for what is costly to compute and the same for every visitor.
    """
    digest = hashlib.sha256(parts.encode()).hexdigest()
    [value] = remember_each(name, [digest], str, lambda _digests: [build()], timeout)
    return value


def administration():
    """Return identity.Administration.current(), read once per content version."""
    return remember("administration", "", Administration.current)


def remember_each(name, items, key, build, timeout=3600):
    """
    Return a value for each of `items`, kept in the cache under `name` and `key(item)` until the
    content changes; `build(items)` returns, in order, the values of the items not in the cache.
    """
    try:
        version = content_version()
        keys = [f"{name}:{version}:{key(item)}" for item in items]
        found = cache.get_many(keys)
    except Exception:
        cache_failed()
        return build(items)
    missing = {k: item for k, item in zip(keys, items, strict=True) if k not in found}
    if missing:
        built = dict(zip(missing, build(list(missing.values())), strict=True))
        try:
            cache.set_many(built, timeout)
        except Exception:
            cache_failed()
        found.update(built)
    return [found[k] for k in keys]


def page_key(request):
    """Return the cache key of the page `request` asks for, or None if the cache fails."""
    try:
        version = content_version()
    except Exception:
        cache_failed()
        return None
    address = f"{request.get_host()}{request.path}?{normalized_query(request.GET)}"
    return f"page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def normalized_query(query):
    """
    Return `query` (a QueryDict) as one string for each set of parameters that gives the same
    page: in order, repeated values sorted and deduplicated, empty values left out.
    """
    parts = []
    for name in sorted(query):
        values = sorted({value.strip() for value in query.getlist(name)} - {""})
        parts.extend(f"{name}={value}" for value in values)
    return "&".join(parts)


def get(key):
    try:
        return cache.get(key)
    except Exception:
        cache_failed()
        return None


def store(key, response):
    entry = {header: response[header] for header in KEPT_HEADERS if header in response}
    entry["content"] = response.content
    try:
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception:
        cache_failed()


def restore(entry):
    response = HttpResponse(entry["content"])
    for header in KEPT_HEADERS:
        if header in entry:
            response[header] = entry[header]
    return response
