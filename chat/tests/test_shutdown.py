"""Real servers: a deploy never hangs (a server with open chat sockets exits within its
graceful period), and sockets that vanish mid-conversation leave nothing behind.

uvicorn used to stay in "Waiting for background tasks to complete" after SIGTERM: it waits for
the task of every open socket, and one that cannot finish holds the deploy. The production
command lines bound the graceful period (--timeout-graceful-shutdown), and so does
common.testing.start_asgi_server, which these tests use; the stalled-Redis test fails without
the bound (checked by removing it), the busy-sockets one guards the ordinary case. They run
when the child process can see the test database (PostgreSQL, or an SQLite file test database).
"""

import asyncio
import json
import os
import signal
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from common.testing import (
    GRACEFUL_SHUTDOWN_SECONDS,
    StallingProxy,
    child_database_url,
    session_key_for,
    start_asgi_server,
    stop_process,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Start-up of the interpreter's exit and the poll interval: well under a second here.
EXIT_MARGIN_SECONDS = 3


def _close(loop) -> None:
    """Cancels what the client sockets left running (keepalive pings), then closes the loop."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.close()


async def _open_sockets(port: int, negotiation_id: int, cookies: list[str]) -> list:
    import websockets

    sockets = []
    for cookie in cookies:
        socket_ = await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/negotiations/{negotiation_id}/chat/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
        )
        await socket_.send(json.dumps({"type": "hello", "last_id": 0}))
        while json.loads(await asyncio.wait_for(socket_.recv(), 5))["type"] != "ready":
            pass
        sockets.append(socket_)
    return sockets


async def _acknowledged(sockets: list, run: str) -> None:
    """Each socket sends a message and waits for its ack: the server is idle afterwards."""
    for n, socket_ in enumerate(sockets):
        await socket_.send(json.dumps({"type": "message", "client_id": f"{run}-{n}", "body": "x"}))
        while json.loads(await asyncio.wait_for(socket_.recv(), 10))["type"] != "ack":
            pass


def _wait_for_exit(process, started: float, log_path) -> float:
    try:
        process.wait(timeout=GRACEFUL_SHUTDOWN_SECONDS + EXIT_MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server hung after SIGTERM:\n{log_path.read_text()}")
    return time.monotonic() - started


@pytest.mark.redis
def test_a_server_exits_within_its_graceful_period_when_its_sockets_cannot_finish(
    negotiation, buyer, seller, tmp_path
):
    """The hang of issue 11: uvicorn waits for every socket's task after SIGTERM, and a task
    that cannot finish (here each consumer leaving its groups while Redis does not answer)
    kept the server in "Waiting for background tasks" for as long as that took. Without the
    bounded graceful period this test fails; with it the tasks are cancelled and it exits."""
    database_url = child_database_url(connection.settings_dict)
    if database_url is None:
        pytest.skip("the server process cannot see an in-memory SQLite test database")
    redis = urlsplit(os.environ["REDIS_URL"])
    proxy = StallingProxy((redis.hostname, redis.port or 6379))
    redis_url = urlunsplit(redis._replace(netloc=f"127.0.0.1:{proxy.port}"))
    cookies = [
        f"{settings.SESSION_COOKIE_NAME}={session_key_for(user)}" for user in (buyer, seller, buyer)
    ]
    log_path = tmp_path / "web.log"
    process, url = start_asgi_server(
        database_url=database_url, log_path=log_path, env={"REDIS_URL": redis_url}
    )
    port = int(url.rsplit(":", 1)[1])
    loop = asyncio.new_event_loop()
    try:
        sockets = loop.run_until_complete(_open_sockets(port, negotiation.pk, cookies))
        loop.run_until_complete(_acknowledged(sockets, "stall"))
        proxy.stall()
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        elapsed = _wait_for_exit(process, started, log_path)
        assert elapsed < GRACEFUL_SHUTDOWN_SECONDS + EXIT_MARGIN_SECONDS
        assert "timeout graceful shutdown exceeded" in log_path.read_text()
    finally:
        if process.poll() is None:
            stop_process(process)
        proxy.close()
        _close(loop)


def test_a_server_with_busy_chat_sockets_exits_within_its_graceful_period(
    negotiation, buyer, seller, tmp_path
):
    database_url = child_database_url(connection.settings_dict)
    if database_url is None:
        pytest.skip("the server process cannot see an in-memory SQLite test database")
    cookies = [
        f"{settings.SESSION_COOKIE_NAME}={session_key_for(user)}" for user in (buyer, seller, buyer)
    ]
    log_path = tmp_path / "web.log"
    process, url = start_asgi_server(database_url=database_url, log_path=log_path)
    port = int(url.rsplit(":", 1)[1])
    loop = asyncio.new_event_loop()
    try:
        # The sockets stay open on the client side: nothing here helps the server to close.
        sockets = loop.run_until_complete(_open_sockets(port, negotiation.pk, cookies))
        # Busy sockets at SIGTERM: frames in flight whose database work has not finished.
        for n, socket_ in enumerate(sockets):
            for m in range(15):
                frame = {"type": "message", "client_id": f"s{n}-{m}", "body": "x"}
                loop.run_until_complete(socket_.send(json.dumps(frame)))
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        elapsed = _wait_for_exit(process, started, log_path)
        assert elapsed < GRACEFUL_SHUTDOWN_SECONDS + EXIT_MARGIN_SECONDS
    finally:
        if process.poll() is None:
            stop_process(process)
        _close(loop)


async def _burst_then_vanish(port: int, negotiation_id: int, cookie: str) -> None:
    (socket_,) = await _open_sockets(port, negotiation_id, [cookie])
    for m in range(20):
        frame = {"type": "message", "client_id": f"v-{m}", "body": "x"}
        await socket_.send(json.dumps(frame))
    socket_.transport.abort()  # gone without a closing handshake, acks still on their way


def test_a_socket_that_vanishes_while_frames_are_sent_to_it_leaves_no_presence(
    negotiation, buyer, seller, tmp_path
):
    """uvicorn ends a consumer that sends to a closed socket with ClientDisconnected and no
    websocket.disconnect: the consumer must still leave its groups and its presence row."""
    from chat.models import Presence

    database_url = child_database_url(connection.settings_dict)
    if database_url is None:
        pytest.skip("the server process cannot see an in-memory SQLite test database")
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key_for(buyer)}"
    process, url = start_asgi_server(database_url=database_url, log_path=tmp_path / "web.log")
    port = int(url.rsplit(":", 1)[1])
    loop = asyncio.new_event_loop()
    try:
        for _ in range(3):
            loop.run_until_complete(_burst_then_vanish(port, negotiation.pk, cookie))
        deadline = time.monotonic() + 10
        while Presence.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Presence.objects.exists()
    finally:
        stop_process(process)
        _close(loop)
