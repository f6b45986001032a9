"""Writes to the chat: messages, system messages, read markers and presence.

A message is stored first and broadcast after the transaction commits; the channel layer may
drop a broadcast, the stored conversation is the truth (clients catch up by id). Shared by the
WebSocket consumer, the REST API and the order-event receiver.
"""

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from chat import selectors
from chat.models import BODY_MAX_LENGTH, Conversation, Message, Presence, ReadMarker
from common.errors import NotAllowed, RateLimited, ValidationFailed
from common.files import attachment_content_type
from inquiries.selectors import negotiation_side

logger = logging.getLogger(__name__)

CLIENT_ID_MAX_LENGTH = 64


def conversation_group(negotiation_id: int) -> str:
    return f"chat-{negotiation_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        # The message is stored; clients catch up on their next heartbeat. A broken layer must
        # not turn a successful write into an error for the writer.
        logger.exception("chat: broadcast to %s failed", group)


def _broadcast_message(message: Message) -> None:
    from chat.serializers import message_data

    _send(
        conversation_group(message.negotiation_id),
        {"type": "chat.message", "message": message_data(message)},
    )


def _writer_side(actor, negotiation_id: int) -> tuple:
    negotiation = selectors.conversation_get_for_user(user=actor, negotiation_id=negotiation_id)
    side = negotiation_side(actor, negotiation)
    if side is None:
        raise NotAllowed(_("Only the buyer and the seller write in this conversation."))
    return negotiation, side


