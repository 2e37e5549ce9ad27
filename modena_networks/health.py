"""The health check a load balancer polls."""

import logging
import os
import uuid

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


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
    """The uploads' folders are writable; on S3, the bucket answers (one request each)."""
    for storage in (storages["default"], storages["documents"]):
        if isinstance(storage, FileSystemStorage):
            os.makedirs(storage.location, exist_ok=True)
            if not os.access(storage.location, os.W_OK):
                raise RuntimeError(f"{storage.location} is not writable")
        else:  # S3 (settings.s3_storages): raises if the bucket is missing or refuses the site
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)


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
