"""common.realtime: the sockets' database calls and broadcasts, and what they cost a process."""

import asyncio
import threading
from unittest import mock

import pytest
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from common import realtime

# db_to_async opens and ends every call with close_old_connections, which looks at the thread's
# connection: after other database tests ran on that thread, it needs database access.
pytestmark = pytest.mark.django_db(transaction=True)


class _SlowLayer:
    """A channel layer whose group_send waits until the test lets it go."""

    def __init__(self):
        self.release = asyncio.Event()
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group, event):
        await self.release.wait()
        self.sent.append((group, event))


def _send_and_note(done: threading.Event) -> str:
    realtime.group_send("chat-1", {"type": "chat.read"})
    done.set()  # the thread got here without waiting for the layer
    return threading.current_thread().name


@pytest.fixture
def slow_layer():
    layer = _SlowLayer()
    with mock.patch("common.realtime.get_channel_layer", return_value=layer):
        yield layer


async def test_a_broadcast_from_a_database_call_frees_its_thread_before_the_layer_answers(
    slow_layer,
):
    thread_returned = threading.Event()
    call = asyncio.ensure_future(realtime.db_to_async(_send_and_note)(thread_returned))
    await asyncio.to_thread(thread_returned.wait, 5)
    assert thread_returned.is_set()
    assert slow_layer.sent == []
    slow_layer.release.set()
    await asyncio.wait_for(call, 5)


async def test_a_database_call_returns_only_after_the_broadcasts_it_started_were_sent(
    slow_layer,
):
    call = asyncio.ensure_future(realtime.db_to_async(_send_and_note)(threading.Event()))
    await asyncio.sleep(0.2)
    assert not call.done()
    slow_layer.release.set()
    await asyncio.wait_for(call, 5)
    assert slow_layer.sent == [("chat-1", {"type": "chat.read"})]


async def test_a_failed_broadcast_is_logged_and_the_database_call_still_returns(caplog):
    class BrokenLayer:
        async def group_send(self, group, event):
            raise ConnectionError("redis is gone")

    with mock.patch("common.realtime.get_channel_layer", return_value=BrokenLayer()):
        name = await realtime.db_to_async(_send_and_note)(threading.Event())
    assert name
    assert "broadcast to chat-1 failed" in caplog.text


async def test_database_calls_run_in_the_socket_threads_not_the_shared_one():
    with mock.patch("common.realtime._threads_share_the_database", return_value=True):
        name = await realtime.db_to_async(threading.current_thread)()
    assert name.name.startswith("socket-db")


class _Consumer(realtime.PooledDatabaseConsumer, AsyncJsonWebsocketConsumer):
    handled: list

    async def chat_message(self, event):
        self.handled.append(event)


async def test_a_socket_forwards_an_event_without_a_hop_to_the_shared_thread():
    """Channels closes old connections on the one shared thread before every event; these
    consumers keep no connection there, so every frame a process forwards skipped it."""
    consumer = _Consumer()
    consumer.handled = []
    with mock.patch("channels.consumer.aclose_old_connections") as close:
        await consumer.dispatch({"type": "chat.message", "id": 1})
    assert consumer.handled == [{"type": "chat.message", "id": 1}]
    close.assert_not_called()


async def test_a_broadcast_from_sync_code_on_a_thread_running_a_loop_is_logged_not_raised(
    slow_layer, caplog
):
    """As in the browser tests, whose sync code runs beside Playwright's event loop."""
    realtime.group_send("chat-1", {"type": "chat.read"})
    assert "broadcast to chat-1 failed" in caplog.text
