"""Reads of the chat, each with the access check (outsiders: NotFound)."""

import datetime

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Company, Side
from chat.models import Message, Presence, QuickReply, ReadMarker
from common.errors import NotFound
from inquiries.models import Negotiation
from inquiries.selectors import negotiation_side, negotiation_visibility

PAGE_MAX = 200


def other_side(side: str | None) -> str | None:
    return {Side.BUYER: Side.SELLER, Side.SELLER: Side.BUYER}.get(side)


def conversation_get_for_user(*, user, negotiation_id: int) -> Negotiation:
    """The negotiation whose chat the user may read (members of both companies, staff)."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such negotiation."))
    # Sockets check this on every frame: only the two company ids are needed, no joins.
    negotiation = (
        Negotiation.objects.filter(negotiation_visibility(user), pk=negotiation_id)
        .only("pk", "buyer_company_id", "seller_company_id")
        .first()
    )
    if negotiation is None:
        raise NotFound(_("No such negotiation."))
    return negotiation


def conversation_access(*, user_id: int, negotiation_id: int):
    """Fresh from the database: the active user and the negotiation, or NotFound.

    Sockets call this on every frame, so that a user removed from a company or deactivated
    loses access at once, not only at the next connect.
    """
    from accounts.models import User

    user = User.objects.select_related("company").filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("No such negotiation."))
    negotiation = conversation_get_for_user(user=user, negotiation_id=negotiation_id)
    return user, negotiation


def _messages():
    return Message.objects.select_related("sender", "order_event")


def shown_to(side: str | None, prefix: str = "") -> Q:
    """The messages a side sees: those for both sides and its own (staff, side None: all)."""
    if side is None:
        return Q()
    return Q(**{f"{prefix}audience__in": ["", side]})


def _conversation_messages(*, user, negotiation_id: int):
    """The messages the user's side sees, each with ``shown_seq``: its number for that side."""
    negotiation = conversation_get_for_user(user=user, negotiation_id=negotiation_id)
    side = negotiation_side(user, negotiation)
    shown_seq = {Side.BUYER: F("buyer_seq"), Side.SELLER: F("seller_seq")}.get(side, F("seq"))
    return (
        _messages()
        .filter(shown_to(side), negotiation_id=negotiation_id)
        .annotate(shown_seq=shown_seq)
    )


def messages_after(*, user, negotiation_id: int, after_id: int = 0, limit: int = 100) -> list:
    """Up to ``limit`` messages with an id above ``after_id``, oldest first."""
    limit = max(1, min(limit, PAGE_MAX))
    messages = _conversation_messages(user=user, negotiation_id=negotiation_id)
    return list(messages.filter(pk__gt=max(after_id, 0)).order_by("pk")[:limit])


def messages_before(*, user, negotiation_id: int, before_id: int | None, limit: int = 100) -> list:
    """Up to ``limit`` messages just below ``before_id`` (None: the newest), oldest first."""
    limit = max(1, min(limit, PAGE_MAX))
    messages = _conversation_messages(user=user, negotiation_id=negotiation_id)
    if before_id is not None:
        messages = messages.filter(pk__lt=before_id)
    return list(reversed(messages.order_by("-pk")[:limit]))


def message_get_for_user(*, user, message_id: int) -> Message:
    """A message of a conversation the user may read (for attachment downloads)."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such message."))
    message = (
        _messages()
        .filter(negotiation_visibility(user, prefix="negotiation__"), pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound(_("No such message."))
    return message


def unread_counts(*, user, negotiation_ids: list[int]) -> dict[int, int]:
    """Messages from the other side and the system the user has not read, per negotiation.

    One query. Negotiations the user may not see, and those with nothing unread, are left out
    of the result (read a missing key as 0).
    """
    if not negotiation_ids or not user.is_authenticated:
        return {}
    marker = ReadMarker.objects.filter(
        negotiation_id=OuterRef("negotiation_id"), user_id=user.pk
    ).values("last_read_id")[:1]
    qs = Message.objects.filter(
        negotiation_visibility(user, prefix="negotiation__"),
        negotiation_id__in=list(negotiation_ids),
    )
    if user.company_id:
        # Colleagues' messages are never unread to me, nor is what only the other side sees
        # (the seller's draft). The side comes from a subquery so that the count stays one
        # query whether or not user.company is loaded.
        own_side = Company.objects.filter(pk=user.company_id).values("side")[:1]
        qs = qs.exclude(side=Subquery(own_side)).filter(
            Q(audience="") | Q(audience=Subquery(own_side))
        )
    rows = (
        qs.annotate(read_up_to=Coalesce(Subquery(marker), Value(0)))
        .filter(pk__gt=F("read_up_to"))
        .values("negotiation_id")
        .annotate(unread=Count("pk"))
        .order_by()
    )
    return {row["negotiation_id"]: row["unread"] for row in rows}


def read_state(*, negotiation_id: int) -> dict[str, int]:
    """The last message id each side has read (the furthest reader of the side counts)."""
    rows = (
        ReadMarker.objects.filter(negotiation_id=negotiation_id, side__in=Side.values)
        .values("side")
        .annotate(last=Max("last_read_id"))
        .order_by()
    )
    state = dict.fromkeys(Side.values, 0)
    state.update({row["side"]: row["last"] for row in rows})
    return state


def read_marker_of(*, user, negotiation_id: int) -> int:
    return (
        ReadMarker.objects.filter(negotiation_id=negotiation_id, user_id=user.pk)
        .values_list("last_read_id", flat=True)
        .first()
        or 0
    )


def presence_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT)


def side_online(*, negotiation_id: int, side: str | None) -> bool:
    """Whether a member of ``side`` has the chat open (a socket with a recent heartbeat)."""
    if side is None:
        return False
    return Presence.objects.filter(
        Q(negotiation_id=negotiation_id, side=side, seen_at__gte=presence_cutoff())
    ).exists()


def quick_replies_for_user(user) -> list:
    """The quick replies of the user's seller company (none for buyers and staff)."""
    if not user.is_authenticated or user.side != Side.SELLER or not user.company_id:
        return []
    return list(QuickReply.objects.filter(company_id=user.company_id).order_by("title", "pk"))


def quick_reply_get_for_user(*, user, quick_reply_id: int):
    if not user.is_authenticated or user.side != Side.SELLER or not user.company_id:
        raise NotFound(_("No such quick reply."))
    quick_reply = QuickReply.objects.filter(pk=quick_reply_id, company_id=user.company_id).first()
    if quick_reply is None:
        raise NotFound(_("No such quick reply."))
    return quick_reply
