"""
Logs: one line per event, each with the id of the request it belongs to.

Kept rather than django-log-request-id, which writes whatever id a client sends into the logs
and the response; here an id that does not look like one is replaced.
"""

import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID = ContextVar("request_id", default="-")
# A request id from the proxy is kept if it looks like one; anything else is replaced.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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
