"""Two ASGI servers sharing the Redis channel layer: a socket on one hears the other.

Runs when REDIS_URL is set and the child processes can see the test database: PostgreSQL
(DATABASE_URL, as in CI's second pass) or an SQLite file test database (TEST_DATABASE_NAME).
"""

import asyncio
import json
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from knox.models import AuthToken

from common.testing import child_database_url, session_key_for, start_asgi_server, stop_process

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={session_key_for(user)}"


def _start_server(database_url: str, log_path):
    process, url = start_asgi_server(database_url=database_url, log_path=log_path)
    return process, int(url.rsplit(":", 1)[1])


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
    database_url = child_database_url(connection.settings_dict)
    if database_url is None:
        pytest.skip("needs PostgreSQL or an SQLite file test database (TEST_DATABASE_NAME)")
    buyer_cookie, seller_cookie = _cookie(buyer), _cookie(seller)
    token = AuthToken.objects.create(user=seller)[1]
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
        stop_process(server_a)
        stop_process(server_b)
    assert [m["body"] for m in received] == ["Socket 0", "Socket 1", "Socket 2", "Over REST"]
    assert [m["seq"] for m in received] == [1, 2, 3, 4]
