"""Two ASGI servers sharing the Redis channel layer: a socket on one hears the other.

Runs when REDIS_URL is set and the child processes can see the test database: PostgreSQL
(DATABASE_URL, as in CI's second pass) or an SQLite file test database (TEST_DATABASE_NAME).
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _child_database_url() -> str:
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        name = settings_dict["NAME"]
        if not name or name == ":memory:" or "mode=memory" in str(name):
            pytest.skip("needs PostgreSQL or an SQLite file test database (TEST_DATABASE_NAME)")
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(settings_dict["NAME"])))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(database_url: str, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "negotiation_portal.settings",
    }
    env.pop("TEST_DATABASE_NAME", None)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "negotiation_portal.asgi:application",
                "--ws",
                "auto",
                "--lifespan",
                "off",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def _open(port: int, negotiation_id: int, cookie: str):
    import websockets

    socket_ = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/negotiations/{negotiation_id}/chat/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
    )
    await socket_.send(json.dumps({"type": "hello", "last_id": 0}))
    while json.loads(await asyncio.wait_for(socket_.recv(), 5))["type"] != "ready":
        pass
    return socket_


async def _next_of(socket_, frame_type: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(socket_.recv(), 10))
        if frame["type"] == frame_type:
            return frame


async def _next_message(socket_) -> dict:
    return (await _next_of(socket_, "message"))["message"]


def _post_over_rest(port: int, negotiation_id: int, token: str, body: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/negotiations/{negotiation_id}/messages/",
        data=json.dumps({"body": body, "client_id": "rest-1"}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def test_a_socket_on_one_server_receives_in_order_what_the_other_server_stores(
    negotiation, buyer, seller, tmp_path
):
    database_url = _child_database_url()
    buyer_cookie, seller_cookie = _session_cookie(buyer), _session_cookie(seller)
    token = Token.objects.create(user=seller).key
    server_a, port_a = _start_server(database_url, tmp_path / "a.log")
    server_b, port_b = _start_server(database_url, tmp_path / "b.log")

    async def scenario():
        listener = await _open(port_a, negotiation.pk, buyer_cookie)
        writer = await _open(port_b, negotiation.pk, seller_cookie)
        for n in range(3):
            await writer.send(
                json.dumps({"type": "message", "client_id": f"ws-{n}", "body": f"Socket {n}"})
            )
            await _next_of(writer, "ack")
        await asyncio.to_thread(_post_over_rest, port_b, negotiation.pk, token, "Over REST")
        # The listener never pings: whatever it gets came through Redis.
        received = [await _next_message(listener) for _ in range(4)]
        await writer.close()
        await listener.close()
        return received

    try:
        received = asyncio.run(scenario())
    finally:
        _stop(server_a)
        _stop(server_b)
    assert [m["body"] for m in received] == ["Socket 0", "Socket 1", "Socket 2", "Over REST"]
    assert [m["seq"] for m in received] == [1, 2, 3, 4]
