"""The chat socket at /ws/negotiations/<id>/chat/; the protocol is in docs/chat.md.

Thin: frames are validated here and handed to a service or selector, whose database work runs
in the thread pool (``db_to_async``), not on the one thread all sockets would share. Access is
read again at most every CHAT_ACCESS_RECHECK_SECONDS, and at once when the user's group says
so (logout, password change, company or active flag changed). Group handlers only forward.
"""

import json
import logging
import time

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from chat import selectors, services
from chat.serializers import frame_for, message_data
from common.errors import NotAllowed, NotFound, RateLimited, ValidationFailed
from common.i18n import in_language_of, user_language
from common.realtime import PooledDatabaseConsumer, db_to_async, session_ended, user_group
from inquiries.selectors import negotiation_side

logger = logging.getLogger(__name__)

CLOSE_NOT_AUTHENTICATED = services.CLOSE_SIGNED_OUT
CLOSE_NOT_FOUND = 4404
TYPING_MIN_INTERVAL = 2.0


def _page_after(user, negotiation_id: int, after_id: int) -> list[dict]:
    messages = selectors.messages_after(
        user=user, negotiation_id=negotiation_id, after_id=after_id, limit=settings.CHAT_REPLAY_MAX
    )
    with in_language_of(user):
        return [message_data(message) for message in messages]


def _latest_page(user, negotiation_id: int) -> list[dict]:
    messages = selectors.messages_before(
        user=user, negotiation_id=negotiation_id, before_id=None, limit=settings.CHAT_REPLAY_LATEST
    )
    with in_language_of(user):
        return [message_data(message) for message in messages]


def _state(negotiation_id: int, side: str | None) -> dict:
    return {
        "read": selectors.read_state(negotiation_id=negotiation_id),
        "online": selectors.side_online(
            negotiation_id=negotiation_id, side=selectors.other_side(side)
        ),
    }


