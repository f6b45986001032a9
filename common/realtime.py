"""Pushing events to open WebSockets: the per-user group, and a send that never fails a write.

Every socket of a signed-in user (chat and notifications) joins ``user_group(user.pk)``:
logging out or changing the password closes them all through it (``session.close``), and a
change of company or active flag makes them check access again (``access.recheck``).
"""

import logging

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def group_send(group: str, event: dict) -> None:
    """Sends to a channel-layer group from sync code; a broken layer is logged, not raised.

    Callers have already stored what the event announces: clients catch up from the database,
    so a lost broadcast must not turn a successful write into an error for the writer.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("realtime: broadcast to %s failed", group)


def db_to_async(function):
    """``sync_to_async`` for a consumer's database work, off the one shared thread.

    Channels' ``database_sync_to_async`` is thread-sensitive: the database work of every socket
    of a process queues on a single thread, which caps a chat process at a few dozen messages a
    second. This runs in the event loop's thread pool instead, and opens and ends each call with
    ``close_old_connections`` as a request does (with the connection pool and CONN_MAX_AGE=0 the
    connection goes back to the pool after each call).
    """

    def run(*args, **kwargs):
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    shared_thread = sync_to_async(run, thread_sensitive=True)
    thread_pool = sync_to_async(run, thread_sensitive=False)

    async def call(*args, **kwargs):
        runner = thread_pool if _threads_share_the_database() else shared_thread
        return await runner(*args, **kwargs)

    return call


def _threads_share_the_database() -> bool:
    # An in-memory SQLite database (the test suite's) is one shared-cache connection: two
    # threads using it at once fail with "database table is locked" instead of waiting.
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()
