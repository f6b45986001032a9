"""The bell updates live: notifications are pushed to the user's open pages on commit."""

import contextlib
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from chat import services as chat_services
from notifications import services
from notifications.models import Kind, Notification
from notifications.services import Message, notifications_group

_communicators: list[WebsocketCommunicator] = []


@pytest.fixture
def _in_memory_layer(settings, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # The consumers' database work runs in the thread pool: no thread keeps a connection.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture
async def live(_in_memory_layer):
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        await layer.flush()
    yield
    while _communicators:
        with contextlib.suppress(Exception):
            await _communicators.pop().disconnect(timeout=1)
    await sync_to_async(connections.close_all)()


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _socket(user):
    from negotiation_portal.asgi import application

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await sync_to_async(_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    _communicators.append(communicator)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


def _notify(company_id):
    services.notifications_send(
        messages=[Message(company_id=company_id, kind=Kind.ORDER_OVERDUE, title="Overdue")]
    )


@pytest.mark.django_db
def test_new_notifications_are_pushed_to_each_recipient_once_committed(
    buyer, django_capture_on_commit_callbacks
):
    colleague = type(buyer).objects.create(username="colleague", company=buyer.company)
    sent = []
    with mock.patch("notifications.services.group_send", lambda g, e: sent.append((g, e))):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _notify(buyer.company_id)
        assert sent == []  # nothing before the commit
        for callback in callbacks:
            callback()
    assert sorted(group for group, _ in sent) == sorted(
        [notifications_group(buyer.pk), notifications_group(colleague.pk)]
    )
    assert {event["type"] for _, event in sent} == {"notifications.changed"}


@pytest.mark.django_db
def test_marking_all_read_tells_the_users_other_pages(buyer, django_capture_on_commit_callbacks):
    _notify(buyer.company_id)
    sent = []
    push = mock.patch("notifications.services.group_send", lambda g, e: sent.append((g, e)))
    with push, django_capture_on_commit_callbacks(execute=True):
        services.notifications_mark_all_read(actor=buyer)
    assert sent == [(notifications_group(buyer.pk), {"type": "notifications.changed"})]


@pytest.mark.django_db
def test_the_bell_no_longer_polls(buyer, client):
    client.force_login(buyer)
    page = client.get("/notifications/").content.decode()
    assert "every 60s" not in page
    assert 'data-notifications-socket="/ws/notifications/"' in page
    assert "notifications-changed from:body" in page


@pytest.mark.django_db(transaction=True)
async def test_an_open_page_hears_a_new_notification(live, buyer):
    communicator = await _socket(buyer)
    await sync_to_async(_notify)(buyer.company_id)
    assert await communicator.receive_json_from(timeout=2) == {"type": "changed"}
    assert await sync_to_async(Notification.objects.count)() == 1


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_notifications_socket_is_closed_with_4401(live):
    communicator = await _socket(None)
    assert await _closed_with(communicator) == 4401


@pytest.mark.django_db(transaction=True)
async def test_logging_out_elsewhere_closes_the_notifications_socket(live, buyer):
    communicator = await _socket(buyer)
    await sync_to_async(chat_services.user_sockets_close)(user_id=buyer.pk, reason="logout")
    assert await _closed_with(communicator) == 4401


@pytest.mark.django_db(transaction=True)
async def test_a_ping_is_answered_and_junk_is_ignored(live, buyer):
    communicator = await _socket(buyer)
    await communicator.send_to(text_data="[" * 200)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
