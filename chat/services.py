"""Writes to the chat: messages, system messages, read markers and presence.

A message is stored first and broadcast after the transaction commits; the channel layer may
drop a broadcast, the stored conversation is the truth (clients catch up by id). Shared by the
WebSocket consumer, the REST API and the order-event receiver.
"""

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import Side
from chat import selectors, system_messages
from chat.models import BODY_MAX_LENGTH, Conversation, Message, Presence, ReadMarker
from common.errors import NotAllowed, RateLimited, ValidationFailed
from common.files import attachment_content_type
from common.ratelimit import window_hit
from common.realtime import group_send, user_group
from inquiries.selectors import negotiation_side

logger = logging.getLogger(__name__)

CLIENT_ID_MAX_LENGTH = 64

# Close codes of session.close (docs/chat.md): signed out for good, or signed in again with a
# new session hash (password changed), where the session that made the change may reconnect.
CLOSE_SIGNED_OUT = 4401
CLOSE_SESSION_CHANGED = 4001


def conversation_group(negotiation_id: int) -> str:
    return f"chat-{negotiation_id}"


def _broadcast_message(message: Message) -> None:
    from chat.serializers import message_frames

    # One event for every listener, its frames encoded once: each socket forwards the frame of
    # its side (none when its side may not see the message), a constant amount of work.
    group_send(
        conversation_group(message.negotiation_id),
        {"type": "chat.message", "id": message.pk, "frames": message_frames(message)},
    )


def _writer_side(actor, negotiation_id: int) -> tuple:
    negotiation = selectors.conversation_get_for_user(user=actor, negotiation_id=negotiation_id)
    side = negotiation_side(actor, negotiation)
    if side is None:
        raise NotAllowed(_("Only the buyer and the seller write in this conversation."))
    return negotiation, side


def _rate_key(actor) -> str:
    return f"chat:rate:{actor.pk}"


def _rate_hit(actor) -> int:
    """Counts a message; returns 0 within CHAT_RATE_LIMIT, else the seconds to wait.

    At most CHAT_RATE_LIMIT[0] messages per user in a window of [1] seconds that opens with
    the first message (common.ratelimit: atomic, shared across processes with Redis).
    """
    limit, window = settings.CHAT_RATE_LIMIT
    count, left = window_hit(_rate_key(actor), window=window)
    return left if count > limit else 0


def _rate_refund(actor) -> None:
    # A resend of a stored message counts against no limit.
    window_hit(_rate_key(actor), window=settings.CHAT_RATE_LIMIT[1], amount=-1)


def _clean_client_id(client_id) -> str:
    client_id = "" if client_id is None else str(client_id).strip()
    if len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise ValidationFailed({"client_id": [_("At most 64 characters.")]})
    if "\x00" in client_id:
        raise ValidationFailed({"client_id": [_("Null characters are not allowed.")]})
    return client_id


