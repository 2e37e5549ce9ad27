"""
Operations: the health check a load balancer polls, and request ids in the logs.
"""

import logging
import os
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

REQUEST_ID = ContextVar("request_id", default="-")
# A request id from the proxy is kept if it looks like one; anything else is replaced.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache does not keep what it is given")
    cache.delete(key)


def check_storage():
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise RuntimeError(f"{folder} is not writable")


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage}
# Reported, but the answer stays 200 when they fail: without the cache the site builds every
# page from the database (networks.cache), and since every instance shares it, a 503 would take
# them all out of the load balancer at once for what is not an outage.
DEGRADED_ONLY = {"cache"}


@never_cache
@require_safe
def healthz(request):
    """
    Answer 200 when the site can serve, naming each part that fails; 503 when it cannot.

    The database and the storage are needed; a failing cache only slows the site down.
    """
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.error("Health check failed: %s: %s", name, error)
            results[name] = "failing"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for name, result in results.items() if name not in DEGRADED_ONLY)
    return JsonResponse(results, status=200 if healthy else 503)


class RequestIdMiddleware:
    """Give each request an id, in the logs of everything it does and in its X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if VALID_REQUEST_ID.match(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


class OneLineFormatter(logging.Formatter):
    """Write each event on one line, tracebacks included, so that log tools keep it whole."""

    def format(self, record):
        return super().format(record).replace("\n", "\\n")


def client_ip(request):
    """
    Return the visitor's address, read past the proxies in front of the site.

    Behind DJANGO_PROXY_COUNT proxies the address is the one that many entries from the end of
    X-Forwarded-For, which the last proxy cannot be told by the client; without proxies it is the
    connection's own address. Used by the login throttle and the rating limit.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
