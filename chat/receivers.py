"""Signal receivers: order events become system messages; logout closes sockets."""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Side
from catalog.models import quantity_with_unit
from chat import services
from common.money import format_money
from inquiries.models import Negotiation
from orders.selectors import HIDDEN_FROM_BUYER

logger = logging.getLogger(__name__)


def _side_label(side: str) -> str:
    return {"buyer": _("Buyer"), "seller": _("Seller")}.get(side, _("The portal"))


def _other_label(side: str) -> str:
    return {"buyer": _("the seller"), "seller": _("the buyer")}.get(side, "")


def system_text(event) -> str:
    """The sentence a system message shows for an order event."""
    order = event.order
    side = event.actor_side
    values = {
        "side": _side_label(side),
        "other": _other_label(side),
        # The number people see (terms sent to the other side), not the internal write counter.
        "version": event.terms_version,
        "changed": ", ".join(event.data.get("changed") or []) or _("no terms"),
        "reason": event.data.get("reason", ""),
    }
    amount = event.data.get("amount")
    if amount is not None:
        values["amount"] = format_money(amount, order.currency)
    texts = {
        "created": _("Seller drafted the letter of intent."),
        "awarded": _(
            "The buyer accepted your quotation: the letter of intent is drafted from it. "
            "Check it and confirm it to send it to the buyer."
        ),
        "started": _(
            "Buyer started the order and confirmed version %(version)s: waiting for the seller."
        ),
        "draft_saved": _("Seller updated the draft: %(changed)s."),
        "confirmed": _("%(side)s confirmed version %(version)s: waiting for %(other)s."),
        "modified": _(
            "%(side)s modified the order: %(changed)s. Version %(version)s waits for %(other)s."
        ),
        "agreed": _("Both parties confirmed version %(version)s: awaiting payment."),
        "cancelled": _("%(side)s cancelled: %(reason)s"),
        "payment_recorded": _("An instalment is paid (%(amount)s received)."),
        "paid": _("Paid in full (%(amount)s)."),
        "overdue": _("An instalment is overdue."),
        "ready_to_ship": _("Everything due before shipment is paid: the seller may ship."),
        "refund_owed": _("A refund of %(amount)s is owed to the buyer."),
        "shipped": _("Seller shipped shipment %(shipment)s on %(ship_date)s: %(goods)s (%(how)s)."),
        "received": _("Buyer confirmed the receipt of shipment %(shipment)s."),
        "deemed_received": _(
            "Shipment %(shipment)s is deemed received: its receipt was not confirmed in time."
        ),
        "delivered": _("Everything ordered has been received."),
        "amendment_proposed": _(
            "%(side)s proposed an amendment (%(changed)s), waiting for %(other)s. "
            "Reason: %(reason)s"
        ),
        "amendment_accepted": _(
            "%(side)s accepted the amendment (%(changed)s): version %(version)s is now the "
            "agreed order."
        ),
        "amendment_rejected": _("%(side)s rejected the amendment: the agreed terms stay."),
        "amendment_withdrawn": _("%(side)s withdrew the amendment: the agreed terms stay."),
        **_offer_texts(),
    }
    kind = event.type
    if kind == "created" and order.negotiation.origin == Negotiation.Origin.RFQ:
        kind = "awarded"  # drafted by the portal from the quotation, not typed by the seller
    if kind in ("shipped", "received"):
        values.update(shipment_values(event.data))
        if kind == "received" and event.data.get("deemed"):
            kind = "deemed_received"
    template = texts.get(kind)
    if template is None:
        return event.get_type_display()
    return template % values


def _offer_texts() -> dict:
    # Issue 14 point 1: offers made in the chat (orders/offers.py); the card shows the terms.
    return {
        "offer_made": _("%(side)s made an offer: %(changed)s."),
        "offer_accepted": _(
            "%(side)s accepted the offer (%(changed)s): version %(version)s waits for %(other)s."
        ),
        "offer_declined": _("%(side)s declined the offer."),
        "offer_withdrawn": _("%(side)s withdrew the offer."),
        "offer_stale": _(
            "%(side)s could not accept the offer: the order changed since it was made."
        ),
    }


def shipment_values(data: dict) -> dict:
    """The goods and the carriage of a shipment event, as the chat line names them."""
    goods = ", ".join(
        f"{quantity_with_unit(Decimal(line['quantity']), line['unit'])} {line['name']}"
        for line in data.get("lines", [])
    )
    how = [data.get("carrier", "")]
    if data.get("tracking_number"):
        how.append(_("tracking %(number)s") % {"number": data["tracking_number"]})
    if data.get("transport_document_number"):
        how.append(_("B/L or AWB %(number)s") % {"number": data["transport_document_number"]})
    return {
        "shipment": data.get("shipment", ""),
        "ship_date": data.get("ship_date", ""),
        "goods": goods,
        "how": ", ".join(part for part in how if part),
    }


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
        with translation.override("en"):
            text = system_text(event)
        services.system_message_post(
            negotiation_id=event.order.negotiation_id,
            text=text,
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
