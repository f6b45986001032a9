"""Overload is shed with a fast 503 and Retry-After: per-process HTTP cap, empty database pool."""

import asyncio
import json

import pytest
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.urls import path
from psycopg_pool import PoolTimeout

from common.overload import ConcurrencyLimit


class BlockingApp:
    """An inner ASGI app whose HTTP requests stay in flight until released."""

    def __init__(self):
        self.release = asyncio.Event()
        self.entered = asyncio.Event()
        self.scopes = []

    async def __call__(self, scope, receive, send):
        self.scopes.append(scope["type"])
        self.entered.set()
        if scope["type"] == "http" and scope["path"] == "/slow/":
            await self.release.wait()
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})


async def _call(app, path: str, scope_type: str = "http") -> list[dict]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app({"type": scope_type, "path": path}, receive, send)
    return sent


def _status_and_headers(sent: list[dict]) -> tuple[int, dict[bytes, bytes]]:
    return sent[0]["status"], dict(sent[0]["headers"])


async def _with_one_slow_request_in_flight(limit: int, check):
    inner = BlockingApp()
    app = ConcurrencyLimit(inner, limit=limit)
    slow = asyncio.create_task(_call(app, "/slow/"))
    await asyncio.wait_for(inner.entered.wait(), 5)
    try:
        return await check(app, inner)
    finally:
        inner.release.set()
        await slow


async def test_a_request_over_the_cap_gets_a_503_with_retry_after_at_once(settings):
    settings.OVERLOAD_RETRY_AFTER_SECONDS = 3

    async def check(app, inner):
        return await asyncio.wait_for(_call(app, "/negotiations/"), 1)

    sent = await _with_one_slow_request_in_flight(1, check)

    status, headers = _status_and_headers(sent)
    assert status == 503
    assert headers[b"retry-after"] == b"3"
    assert headers[b"cache-control"] == b"no-store"


async def test_an_api_request_over_the_cap_gets_the_json_error_shape(settings):
    async def check(app, inner):
        return await _call(app, "/api/v1/negotiations/")

    sent = await _with_one_slow_request_in_flight(1, check)

    status, headers = _status_and_headers(sent)
    assert (status, headers[b"content-type"]) == (503, b"application/json")
    assert json.loads(sent[1]["body"])["code"] == "overloaded"


async def test_requests_under_the_cap_are_served():
    async def check(app, inner):
        return await _call(app, "/negotiations/")

    sent = await _with_one_slow_request_in_flight(2, check)

    assert _status_and_headers(sent)[0] == 200


async def test_a_finished_request_frees_its_place():
    app = ConcurrencyLimit(BlockingApp(), limit=1)

    await _call(app, "/negotiations/")
    sent = await _call(app, "/negotiations/")

    assert _status_and_headers(sent)[0] == 200
    assert app.in_flight == 0


async def test_chat_sockets_are_not_counted_nor_refused_at_the_cap():
    async def check(app, inner):
        await _call(app, "/ws/negotiations/1/chat/", scope_type="websocket")
        return inner.scopes

    scopes = await _with_one_slow_request_in_flight(1, check)

    assert scopes == ["http", "websocket"]


async def test_the_health_check_is_answered_at_the_cap():
    async def check(app, inner):
        return await _call(app, "/healthz")

    sent = await _with_one_slow_request_in_flight(1, check)

    assert _status_and_headers(sent)[0] == 200


async def test_a_cap_of_zero_means_no_cap():
    async def check(app, inner):
        return await _call(app, "/negotiations/")

    sent = await _with_one_slow_request_in_flight(0, check)

    assert _status_and_headers(sent)[0] == 200


def test_the_asgi_application_caps_http_with_the_configured_limit(settings):
    from negotiation_portal.asgi import application

    http = application.application_mapping["http"]

    assert isinstance(http, ConcurrencyLimit)
    assert http.limit == settings.HTTP_MAX_CONCURRENT_REQUESTS


def _pool_timeout() -> OperationalError:
    """What Django raises when the pool stays empty: its OperationalError from a PoolTimeout."""
    try:
        try:
            raise PoolTimeout("couldn't get a connection after 5.00 sec")
        except PoolTimeout as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as wrapped:
        return wrapped


def pool_timeout_view(request):
    raise _pool_timeout()


def other_database_error_view(request):
    raise OperationalError("password authentication failed")


class PoolTimeoutOnTheWayOutMiddleware:
    """Like a session saved after a view that ran no query: the pool times out in a middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise _pool_timeout()


urlpatterns = [
    path("timeout/", pool_timeout_view),
    path("api/v1/timeout/", pool_timeout_view),
    path("broken/", other_database_error_view),
    path("fine/", lambda request: HttpResponse("fine")),
]


@pytest.mark.urls(__name__)
def test_an_empty_pool_answers_503_with_retry_after_instead_of_500(client, settings):
    settings.OVERLOAD_RETRY_AFTER_SECONDS = 2

    response = client.get("/timeout/")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"


@pytest.mark.urls(__name__)
def test_an_empty_pool_answers_api_calls_in_the_json_error_shape(client):
    response = client.get("/api/v1/timeout/")

    assert response.status_code == 503
    assert json.loads(response.content)["code"] == "overloaded"


@pytest.mark.urls(__name__)
def test_an_empty_pool_met_in_a_middleware_also_answers_503(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.PoolTimeoutOnTheWayOutMiddleware"]
    client.raise_request_exception = False  # the test client would re-raise what Django handled

    response = client.get("/fine/")

    assert response.status_code == 503
    assert response["Retry-After"]


@pytest.mark.urls(__name__)
def test_other_database_errors_are_not_disguised_as_overload(client):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == 500
