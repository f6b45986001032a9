"""The chat socket, end to end through the ASGI application (origin check, auth, routing)."""

import contextlib

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from accounts.models import User
from chat import services
from chat.models import Message
from chat.tests.factories import post
from negotiation_portal.asgi import application
from orders import services as order_services
from orders.tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)


_communicators: list[WebsocketCommunicator] = []


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    """These tests drive one process; the Redis layer is proven by test_redis_layer.py."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
async def _clean_up(_in_memory_layer):
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        await layer.flush()
    yield
    # A consumer left running keeps its Redis receive pending past the test's event loop.
    while _communicators:
        communicator = _communicators.pop()
        with contextlib.suppress(Exception):  # already closed by the server
            await communicator.disconnect(timeout=1)
    await sync_to_async(connections.close_all)()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def socket(user, negotiation_id, *, hello=True, last_id=0):
    """A connected communicator; with ``hello``, returns it with the replayed messages."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(
        application, f"/ws/negotiations/{negotiation_id}/chat/", headers=headers
    )
    _communicators.append(communicator)
    connected, _ = await communicator.connect()
    assert connected
    if not hello:
        return communicator, []
    await communicator.send_json_to({"type": "hello", "last_id": last_id})
    replayed = []
    while True:
        frame = await communicator.receive_json_from()
        if frame["type"] == "ready":
            return communicator, replayed
        assert frame["type"] == "message"
        replayed.append(frame["message"])


