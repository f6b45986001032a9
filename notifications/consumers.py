"""The notifications socket at /ws/notifications/: tells the user's open pages that the bell
changed (docs/chat.md, "Notifications socket"). Every signed-in page opens one; it only
listens, and carries no notification content: the page reloads the bell partial.
"""

import json

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.models import User
from common.realtime import PooledDatabaseConsumer, db_to_async, session_ended, user_group
from notifications.services import notifications_group

CLOSE_NOT_AUTHENTICATED = 4401
PING_MAX_BYTES = 256


def _still_active(user_id: int) -> bool:
    return User.objects.filter(pk=user_id, is_active=True).exists()


class NotificationsConsumer(PooledDatabaseConsumer, AsyncJsonWebsocketConsumer):
    groups_joined: tuple[str, ...] = ()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Ended without websocket.disconnect (a push to a socket that just closed): leave.
            await self.disconnect(None)

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        # The user's group closes the socket on logout and password change, like the chat's.
        self.groups_joined = (notifications_group(user.pk), user_group(user.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        if await session_ended(self.scope):
            await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = ()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """The socket only listens; a ping is answered so that clients can detect dead ones.
        Anything else (not JSON, too large, nested too deep) is ignored, never an error."""
        if not text_data or len(text_data) > PING_MAX_BYTES:
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            return
        if isinstance(frame, dict) and frame.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notifications_changed(self, event):
        await self.send_json({"type": "changed"})

    async def session_close(self, event):
        await self.close(code=event.get("code", CLOSE_NOT_AUTHENTICATED))

    async def access_recheck(self, event):
        if not await db_to_async(_still_active)(self.user_id):
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