def _clean_body(body, *, required: bool) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise ValidationFailed({"body": [_("Send the message as text.")]})
    if "\x00" in body:
        # PostgreSQL cannot store it; refused like any other bad character, not a 500.
        raise ValidationFailed({"body": [_("Null characters are not allowed.")]})
    body = body.strip()
    if required and not body:
        raise ValidationFailed({"body": [_("Write a message.")]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationFailed(
            {"body": [_("At most %(max)d characters.") % {"max": BODY_MAX_LENGTH}]}
        )
    return body


# The numbering statement, without and with the writer's membership check (constant SQL).
_NEXT_SEQS = {
    "": (
        "UPDATE chat_conversation SET last_seq = last_seq + 1,"
        " last_buyer_seq = last_buyer_seq + %s, last_seller_seq = last_seller_seq + %s"
        " WHERE negotiation_id = %s"
        " RETURNING last_seq, last_buyer_seq, last_seller_seq"
    ),
    Side.BUYER: (
        "UPDATE chat_conversation SET last_seq = last_seq + 1,"
        " last_buyer_seq = last_buyer_seq + %s, last_seller_seq = last_seller_seq + %s"
        " WHERE negotiation_id = %s AND EXISTS (SELECT 1 FROM inquiries_negotiation"
        " WHERE id = %s AND buyer_company_id = %s)"
        " RETURNING last_seq, last_buyer_seq, last_seller_seq"
    ),
    Side.SELLER: (
        "UPDATE chat_conversation SET last_seq = last_seq + 1,"
        " last_buyer_seq = last_buyer_seq + %s, last_seller_seq = last_seller_seq + %s"
        " WHERE negotiation_id = %s AND EXISTS (SELECT 1 FROM inquiries_negotiation"
        " WHERE id = %s AND seller_company_id = %s)"
        " RETURNING last_seq, last_buyer_seq, last_seller_seq"
    ),
}


def _allocate(
    negotiation_id: int, *, audience: str, writer_side: str = "", writer_company_id=None
) -> tuple[int, int | None, int | None] | None:
    """Takes the conversation's row lock and the message's numbers in one statement.

    ``UPDATE ... RETURNING`` locks the row on PostgreSQL and takes SQLite's write lock, so
    writers of one conversation queue here until commit: seqs stay gapless, ids commit in
    order, and a rolled-back message gives its numbers back. With a writer, the same statement
    checks that the writer's company is that side of the negotiation. Returns (seq, buyer_seq,
    seller_seq), or None when no row matched (no conversation row yet, or not a member).
    """
    shown = {side: audience in ("", side) for side in Side.values}
    params = [int(shown[Side.BUYER]), int(shown[Side.SELLER]), negotiation_id]
    sql = _NEXT_SEQS[writer_side]
    if writer_side:
        params += [negotiation_id, writer_company_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    seq, buyer_seq, seller_seq = row
    return (
        seq,
        buyer_seq if shown[Side.BUYER] else None,
        seller_seq if shown[Side.SELLER] else None,
    )


def _allocate_for_writer(actor, negotiation_id: int) -> tuple[str, tuple]:
    """(side, numbers) for a member writing; outsiders NotFound, staff NotAllowed."""
    company = actor.company if actor.is_active and actor.company_id else None
    if company is not None:
        seqs = _allocate(
            negotiation_id, audience="", writer_side=company.side, writer_company_id=company.pk
        )
        if seqs is not None:
            return company.side, seqs
    # The rare path (first message of a conversation, or a refusal): the full check says why.
    _negotiation, side = _writer_side(actor, negotiation_id)
    Conversation.objects.get_or_create(negotiation_id=negotiation_id)
    seqs = _allocate(
        negotiation_id, audience="", writer_side=side, writer_company_id=actor.company_id
    )
    if seqs is None:
        raise NotAllowed(_("Only the buyer and the seller write in this conversation."))
    return side, seqs


def _allocate_for_system(negotiation_id: int, audience: str) -> tuple:
    seqs = _allocate(negotiation_id, audience=audience)
    if seqs is None:
        Conversation.objects.get_or_create(negotiation_id=negotiation_id)
        seqs = _allocate(negotiation_id, audience=audience)
    return seqs


def _existing(*, negotiation_id: int, actor, client_id: str) -> Message | None:
    if not client_id:
        return None
    return (
        Message.objects.select_related("sender")
        .filter(negotiation_id=negotiation_id, sender=actor, client_id=client_id)
        .first()
    )


def message_post(
    *,
    negotiation_id: int,
    actor,
    body: str,
    client_id: str = "",
    attachment: UploadedFile | None = None,
) -> tuple[Message, bool]:
    """A member of the buyer or seller company writes; returns (message, created).

    The same ``client_id`` from the same sender in the same conversation is stored once (the
    unique constraint decides, no read before the write): a resend returns the stored message
    with created=False and counts against no limit. Staff read only (NotAllowed); outsiders get
    NotFound, before any other error; too fast: RateLimited. Two statements when the actor's
    company is loaded: the numbering UPDATE (with the membership check) and the INSERT.
    """
    try:
        client_id = _clean_client_id(client_id)
        body = _clean_body(body, required=attachment is None)
        content_type = attachment_content_type(attachment) if attachment is not None else ""
    except ValidationFailed:
        _writer_side(actor, negotiation_id)  # outsiders learn nothing, not even a field error
        raise
    retry_after = _rate_hit(actor)
    if retry_after:
        _writer_side(actor, negotiation_id)
        existing = _existing(negotiation_id=negotiation_id, actor=actor, client_id=client_id)
        if existing is not None:
            _rate_refund(actor)
            return existing, False
        raise RateLimited(
            _("You are sending messages too fast: wait a few seconds."), retry_after=retry_after
        )
    try:
        message = _store(
            negotiation_id=negotiation_id,
            actor=actor,
            body=body,
            client_id=client_id,
            attachment=attachment,
            content_type=content_type,
        )
    except IntegrityError:
        # The whole write rolled back, its numbers included: the original holds this client_id.
        existing = _existing(negotiation_id=negotiation_id, actor=actor, client_id=client_id)
        if existing is None:
            raise
        _rate_refund(actor)
        return existing, False
    return message, True


@transaction.atomic
def _store(*, negotiation_id, actor, body, client_id, attachment, content_type) -> Message:
    side, (seq, buyer_seq, seller_seq) = _allocate_for_writer(actor, negotiation_id)
    message = Message(
        negotiation_id=negotiation_id,
        seq=seq,
        buyer_seq=buyer_seq,
        seller_seq=seller_seq,
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
    return message


def system_message_post(
    *,
    negotiation_id: int,
    text: str = "",
    order_id: int,
    version: int,
    event_id: int | None = None,
    audience: str = "",
    kind: str = "",
    data: dict | None = None,
) -> Message:
    """A message from the portal (no sender) about an order event, linking to the version.

    Stored once per order event when ``event_id`` is given. ``audience`` names the only side
    that sees it (the seller's draft is the seller's business); "" for both. With ``kind``
    (registered in chat.system_messages) and its ``data``, each reader sees the sentence in
    their own language; ``text`` is the fallback, the English sentence when left out. A
    ``text`` alone is shown as it is to everyone.
    """
    data = data or {}
    if kind and not text:
        text = system_messages.render_english(kind, data)
    try:
        return _store_system(
            negotiation_id=negotiation_id,
            text=text,
            kind=kind,
            data=data,
            order_id=order_id,
            version=version,
            event_id=event_id,
            audience=audience,
        )
    except IntegrityError:
        existing = Message.objects.filter(order_event_id=event_id).first() if event_id else None
        if existing is None:
            raise
        return existing


@transaction.atomic
def _store_system(
    *, negotiation_id, text, kind, data, order_id, version, event_id, audience
) -> Message:
    seq, buyer_seq, seller_seq = _allocate_for_system(negotiation_id, audience)
    message = Message.objects.create(
        negotiation_id=negotiation_id,
        seq=seq,
        buyer_seq=buyer_seq,
        seller_seq=seller_seq,
        audience=audience,
        kind=Message.Kind.SYSTEM,
        body=text[:BODY_MAX_LENGTH],
        system_kind=kind,
        system_data=data,
        order_id=order_id,
        order_version=version,
        order_event_id=event_id,
    )
    transaction.on_commit(lambda: _broadcast_message(message))
    return message


def _newest_read(*, actor, side: str, negotiation_id: int, last_id: int) -> int | None:
    """The newest message up to ``last_id`` that the actor's side sees, if the actor's company
    is that side of the negotiation (the membership check rides on the same query)."""
    membership = {f"negotiation__{side}_company_id": actor.company_id}
    return (
        Message.objects.filter(
            selectors.shown_to(side), negotiation_id=negotiation_id, pk__lte=last_id, **membership
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def message_mark_read(*, negotiation_id: int, actor, last_id: int) -> int:
    """The actor has seen the conversation up to message ``last_id``; returns the marker.

    The marker only moves forward (a conditional UPDATE), and never past the last message the
    actor's side sees. Staff reads are not recorded: they would show as the other side's read
    receipts. Two statements on the usual path (every reader sends one per burst of messages).
    """
    valid = isinstance(last_id, int) and not isinstance(last_id, bool) and last_id >= 0
    company = actor.company if valid and actor.is_active and actor.company_id else None
    side = company.side if company is not None else None
    newest = None
    if side is not None:
        newest = _newest_read(
            actor=actor, side=side, negotiation_id=negotiation_id, last_id=last_id
        )
    if newest is None:
        # The rare path: a bad id, staff, an outsider, or nothing to read yet. Outsiders get
        # NotFound before anything else.
        negotiation = selectors.conversation_get_for_user(user=actor, negotiation_id=negotiation_id)
        if not valid:
            raise ValidationFailed({"last_id": [_("Send the id of a message.")]})
        side = negotiation_side(actor, negotiation)
        if side is None:
            return 0
        return selectors.read_marker_of(user=actor, negotiation_id=negotiation_id)
    now = timezone.now()
    moved = ReadMarker.objects.filter(
        negotiation_id=negotiation_id, user=actor, last_read_id__lt=newest
    ).update(last_read_id=newest, side=side, updated_at=now)
    if not moved:
        marker, created = ReadMarker.objects.get_or_create(
            negotiation_id=negotiation_id,
            user=actor,
            defaults={"side": side, "last_read_id": newest},
        )
        if not created:
            return marker.last_read_id
    transaction.on_commit(
        lambda: group_send(
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
    group_send(
        conversation_group(negotiation_id),
        {"type": "chat.presence", "side": side, "online": True},
    )


def presence_beat(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, negotiation_id: int, side: str, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()
    group_send(
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
    group_send(
        conversation_group(negotiation.pk),
        {"type": "chat.typing", "side": side, "user_id": actor.pk, "name": actor.display_name},
    )


def user_sockets_close(*, user_id: int, reason: str = "logout") -> None:
    """Closes every open socket of the user (chat and notifications), in every process.

    ``reason`` "logout" closes them with 4401 (do not reconnect); "password_changed" with 4001:
    the session that changed the password reconnects, the user's other sessions no longer
    authenticate (their session hash is stale) and get 4401 on their reconnect.
    """
    code = CLOSE_SESSION_CHANGED if reason == "password_changed" else CLOSE_SIGNED_OUT
    group_send(user_group(user_id), {"type": "session.close", "reason": reason, "code": code})


def user_access_recheck(*, user_id: int) -> None:
    """The user's company or active flag changed: open sockets check membership again."""
    group_send(user_group(user_id), {"type": "access.recheck"})
