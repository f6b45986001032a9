"""A real uvicorn process on PostgreSQL under more concurrent requests than its pool holds."""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from common.testing import child_database_url, session_key_for, start_asgi_server, stop_process

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POOL_MAX_SIZE = 2
CONCURRENT = 24
REQUESTS = 96
APP_NAME = "portal-load-shedding-test"


def _get(url: str, cookie: str) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0]


def test_more_concurrent_requests_than_pooled_connections_get_200_or_503_never_500(
    seller, tmp_path
):
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key_for(seller)}"
    process, url = start_asgi_server(
        database_url=child_database_url(connection.settings_dict),
        log_path=tmp_path / "server.log",
        env={
            "DATABASE_POOL_MIN_SIZE": "1",
            "DATABASE_POOL_MAX_SIZE": str(POOL_MAX_SIZE),
            "DATABASE_POOL_TIMEOUT": "2",
            "HTTP_MAX_CONCURRENT_REQUESTS": "16",
            "PGAPPNAME": APP_NAME,
        },
    )
    try:
        assert _get(f"{url}/negotiations/", cookie)[0] == 200  # templates compiled, pool open
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            answers = list(
                pool.map(lambda _: _get(f"{url}/negotiations/", cookie), range(REQUESTS))
            )
        connections_held = _server_connections()
    finally:
        stop_process(process)

    statuses = [status for status, _ in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) > 0
    assert all(retry_after for status, retry_after in answers if status == 503)
    assert connections_held <= POOL_MAX_SIZE