class ChatConsumer(PooledDatabaseConsumer, AsyncJsonWebsocketConsumer):
    joined = False

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # A frame sent to a socket that has just closed ends the consumer with uvicorn's
            # ClientDisconnected, and no websocket.disconnect ever reaches it: leave the groups
            # and the presence here too, or churn leaves dead channels in the conversation's
            # group (each costing every later broadcast) and the side shown online.
            await self.disconnect(None)

    async def connect(self):
        self.negotiation_id = int(self.scope["url_route"]["kwargs"]["negotiation_id"])
        self.joined = False
        self.ready = False
        self.replayed_up_to = 0
        self.last_typing = 0.0
        self.checked_at = 0.0
        user = self.scope.get("user")
        # Accept, then close with a code: a refused handshake carries no reason at all.
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user_id = user.pk
        if not await self._recheck(force=True):
            return
        self.group = services.conversation_group(self.negotiation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)
        self.joined = True
        if await session_ended(self.scope):
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        if self.side:
            await db_to_async(services.presence_join)(
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
        await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
        if self.side:
            await db_to_async(services.presence_leave)(
                negotiation_id=self.negotiation_id, side=self.side, channel_name=self.channel_name
            )

    async def _recheck(self, *, force: bool = False) -> bool:
        """Reads the user's access again when the cached check is older than the setting."""
        now = time.monotonic()
        if not force and now - self.checked_at < settings.CHAT_ACCESS_RECHECK_SECONDS:
            return True
        try:
            self.user, negotiation = await db_to_async(selectors.conversation_access)(
                user_id=self.user_id, negotiation_id=self.negotiation_id
            )
        except NotFound:
            self.ready = False
            await self.close(code=CLOSE_NOT_FOUND)
            return False
        self.side = negotiation_side(self.user, negotiation)
        self.checked_at = now
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
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
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
        client_id = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        try:
            await handler(content)
        except RateLimited as exc:
            await self.error(
                "rate_limited", exc.message, retry_after=exc.retry_after, client_id=client_id
            )
        except ValidationFailed as exc:
            await self.error("invalid", exc.message, errors=exc.errors, client_id=client_id)
        except NotAllowed as exc:
            await self.error("not_allowed", exc.message, client_id=client_id)
        except NotFound:
            self.ready = False
            await self.close(code=CLOSE_NOT_FOUND)
        except Exception:
            # A bug must not cost the user the socket (and every frame after it): say so.
            logger.exception("chat: frame %s failed", content["type"][:40])
            await self.error("server_error", "The server could not handle the frame.")

    @staticmethod
    def _last_id(content) -> int:
        last_id = content.get("last_id", 0)
        if last_id is None:
            return 0
        if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0:
            raise ValidationFailed({"last_id": [_("Send the id of the last message you have.")]})
        return last_id

    async def _send_page(self, page: list[dict]) -> None:
        for data in page:
            await self.send_json({"type": "message", "message": data})
        if page:
            self.replayed_up_to = max(self.replayed_up_to, page[-1]["id"])

    async def on_hello(self, content):
        """Replays one bounded page: the newest messages for a new window (last_id 0), or
        what came after last_id; the client fetches the rest over REST (``earlier``/``more``)."""
        last_id = self._last_id(content)
        if last_id == 0:
            page = await db_to_async(_latest_page)(self.user, self.negotiation_id)
            earlier, more = len(page) == settings.CHAT_REPLAY_LATEST, False
        else:
            page = await db_to_async(_page_after)(self.user, self.negotiation_id, last_id)
            earlier, more = False, len(page) == settings.CHAT_REPLAY_MAX
        await self._send_page(page)
        self.ready = True
        state = await db_to_async(_state)(self.negotiation_id, self.side)
        await self.send_json(
            {
                "type": "ready",
                "last_id": page[-1]["id"] if page else last_id,
                "earlier": earlier,
                "more": more,
                "side": self.side,
                "user_id": self.user_id,
                "heartbeat": settings.CHAT_HEARTBEAT_SECONDS,
                **state,
            }
        )

    async def on_message(self, content):
        client_id = content.get("client_id")
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValidationFailed(
                {"client_id": [_("Send a client_id of your own for each message.")]}
            )
        message, created = await db_to_async(services.message_post)(
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
                "message": message_data(message, self.side),
            }
        )

    async def on_typing(self, content):
        now = time.monotonic()
        if now - self.last_typing < TYPING_MIN_INTERVAL:
            return
        self.last_typing = now
        await db_to_async(services.typing_announce)(
            negotiation_id=self.negotiation_id, actor=self.user
        )

    async def on_read(self, content):
        last_id = self._last_id(content)
        marker = await db_to_async(services.message_mark_read)(
            negotiation_id=self.negotiation_id, actor=self.user, last_id=last_id
        )
        await self.send_json({"type": "read_ok", "last_id": marker})

    async def on_ping(self, content):
        # The heartbeat also catches up (one bounded page): messages written in another process
        # reach this window even when the in-memory channel layer cannot carry them.
        last_id = self._last_id(content)
        if self.side:
            await db_to_async(services.presence_beat)(channel_name=self.channel_name)
        more = False
        if "last_id" in content and self.ready:
            page = await db_to_async(_page_after)(self.user, self.negotiation_id, last_id)
            await self._send_page(page)
            more = len(page) == settings.CHAT_REPLAY_MAX
        state = await db_to_async(_state)(self.negotiation_id, self.side)
        await self.send_json({"type": "pong", "more": more, **state})

    # Group handlers: forward only.

    async def chat_message(self, event):
        frame = frame_for(event["frames"], self.side or "staff", user_language(self.user))
        if self.ready and frame is not None and event["id"] > self.replayed_up_to:
            await self.send(text_data=frame)

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
        await self.close(code=event.get("code", CLOSE_NOT_AUTHENTICATED))

    async def access_recheck(self, event):
        await self._recheck(force=True)
