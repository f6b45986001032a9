"""The chat socket at /ws/negotiations/<id>/chat/; the protocol is in docs/chat.md.

Thin: every frame re-checks access and calls a service or selector in a thread; group
handlers only forward what the services broadcast.
"""

import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from chat import selectors, services
from chat.serializers import message_data
from common.errors import NotAllowed, NotFound, RateLimited, ValidationFailed
from inquiries.selectors import negotiation_side

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
REPLAY_PAGE = selectors.PAGE_MAX
TYPING_MIN_INTERVAL = 2.0


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.negotiation_id = int(self.scope["url_route"]["kwargs"]["negotiation_id"])
        self.joined = False
        self.ready = False
        self.replayed_up_to = 0
        self.last_typing = 0.0
        user = self.scope.get("user")
        # Accept, then close with a code: a refused handshake carries no reason at all.
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        try:
            self.user, negotiation = await self._access()
        except NotFound:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.side = negotiation_side(self.user, negotiation)
        self.group = services.conversation_group(self.negotiation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(services.user_group(self.user_id), self.channel_name)
        self.joined = True
        if self.side:
            await database_sync_to_async(services.presence_join)(
                negotiation_id=self.negotiation_id,
                actor=self.user,
                side=self.side,
                channel_name=self.channel_name,
            )

    async def disconnect(self, code):
        if not self.joined:
            return
        self.joined = False
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(services.user_group(self.user_id), self.channel_name)
        if self.side:
            await database_sync_to_async(services.presence_leave)(
                negotiation_id=self.negotiation_id, side=self.side, channel_name=self.channel_name
            )

    @database_sync_to_async
    def _access(self):
        return selectors.conversation_access(
            user_id=self.user_id, negotiation_id=self.negotiation_id
        )

    async def _recheck(self) -> bool:
        try:
            self.user, negotiation = await self._access()
        except NotFound:
            await self.close(code=CLOSE_NOT_FOUND)
            self.ready = False
            return False
        self.side = negotiation_side(self.user, negotiation)
        return True

    async def error(self, code: str, detail: str, **extra):
        await self.send_json({"type": "error", "code": code, "detail": str(detail), **extra})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not self.joined:
            return
        if text_data is None:
            await self.error("malformed", "Send JSON text frames.")
            return
        if len(text_data.encode()) > settings.CHAT_MAX_FRAME_BYTES:
            await self.error("too_large", "The frame is too large.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("malformed", "The frame is not JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("malformed", "A frame is a JSON object with a type.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        handler = {
            "hello": self.on_hello,
            "message": self.on_message,
            "typing": self.on_typing,
            "read": self.on_read,
            "ping": self.on_ping,
        }.get(content["type"])
        if handler is None:
            await self.error("unknown_type", "Unknown frame type.", frame=content["type"][:40])
            return
        if not await self._recheck():
            return
        try:
            await handler(content)
        except RateLimited as exc:
            await self.error(
                "rate_limited",
                exc.message,
                retry_after=exc.retry_after,
                client_id=content.get("client_id"),
            )
        except ValidationFailed as exc:
            await self.error(
                "invalid", exc.message, errors=exc.errors, client_id=content.get("client_id")
            )
        except NotAllowed as exc:
            await self.error("not_allowed", exc.message, client_id=content.get("client_id"))
        except NotFound:
            await self.close(code=CLOSE_NOT_FOUND)

    @staticmethod
    def _last_id(content) -> int:
        last_id = content.get("last_id", 0)
        if last_id is None:
            return 0
        if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0:
            raise ValidationFailed({"last_id": ["Send the id of the last message you have."]})
        return last_id

    async def _replay(self, after_id: int) -> int:
        """Sends every stored message after ``after_id``, in order; returns the last id sent."""
        while True:
            page = await database_sync_to_async(self._page)(after_id)
            for data in page:
                await self.send_json({"type": "message", "message": data})
                after_id = data["id"]
            self.replayed_up_to = max(self.replayed_up_to, after_id)
            if len(page) < REPLAY_PAGE:
                return after_id

    def _page(self, after_id: int) -> list[dict]:
        messages = selectors.messages_after(
            user=self.user,
            negotiation_id=self.negotiation_id,
            after_id=after_id,
            limit=REPLAY_PAGE,
        )
        return [message_data(message) for message in messages]

    def _state(self) -> dict:
        return {
            "read": selectors.read_state(negotiation_id=self.negotiation_id),
            "online": selectors.side_online(
                negotiation_id=self.negotiation_id, side=selectors.other_side(self.side)
            ),
        }

    async def on_hello(self, content):
        last_id = await self._replay(self._last_id(content))
        self.ready = True
        state = await database_sync_to_async(self._state)()
        await self.send_json(
            {
                "type": "ready",
                "last_id": last_id,
                "side": self.side,
                "user_id": self.user_id,
                "heartbeat": settings.CHAT_HEARTBEAT_SECONDS,
                **state,
            }
        )

    async def on_message(self, content):
        client_id = content.get("client_id")
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValidationFailed({"client_id": ["Send your own id for each message."]})
        message, created = await database_sync_to_async(services.message_post)(
            negotiation_id=self.negotiation_id,
            actor=self.user,
            body=content.get("body"),
            client_id=client_id,
        )
        await self.send_json(
            {
                "type": "ack",
                "client_id": client_id,
                "id": message.pk,
                "created": created,
                "message": message_data(message),
            }
        )

    async def on_typing(self, content):
        now = time.monotonic()
        if now - self.last_typing < TYPING_MIN_INTERVAL:
            return
        self.last_typing = now
        await database_sync_to_async(services.typing_announce)(
            negotiation_id=self.negotiation_id, actor=self.user
        )

    async def on_read(self, content):
        last_id = self._last_id(content)
        marker = await database_sync_to_async(services.message_mark_read)(
            negotiation_id=self.negotiation_id, actor=self.user, last_id=last_id
        )
        await self.send_json({"type": "read_ok", "last_id": marker})

    async def on_ping(self, content):
        # The heartbeat also catches up: messages written in another process reach this
        # window even when the in-memory channel layer cannot carry them.
        last_id = self._last_id(content)
        if self.side:
            await database_sync_to_async(services.presence_beat)(channel_name=self.channel_name)
        if "last_id" in content and self.ready:
            await self._replay(last_id)
        state = await database_sync_to_async(self._state)()
        await self.send_json({"type": "pong", **state})

    # Group handlers: forward only.

    async def chat_message(self, event):
        if self.ready and event["message"]["id"] > self.replayed_up_to:
            await self.send_json({"type": "message", "message": event["message"]})

    async def chat_typing(self, event):
        if self.ready and event["user_id"] != self.user_id:
            await self.send_json({"type": "typing", "side": event["side"], "name": event["name"]})

    async def chat_read(self, event):
        if self.ready:
            await self.send_json(
                {"type": "read", "side": event["side"], "last_read_id": event["last_read_id"]}
            )

    async def chat_presence(self, event):
        if self.ready:
            await self.send_json(
                {"type": "presence", "side": event["side"], "online": event["online"]}
            )

    async def session_close(self, event):
        self.ready = False
        await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def access_recheck(self, event):
        await self._recheck()
