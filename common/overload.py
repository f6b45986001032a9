"""Shedding load: a fast 503 with Retry-After instead of a queue or a 500.

Two places refuse work a process cannot take on:

- ``ConcurrencyLimit`` (ASGI, wraps the HTTP app in negotiation_portal/asgi.py) caps the HTTP
  requests in flight per process. WebSockets are not counted: a chat socket is open for hours
  and must never keep pages out, nor be refused because pages are busy. uvicorn's own
  ``--limit-concurrency`` counts sockets too and answers without Retry-After.
- ``DatabasePoolMiddleware`` (Django) turns a pool that stayed empty for
  ``DATABASE_POOL_TIMEOUT`` seconds into the same 503, rather than a 500 from whichever query
  came first.
"""

import json
import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpResponse
from psycopg_pool import PoolTimeout

logger = logging.getLogger(__name__)

# /healthz is exempt from the cap: a busy replica must not be restarted by its health check.
UNCAPPED_PATHS = frozenset({"/healthz"})


def overloaded_answer(path: str) -> tuple[str, bytes, str]:
    """(content type, body, Retry-After) of the 503; JSON in the API's {code, detail} shape."""
    retry_after = str(settings.OVERLOAD_RETRY_AFTER_SECONDS)
    detail = f"The server is busy. Retry after {retry_after} seconds."
    if path.startswith("/api/"):
        body = json.dumps({"code": "overloaded", "detail": detail}).encode()
        return "application/json", body, retry_after
    return "text/plain; charset=utf-8", detail.encode(), retry_after


def overloaded_response(request) -> HttpResponse:
    content_type, body, retry_after = overloaded_answer(request.path)
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


class ConcurrencyLimit:
    """ASGI middleware: at most ``limit`` HTTP requests in flight; 0 means no limit.

    The counter needs no lock: one event loop per process, and nothing awaits between the check
    and the increment.
    """

    def __init__(self, app, *, limit: int):
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.limit or scope["path"] in UNCAPPED_PATHS:
            return await self.app(scope, receive, send)
        if self.in_flight >= self.limit:
            return await self._refuse(scope, send)
        self.in_flight += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    async def _refuse(self, scope, send):
        content_type, body, retry_after = overloaded_answer(scope["path"])
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", retry_after.encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def is_pool_timeout(exc: BaseException | None) -> bool:
    """A psycopg pool timeout, as raised or as Django's OperationalError wrapping it."""
    while exc is not None:
        if isinstance(exc, PoolTimeout):
            return True
        exc = exc.__cause__
    return False


def _note_pool_timeout(sender, request=None, **kwargs):
    # Called by Django's handler while the exception is being handled (sys.exc_info() is set).
    if request is not None and is_pool_timeout(sys.exc_info()[1]):
        request.database_pool_timeout = True


class DatabasePoolMiddleware:
    """A request that finds no free pooled connection within the timeout gets a 503, not a 500.

    The first query usually runs in the view (process_exception). A middleware's query (a
    session saved on the way out) has already become a 500 response by the time it reaches
    this one; Django's got_request_exception signal marked the request, and the 500 is
    replaced.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_pool_timeout, dispatch_uid="common.overload")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_pool_timeout", False):
            return overloaded_response(request)
        return response

    def process_exception(self, request, exception):
        if is_pool_timeout(exception):
            logger.warning("No pooled database connection free: 503 for %s", request.path)
            return overloaded_response(request)
        return None