def _check_rate(actor) -> None:
    """At most CHAT_RATE_LIMIT[0] messages per user in a window of [1] seconds.

    The window opens with the user's first message and lasts [1] seconds (a counter in the
    shared cache, so it holds across processes with Redis); unlike clock-aligned buckets it
    never lets a burst through on a bucket boundary.
    """
    limit, window = settings.CHAT_RATE_LIMIT
    now = time.time()
    key = f"chat:rate:{actor.pk}"
    cache.add(f"{key}:start", now, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(f"{key}:start", now, timeout=window)
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        started = cache.get(f"{key}:start", now)
        retry_after = max(1, int(started + window - now) + 1)
        raise RateLimited(
            _("You are sending messages too fast: wait a few seconds."), retry_after=retry_after
        )


def _clean_client_id(client_id) -> str:
    client_id = "" if client_id is None else str(client_id).strip()
    if len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise ValidationFailed({"client_id": [_("At most 64 characters.")]})
    return client_id


def _clean_body(body, *, required: bool) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise ValidationFailed({"body": [_("Send the message as text.")]})
    body = body.strip()
    if required and not body:
        raise ValidationFailed({"body": [_("Write a message.")]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationFailed(
            {"body": [_("At most %(max)d characters.") % {"max": BODY_MAX_LENGTH}]}
        )
    return body


def _lock_conversation(negotiation_id: int) -> None:
    """Takes the conversation's row lock until the transaction ends.

    A no-op UPDATE locks the row on PostgreSQL and takes SQLite's write lock, so writers of the
    same conversation queue here: seq stays gapless and ids commit in order.
    """
    Conversation.objects.get_or_create(negotiation_id=negotiation_id)
    Conversation.objects.filter(pk=negotiation_id).update(last_seq=F("last_seq"))


def _next_seq(negotiation_id: int) -> int:
    Conversation.objects.filter(pk=negotiation_id).update(last_seq=F("last_seq") + 1)
    return Conversation.objects.values_list("last_seq", flat=True).get(pk=negotiation_id)


def _existing(*, negotiation_id: int, actor, client_id: str) -> Message | None:
    if not client_id:
        return None
    return (
        Message.objects.select_related("sender")
        .filter(negotiation_id=negotiation_id, sender=actor, client_id=client_id)
        .first()
    )


@transaction.atomic
def message_post(
    *,
    negotiation_id: int,
    actor,
    body: str,
    client_id: str = "",
    attachment: UploadedFile | None = None,
) -> tuple[Message, bool]:
    """A member of the buyer or seller company writes; returns (message, created).

    The same ``client_id`` from the same sender in the same conversation is stored once: a
    resend returns the stored message with created=False (and counts against no limit).
    Staff read only (NotAllowed); outsiders get NotFound; too fast: RateLimited.
    """
    negotiation, side = _writer_side(actor, negotiation_id)
    client_id = _clean_client_id(client_id)
    body = _clean_body(body, required=attachment is None)
    existing = _existing(negotiation_id=negotiation.pk, actor=actor, client_id=client_id)
    if existing is not None:
        return existing, False
    content_type = attachment_content_type(attachment) if attachment is not None else ""
    _check_rate(actor)
    _lock_conversation(negotiation.pk)
    # Checked again under the lock: a resend racing the original waits for it and finds it.
    existing = _existing(negotiation_id=negotiation.pk, actor=actor, client_id=client_id)
    if existing is not None:
        return existing, False
    message = Message(
        negotiation=negotiation,
        seq=_next_seq(negotiation.pk),
        kind=Message.Kind.ATTACHMENT if attachment is not None else Message.Kind.TEXT,
        sender=actor,
        side=side,
        body=body,
        client_id=client_id,
    )
    if attachment is not None:
        message.attachment_type = content_type
        message.attachment_size = attachment.size
        message.attachment_name = get_valid_filename(attachment.name or "attachment")[-200:]
        message.attachment.save(attachment.name or "attachment", attachment, save=False)
    try:
        message.save()
    except Exception:
        # Storage is not transactional: a message that is not stored leaves no file behind.
        if message.attachment:
            message.attachment.storage.delete(message.attachment.name)
        raise
    transaction.on_commit(lambda: _broadcast_message(message))
    return message, True


@transaction.atomic
def system_message_post(
    *, negotiation_id: int, text: str, order_id: int, version: int, event_id: int | None = None
) -> Message:
    """A message from the portal (no sender) about an order event, linking to the version.

    Stored once per order event when ``event_id`` is given.
    """
    _lock_conversation(negotiation_id)
    if event_id is not None:
        existing = Message.objects.filter(order_event_id=event_id).first()
        if existing is not None:
            return existing
    message = Message.objects.create(
        negotiation_id=negotiation_id,
        seq=_next_seq(negotiation_id),
        kind=Message.Kind.SYSTEM,
        body=text[:BODY_MAX_LENGTH],
        order_id=order_id,
        order_version=version,
        order_event_id=event_id,
    )
    transaction.on_commit(lambda: _broadcast_message(message))
    return message


@transaction.atomic
def message_mark_read(*, negotiation_id: int, actor, last_id: int) -> int:
    """The actor has seen the conversation up to message ``last_id``; returns the marker.

    The marker only moves forward (a conditional UPDATE), and never past the last message.
    Staff reads are not recorded: they would show as the other side's read receipts.
    """
    negotiation = selectors.conversation_get_for_user(user=actor, negotiation_id=negotiation_id)
    side = negotiation_side(actor, negotiation)
    if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0:
        raise ValidationFailed({"last_id": [_("Send the id of a message.")]})
    if side is None:
        return 0
    newest = (
        Message.objects.filter(negotiation_id=negotiation_id, pk__lte=last_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newest is None:
        return selectors.read_marker_of(user=actor, negotiation_id=negotiation_id)
    marker, created = ReadMarker.objects.get_or_create(
        negotiation_id=negotiation_id,
        user=actor,
        defaults={"side": side, "last_read_id": newest},
    )
    if not created:
        moved = ReadMarker.objects.filter(pk=marker.pk, last_read_id__lt=newest).update(
            last_read_id=newest, side=side, updated_at=timezone.now()
        )
        if not moved:
            return marker.last_read_id
    transaction.on_commit(
        lambda: _send(
            conversation_group(negotiation_id),
            {"type": "chat.read", "side": side, "last_read_id": newest, "user_id": actor.pk},
        )
    )
    return newest


def presence_join(*, negotiation_id: int, actor, side: str, channel_name: str) -> None:
    """A socket of the actor's side opened the chat; stale sockets of crashed servers expire."""
    now = timezone.now()
    Presence.objects.filter(
        negotiation_id=negotiation_id, seen_at__lt=selectors.presence_cutoff()
    ).delete()
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"negotiation_id": negotiation_id, "user": actor, "side": side, "seen_at": now},
    )
    _send(
        conversation_group(negotiation_id),
        {"type": "chat.presence", "side": side, "online": True},
    )


def presence_beat(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, negotiation_id: int, side: str, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()
    _send(
        conversation_group(negotiation_id),
        {
            "type": "chat.presence",
            "side": side,
            "online": selectors.side_online(negotiation_id=negotiation_id, side=side),
        },
    )


def typing_announce(*, negotiation_id: int, actor) -> None:
    """Tells the conversation that the actor is typing (members of the two companies only)."""
    negotiation, side = _writer_side(actor, negotiation_id)
    _send(
        conversation_group(negotiation.pk),
        {"type": "chat.typing", "side": side, "user_id": actor.pk, "name": actor.display_name},
    )


def user_sockets_close(*, user_id: int, reason: str) -> None:
    """Closes every chat socket of the user (on logout)."""
    _send(user_group(user_id), {"type": "session.close", "reason": reason})


def user_access_recheck(*, user_id: int) -> None:
    """The user's company or active flag changed: open sockets check membership again."""
    _send(user_group(user_id), {"type": "access.recheck"})
