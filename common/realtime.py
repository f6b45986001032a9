"""Pushing events to open WebSockets: the per-user group, and a send that never fails a write.

Every socket of a signed-in user (chat and notifications) joins ``user_group(user.pk)``:
logging out or changing the password closes them all through it (``session.close``), and a
change of company or active flag makes them check access again (``access.recheck``).
"""

import asyncio
import functools
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


async def session_ended(scope) -> bool:
    """True when the session the handshake authenticated with no longer authenticates: it was
    deleted (logout) or its auth hash went stale ("log out everywhere", a password change from
    another session). A socket asks once it has joined ``user_group``: a sign-out between the
    handshake's authentication and that join was broadcast to a group the socket was not yet
    in. The session is read fresh from its store, as the next request would read it. Sockets
    without a session never count as ended."""
    session, user = scope.get("session"), scope.get("user")
    key = getattr(session, "session_key", None)
    if not key or user is None:
        return False
    return not await db_to_async(_session_authenticates)(key, user.pk)


def _session_authenticates(key: str, user_id: int) -> bool:
    from django.contrib.auth import HASH_SESSION_KEY, get_user_model
    from django.utils.crypto import constant_time_compare

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    stored = store.get(HASH_SESSION_KEY)
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if not stored or user is None:
        return False
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(
        constant_time_compare(stored, user._get_session_auth_hash(secret=secret))
        for secret in secrets
    )


def group_send(group: str, event: dict) -> None:
    """Sends to a channel-layer group from sync code; a broken layer is logged, not raised.

    Callers have already stored what the event announces: clients catch up from the database,
    so a lost broadcast must not turn a successful write into an error for the writer.

    In a worker thread of a running server (``db_to_async``, a request's view) the send is
    handed to the server's event loop and the thread returns at once: waiting there would
    hold the thread, and its database connection, for the layer's round trips behind every
    other task of the loop, and the threads are what a chat process has fewest of. A
    ``db_to_async`` caller awaits the sends its call started on the loop before going on, so
    a consumer still acknowledges a message after its broadcast left.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _serving_loop()
    if loop is None:
        try:
            async_to_sync(_send)(layer, group, event)
        except Exception:  # e.g. sync code on a thread that runs an event loop
            logger.exception("realtime: broadcast to %s failed", group)
        return
    future = asyncio.run_coroutine_threadsafe(_send(layer, group, event), loop)
    started = getattr(_thread_sends, "futures", None)
    if started is not None:
        started.append(future)


async def _send(layer, group: str, event: dict) -> None:
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.exception("realtime: broadcast to %s failed", group)


# The sends started by the current db_to_async call of this thread (None outside one).
_thread_sends = threading.local()


def _serving_loop():
    """The event loop whose ``sync_to_async`` call runs in this thread, found as
    ``async_to_sync`` finds it; None in plain sync code (Celery, management commands)."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    if loop.is_closed() or not loop.is_running():
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return loop
    return None  # on the loop's own thread: async_to_sync refuses, and says why


@functools.cache
def _socket_threads() -> ThreadPoolExecutor:
    """The threads of the sockets' database work: WEBSOCKET_DB_THREADS of them (4 by default),
    apart from the event loop's default pool, which serves requests' views. More threads than
    that did not add calls in flight on 2 cores, only switching between them: the server's CPU
    per chat message went from 3.8 ms with 2-4 threads to 4.7 ms with 10."""
    return ThreadPoolExecutor(
        max_workers=settings.WEBSOCKET_DB_THREADS, thread_name_prefix="socket-db"
    )


@functools.cache  # one pair of wrappers per function, not two new ones per call
def db_to_async(function):
    """``sync_to_async`` for a consumer's database work, off the one shared thread.

    Channels' ``database_sync_to_async`` is thread-sensitive: the database work of every socket
    of a process queues on a single thread, which caps a chat process at a few dozen messages a
    second. This runs in the event loop's thread pool instead, and opens and ends each call with
    ``close_old_connections`` as a request does (with the connection pool and CONN_MAX_AGE=0 the
    connection goes back to the pool after each call).
    """

    def run(*args, **kwargs):
        _thread_sends.futures = sends = []
        close_old_connections()
        try:
            return function(*args, **kwargs), sends
        finally:
            close_old_connections()
            _thread_sends.futures = None

    shared_thread = sync_to_async(run, thread_sensitive=True)
    thread_pool = sync_to_async(run, thread_sensitive=False, executor=_socket_threads())

    async def call(*args, **kwargs):
        runner = thread_pool if _threads_share_the_database() else shared_thread
        result, sends = await runner(*args, **kwargs)
        for future in sends:
            await asyncio.wrap_future(future)
        return result

    return call


def _threads_share_the_database() -> bool:
    # An in-memory SQLite database (the test suite's) is one shared-cache connection: two
    # threads using it at once fail with "database table is locked" instead of waiting.
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()


class PooledDatabaseConsumer:
    """Mixin for consumers whose database work all goes through ``db_to_async``: every event
    is handled without Channels' ``aclose_old_connections()`` first.

    Channels runs ``close_old_connections`` before each event it dispatches (every frame from
    the client and every group message) on the one thread that ``sync_to_async`` shares
    within a process, so all sockets of a process queue on it for every frame they forward.
    These consumers hold no connection on that thread: ``db_to_async`` opens and hands back
    its own around each call.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
