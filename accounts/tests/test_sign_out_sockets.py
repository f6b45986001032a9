"""A password change, a reset or "log out everywhere" closes the user's open chat sockets."""

import contextlib

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from accounts import services
from accounts.models import User
from inquiries.tests.factories import NegotiationFactory
from negotiation_portal.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    yield
    await sync_to_async(connections.close_all)()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _communicator(user, path: str) -> WebsocketCommunicator:
    """A socket to ``path`` with a signed-in session of ``user``."""
    cookie = await sync_to_async(_session_cookie)(user)
    return WebsocketCommunicator(
        application,
        path,
        headers=[
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )


async def _open_socket(user) -> WebsocketCommunicator:
    negotiation = await sync_to_async(NegotiationFactory)(buyer_company=user.company)
    communicator = await _communicator(user, f"/ws/negotiations/{negotiation.pk}/chat/")
    connected, _ = await communicator.connect()
    assert connected
    # The handshake completes before the consumer has joined its groups; its answer to "hello"
    # comes after connect() finished, so a signal sent from here on reaches it.
    await communicator.send_json_to({"type": "hello", "last_id": 0})
    while (await communicator.receive_json_from(timeout=5))["type"] != "ready":
        pass
    return communicator


async def _close_code(communicator) -> int | None:
    try:
        while True:
            output = await communicator.receive_output(timeout=2)
            if output["type"] == "websocket.close":
                return output["code"]
    finally:
        with contextlib.suppress(Exception):
            await communicator.disconnect(timeout=1)


def _change_password(user):
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct-horse-42",
            "new_password1": "lantern-meadow-73",
            "new_password2": "lantern-meadow-73",
        },
    )
    assert response.status_code == 302


async def test_a_password_change_closes_the_users_open_chat_sockets(buyer):
    communicator = await _open_socket(buyer)
    await sync_to_async(_change_password)(buyer)
    # 4001: the page reconnects; only the session that changed the password still authenticates.
    assert await _close_code(communicator) == 4001


async def test_log_out_everywhere_closes_the_users_open_chat_sockets(buyer):
    communicator = await _open_socket(buyer)
    await sync_to_async(services.user_sign_out_everywhere)(user=buyer)
    assert await _close_code(communicator) == 4401


async def test_another_users_password_change_leaves_the_socket_open(buyer, other_buyer):
    communicator = await _open_socket(buyer)
    await sync_to_async(services.user_password_changed)(user=other_buyer)
    while not await communicator.receive_nothing(timeout=0.5):
        assert (await communicator.receive_output())["type"] != "websocket.close"
    await communicator.disconnect()


class SignOutOnJoinLayer(InMemoryChannelLayer):
    """Signs the user out everywhere just before a socket joins its user group: the sign-out's
    broadcast goes to a group the socket is not in yet."""

    async def group_add(self, group, channel):
        if group.startswith("user-"):
            user = await User.objects.aget(pk=int(group.removeprefix("user-")))
            await sync_to_async(services.user_sign_out_everywhere)(user=user)
        await super().group_add(group, channel)


@pytest.mark.parametrize(
    "path", ["/ws/negotiations/{negotiation}/chat/", "/ws/notifications/"], ids=["chat", "bell"]
)
async def test_a_sign_out_while_the_socket_joins_still_closes_it(settings, buyer, path):
    negotiation = await sync_to_async(NegotiationFactory)(buyer_company=buyer.company)
    communicator = await _communicator(buyer, path.format(negotiation=negotiation.pk))
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.SignOutOnJoinLayer"}}
    connected, _ = await communicator.connect()
    assert connected

    assert await _close_code(communicator) == 4401
