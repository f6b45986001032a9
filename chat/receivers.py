"""Signal receivers: order events become system messages; logout closes sockets."""

import logging

from django.db import transaction
from django.utils import translation

from accounts.models import Side
from chat import services, system_messages
from inquiries.models import Negotiation
from orders.selectors import HIDDEN_FROM_BUYER

logger = logging.getLogger(__name__)


def system_kind_and_data(event) -> tuple[str, dict]:
    """What a system message stores for an order event: its kind (chat.system_messages) and
    the data its sentence is rendered from, in each reader's language."""
    order = event.order
    kind = event.type
    if kind == "created" and order.negotiation.origin == Negotiation.Origin.RFQ:
        kind = "awarded"  # drafted by the portal from the quotation, not typed by the seller
    if kind == "received" and event.data.get("deemed"):
        kind = "deemed_received"
    data = {
        **event.data,
        "side": event.actor_side or "",
        # The number people see (terms sent to the other side), not the internal write counter.
        "version": event.terms_version,
        "currency": order.currency,
    }
    return kind, data


def system_text(event) -> str:
    """The sentence a system message shows for an order event, in the active language."""
    kind, data = system_kind_and_data(event)
    return system_messages.render(kind, data, str(event.get_type_display()))


def audience(event) -> str:
    """Who sees the event's line: events of the seller's private draft, the seller's side only.

    The buyer's first notice of a letter of intent is the seller's confirmation (a draft the
    buyer cannot open must not be announced to him, nor counted as unread).
    """
    return Side.SELLER if event.status in HIDDEN_FROM_BUYER else ""


def post_order_event(sender, event, **kwargs):
    """Every order event of a negotiation shows in its conversation, linking to the version;
    the events of the seller's draft only to the seller's side."""
    # The order's own transaction has already committed: a failure here must not turn the
    # order change into an error for the user who made it.
    try:
        kind, data = system_kind_and_data(event)
        with translation.override("en"):
            text = system_messages.render(kind, data, str(event.get_type_display()))
        services.system_message_post(
            negotiation_id=event.order.negotiation_id,
            text=text,
            kind=kind,
            data=data,
            order_id=event.order_id,
            version=event.version,
            event_id=event.pk,
            audience=audience(event),
        )
    except Exception:
        logger.exception("chat: no system message for order event %s", event.pk)


def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is not None:
        services.user_sockets_close(user_id=user.pk, reason="logout")


def close_sockets_on_password_change(sender, user, **kwargs):
    services.user_sockets_close(user_id=user.pk, reason="password_changed")


def recheck_access_on_user_change(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and not {"company", "company_id", "is_active"} & set(
        update_fields
    ):
        return
    user_id = instance.pk
    transaction.on_commit(lambda: services.user_access_recheck(user_id=user_id))