async def next_of(communicator, frame_type, timeout=2):
    """The next frame of a type, skipping presence and other noise."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


async def closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_an_anonymous_socket_is_closed_with_4401(negotiation):
    communicator, _ = await socket(None, negotiation.pk, hello=False)
    assert await closed_with(communicator) == 4401


async def test_an_outsider_is_closed_with_4404_and_learns_nothing(conversation, other_buyer):
    communicator, _ = await socket(other_buyer, conversation.pk, hello=False)
    output = await communicator.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": 4404}


async def test_a_socket_without_an_allowed_origin_is_refused(negotiation, buyer):
    cookie = await sync_to_async(_session_cookie)(buyer)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/negotiations/{negotiation.pk}/chat/",
        headers=[(b"origin", b"http://evil.example"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_hello_replays_the_conversation_in_order(conversation, seller):
    communicator, replayed = await socket(seller, conversation.pk)
    assert [m["body"] for m in replayed] == [
        "Can you do 4.50?",
        "4.70 is our best price.",
        "Deal at 4.70.",
    ]
    assert [m["seq"] for m in replayed] == [1, 2, 3]
    await communicator.disconnect()


async def test_a_message_is_stored_then_acknowledged_and_broadcast(negotiation, buyer, seller):
    buyer_socket, _ = await socket(buyer, negotiation.pk)
    seller_socket, _ = await socket(seller, negotiation.pk)
    await buyer_socket.send_json_to({"type": "message", "client_id": "c-1", "body": "Hello"})
    ack = await next_of(buyer_socket, "ack")
    assert ack["client_id"] == "c-1"
    assert ack["created"] is True
    received = await next_of(seller_socket, "message")
    assert received["message"]["id"] == ack["id"]
    assert received["message"]["body"] == "Hello"
    assert received["message"]["sender"]["id"] == buyer.pk
    stored = await sync_to_async(Message.objects.get)(pk=ack["id"])
    assert stored.body == "Hello"
    await buyer_socket.disconnect()
    await seller_socket.disconnect()


async def test_a_duplicate_client_id_is_stored_and_broadcast_once(negotiation, buyer, seller):
    buyer_socket, _ = await socket(buyer, negotiation.pk)
    seller_socket, _ = await socket(seller, negotiation.pk)
    for _ in range(2):
        await buyer_socket.send_json_to({"type": "message", "client_id": "c-1", "body": "Hi"})
    first = await next_of(buyer_socket, "ack")
    second = await next_of(buyer_socket, "ack")
    assert first["id"] == second["id"]
    assert (first["created"], second["created"]) == (True, False)
    assert await sync_to_async(Message.objects.count)() == 1
    await next_of(seller_socket, "message")
    assert await seller_socket.receive_nothing(timeout=0.3)
    await buyer_socket.disconnect()
    await seller_socket.disconnect()


async def test_reconnecting_catches_up_without_gap_or_duplicate(conversation, buyer, seller):
    buyer_socket, replayed = await socket(buyer, conversation.pk)
    await buyer_socket.disconnect()
    for n in range(3):
        await sync_to_async(post)(conversation, seller, f"While you were away {n}")
    buyer_socket, caught_up = await socket(buyer, conversation.pk, last_id=replayed[-1]["id"])
    assert [m["body"] for m in caught_up] == [f"While you were away {n}" for n in range(3)]
    assert [m["seq"] for m in caught_up] == [4, 5, 6]
    await sync_to_async(post)(conversation, seller, "Live again")
    live = await next_of(buyer_socket, "message")
    assert live["message"]["seq"] == 7
    assert await buyer_socket.receive_nothing(timeout=0.3)
    await buyer_socket.disconnect()


async def test_the_heartbeat_delivers_messages_the_layer_did_not(conversation, buyer, seller):
    buyer_socket, replayed = await socket(buyer, conversation.pk)
    # Written as if by another process: stored, but never broadcast on this layer.
    message = await sync_to_async(_store_without_broadcast)(conversation, seller)
    await buyer_socket.send_json_to({"type": "ping", "last_id": replayed[-1]["id"]})
    frame = await buyer_socket.receive_json_from()
    assert frame["type"] == "message"
    assert frame["message"]["id"] == message.pk
    assert (await buyer_socket.receive_json_from())["type"] == "pong"
    await buyer_socket.disconnect()


def _store_without_broadcast(negotiation, user):
    from unittest import mock

    with mock.patch("chat.services._broadcast_message"):
        return post(negotiation, user, "From a worker process")


async def test_the_21st_message_gets_a_rate_limit_error_and_the_socket_stays_open(
    negotiation, buyer
):
    communicator, _ = await socket(buyer, negotiation.pk)
    for n in range(21):
        await communicator.send_json_to({"type": "message", "client_id": f"c-{n}", "body": "x"})
    error = await next_of(communicator, "error")
    assert error["code"] == "rate_limited"
    assert error["client_id"] == "c-20"
    assert error["retry_after"] >= 1
    await communicator.send_json_to({"type": "ping"})
    assert (await next_of(communicator, "pong"))["type"] == "pong"
    assert await sync_to_async(Message.objects.count)() == 20
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"no": "type"}', "malformed"),
        ('{"type": "launch"}', "unknown_type"),
        ('{"type": "message", "client_id": "c", "body": "' + "x" * 5001 + '"}', "invalid"),
        ('{"type": "message", "body": "no client id"}', "invalid"),
        ('{"type": "hello", "last_id": "abc"}', "invalid"),
        ('{"type": "message", "client_id": "c", "body": "' + "x" * 70000 + '"}', "too_large"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_open(negotiation, buyer, frame, code):
    communicator, _ = await socket(buyer, negotiation.pk)
    await communicator.send_to(text_data=frame)
    assert (await next_of(communicator, "error"))["code"] == code
    await communicator.send_json_to({"type": "ping"})
    assert (await next_of(communicator, "pong"))["type"] == "pong"
    assert await sync_to_async(Message.objects.count)() == 0
    await communicator.disconnect()


async def test_a_binary_frame_gets_an_error(negotiation, buyer):
    communicator, _ = await socket(buyer, negotiation.pk)
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await next_of(communicator, "error"))["code"] == "malformed"
    await communicator.disconnect()


async def test_staff_reads_the_conversation_but_cannot_write(conversation, staff):
    communicator, replayed = await socket(staff, conversation.pk)
    assert len(replayed) == 3
    await communicator.send_json_to({"type": "message", "client_id": "s", "body": "Hi"})
    assert (await next_of(communicator, "error"))["code"] == "not_allowed"
    await communicator.disconnect()


async def test_the_other_side_sees_typing_and_read_receipts(conversation, buyer, seller):
    buyer_socket, replayed = await socket(buyer, conversation.pk)
    seller_socket, _ = await socket(seller, conversation.pk)
    await buyer_socket.send_json_to({"type": "typing"})
    typing = await next_of(seller_socket, "typing")
    assert typing["side"] == "buyer"
    assert typing["name"] == buyer.display_name
    await seller_socket.send_json_to({"type": "read", "last_id": replayed[-1]["id"]})
    receipt = await next_of(buyer_socket, "read")
    assert receipt == {"type": "read", "side": "seller", "last_read_id": replayed[-1]["id"]}
    await buyer_socket.disconnect()
    await seller_socket.disconnect()


async def test_the_counterpart_goes_online_and_offline(negotiation, buyer, seller):
    buyer_socket, _ = await socket(buyer, negotiation.pk)
    seller_socket, _ = await socket(seller, negotiation.pk)
    assert (await next_of(buyer_socket, "presence")) == {
        "type": "presence",
        "side": "seller",
        "online": True,
    }
    await seller_socket.disconnect()
    assert (await next_of(buyer_socket, "presence"))["online"] is False
    await buyer_socket.disconnect()


async def test_ready_says_whether_the_counterpart_is_online(negotiation, buyer, seller):
    seller_socket, _ = await socket(seller, negotiation.pk)
    communicator, _ = await socket(buyer, negotiation.pk, hello=False)
    await communicator.send_json_to({"type": "hello", "last_id": 0})
    ready = await next_of(communicator, "ready")
    assert ready["online"] is True
    assert ready["side"] == "buyer"
    await communicator.disconnect()
    await seller_socket.disconnect()


async def test_an_order_confirmation_appears_as_a_system_message(buyer, seller):
    order = await sync_to_async(make_order)(buyer=buyer, seller=seller)
    communicator, replayed = await socket(buyer, order.negotiation_id)
    assert replayed == []  # the seller's draft is not announced to the buyer
    await sync_to_async(order_services.order_confirm)(
        order_id=order.pk, actor=seller, version=order.version
    )
    frame = await next_of(communicator, "message")
    message = frame["message"]
    assert message["kind"] == "system"
    assert message["sender"] is None
    assert message["body"] == "Seller confirmed version 1: waiting for the buyer."
    assert message["order"]["id"] == order.pk
    assert message["order"]["version"] == order.version + 1
    assert message["seq"] == 1  # the buyer's own numbering: his first message
    await communicator.disconnect()


async def test_logging_out_closes_the_users_sockets(negotiation, buyer):
    communicator, _ = await socket(buyer, negotiation.pk)
    await sync_to_async(_log_in_and_out)(buyer)
    assert await closed_with(communicator) == 4401


def _log_in_and_out(user):
    client = Client()
    client.force_login(user)
    client.logout()


async def test_a_member_removed_from_the_company_loses_access_once_the_cached_check_expires(
    negotiation, buyer, other_buyer, settings
):
    settings.CHAT_ACCESS_RECHECK_SECONDS = 0
    communicator, _ = await socket(buyer, negotiation.pk)
    # A bulk update sends no signal: the socket's next check of access still catches it.
    await sync_to_async(User.objects.filter(pk=buyer.pk).update)(company=other_buyer.company)
    await communicator.send_json_to({"type": "message", "client_id": "c", "body": "Still here?"})
    assert await closed_with(communicator) == 4404
    assert await sync_to_async(Message.objects.count)() == 0


async def test_a_member_moved_to_another_company_is_closed_at_once(negotiation, buyer, other_buyer):
    communicator, _ = await socket(buyer, negotiation.pk)
    buyer.company = other_buyer.company
    await sync_to_async(buyer.save)()
    assert await closed_with(communicator) == 4404


async def test_hello_on_a_long_conversation_replays_only_the_newest_page(
    negotiation, buyer, seller, settings
):
    settings.CHAT_REPLAY_LATEST = 3
    for n in range(5):
        await sync_to_async(post)(negotiation, seller, f"m{n}")
    communicator, replayed = await socket(buyer, negotiation.pk)
    assert [m["body"] for m in replayed] == ["m2", "m3", "m4"]


async def test_ready_says_when_earlier_messages_are_left_to_page_back_to(
    negotiation, buyer, seller, settings
):
    settings.CHAT_REPLAY_LATEST = 3
    for n in range(5):
        await sync_to_async(post)(negotiation, seller, f"m{n}")
    communicator, _ = await socket(buyer, negotiation.pk, hello=False)
    await communicator.send_json_to({"type": "hello", "last_id": 0})
    ready = await next_of(communicator, "ready")
    assert ready["earlier"] is True
    assert ready["more"] is False


async def test_a_reconnect_replays_one_bounded_page_and_says_there_is_more(
    conversation, buyer, settings
):
    settings.CHAT_REPLAY_MAX = 2
    first_id = await sync_to_async(Message.objects.values_list("pk", flat=True).first)()
    communicator, _ = await socket(buyer, conversation.pk, hello=False)
    await communicator.send_json_to({"type": "hello", "last_id": first_id})
    first = await next_of(communicator, "message")
    ready = await next_of(communicator, "ready")
    assert first["message"]["seq"] == 2
    assert ready["more"] is True


async def test_a_deeply_nested_frame_gets_an_error_and_the_socket_stays_open(conversation, buyer):
    communicator, _ = await socket(buyer, conversation.pk)
    await communicator.send_to(text_data="[" * 10_000 + "]" * 10_000)
    error = await next_of(communicator, "error")
    assert error["code"] == "malformed"
    await communicator.send_json_to({"type": "ping"})
    assert (await next_of(communicator, "pong"))["type"] == "pong"


async def test_a_nul_character_in_a_message_frame_gets_a_field_error(conversation, buyer):
    communicator, _ = await socket(buyer, conversation.pk)
    await communicator.send_json_to({"type": "message", "client_id": "n", "body": "a\x00b"})
    error = await next_of(communicator, "error")
    assert (error["code"], error["client_id"]) == ("invalid", "n")
    assert "body" in error["errors"]
    await communicator.send_json_to({"type": "message", "client_id": "ok", "body": "fine"})
    assert (await next_of(communicator, "ack"))["client_id"] == "ok"


@pytest.mark.parametrize(
    "origin",
    [
        b"http://testserver:1",  # same host, another port
        b"https://testserver",  # same host, another scheme
        b"http://testserver.evil.example",
        b"null",
    ],
)
async def test_a_socket_from_another_port_or_scheme_is_refused(negotiation, buyer, origin):
    cookie = await sync_to_async(_session_cookie)(buyer)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/negotiations/{negotiation.pk}/chat/",
        headers=[
            (b"origin", origin),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_socket_from_a_trusted_origin_is_let_in(negotiation, buyer, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://testserver:8443"]
    cookie = await sync_to_async(_session_cookie)(buyer)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/negotiations/{negotiation.pk}/chat/",
        headers=[
            (b"origin", b"https://testserver:8443"),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    _communicators.append(communicator)
    connected, _ = await communicator.connect()
    assert connected


async def test_a_system_message_for_the_seller_never_reaches_the_buyers_socket(
    negotiation, buyer, seller
):
    buyer_socket, _ = await socket(buyer, negotiation.pk)
    seller_socket, _ = await socket(seller, negotiation.pk)
    await sync_to_async(services.system_message_post)(
        negotiation_id=negotiation.pk,
        text="Draft saved.",
        order_id=None,
        version=1,
        audience="seller",
    )
    await sync_to_async(post)(negotiation, seller, "Hello")
    assert [(await next_of(seller_socket, "message"))["message"]["seq"] for _ in range(2)] == [
        1,
        2,
    ]
    seen = await next_of(buyer_socket, "message")
    assert (seen["message"]["body"], seen["message"]["seq"]) == ("Hello", 1)


async def test_each_socket_gets_a_system_message_in_its_readers_language(
    negotiation, buyer, seller, test_catalogues
):
    for user, language in ((buyer, "de"), (seller, "zh-hans")):
        user.language = language
        await sync_to_async(user.save)(update_fields=["language"])
    buyer_socket, _ = await socket(buyer, negotiation.pk)
    seller_socket, _ = await socket(seller, negotiation.pk)
    await sync_to_async(services.system_message_post)(
        negotiation_id=negotiation.pk,
        kind="agreed",
        data={"side": "buyer", "version": 3},
        order_id=None,
        version=3,
    )
    seen_by_buyer = await next_of(buyer_socket, "message")
    seen_by_seller = await next_of(seller_socket, "message")
    assert seen_by_buyer["message"]["body"] == (
        "Beide Parteien haben Version 3 bestätigt: Zahlung ausstehend."
    )
    assert seen_by_seller["message"]["body"] == "双方已确认第 3 版：等待付款。"
    _again, replayed = await socket(seller, negotiation.pk)
    assert [message["body"] for message in replayed] == ["双方已确认第 3 版：等待付款。"]


async def test_a_password_change_closes_the_users_sockets_with_the_reconnect_code(
    negotiation, buyer
):
    communicator, _ = await socket(buyer, negotiation.pk)
    await sync_to_async(services.user_sockets_close)(user_id=buyer.pk, reason="password_changed")
    assert await closed_with(communicator) == 4001


async def test_after_a_password_change_an_old_session_cannot_reconnect(negotiation, buyer):
    cookie = await sync_to_async(_session_cookie)(buyer)
    await sync_to_async(_change_password)(buyer)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/negotiations/{negotiation.pk}/chat/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    _communicators.append(communicator)
    await communicator.connect()
    assert await closed_with(communicator) == 4401


def _change_password(user):
    user.set_password("a-new-password-1")
    user.save()
