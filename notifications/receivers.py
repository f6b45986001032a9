"""Notifications for what happens elsewhere: new inquiries and order events."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Side
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders.models import Order, OrderEvent

# event type -> (kind, title); the other side of the actor is told.
ORDER_EVENTS = {
    OrderEvent.Type.STARTED: (
        Kind.ORDER_CONFIRMED,
        gettext_lazy("%(number)s was started and confirmed by the buyer"),
    ),
    OrderEvent.Type.CONFIRMED: (
        Kind.ORDER_CONFIRMED,
        gettext_lazy("%(number)s was confirmed by the %(side)s"),
    ),
    OrderEvent.Type.AGREED: (
        Kind.ORDER_CONFIRMED,
        gettext_lazy("%(number)s was confirmed by both parties"),
    ),
    OrderEvent.Type.MODIFIED: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("%(number)s was modified by the %(side)s"),
    ),
    OrderEvent.Type.CANCELLED: (
        Kind.ORDER_CANCELLED,
        gettext_lazy("%(number)s was cancelled by the %(side)s"),
    ),
    OrderEvent.Type.SHIPPED: (
        Kind.SHIPMENT_SENT,
        gettext_lazy("Shipment %(shipment)s of %(number)s is on its way"),
    ),
    OrderEvent.Type.RECEIVED: (
        Kind.SHIPMENT_RECEIVED,
        gettext_lazy("Shipment %(shipment)s of %(number)s was received"),
    ),
    OrderEvent.Type.AMENDMENT_PROPOSED: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s proposes an amendment of %(number)s"),
    ),
    OrderEvent.Type.AMENDMENT_ACCEPTED: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s accepted the amendment of %(number)s"),
    ),
    OrderEvent.Type.AMENDMENT_REJECTED: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s rejected the amendment of %(number)s"),
    ),
    OrderEvent.Type.AMENDMENT_WITHDRAWN: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s withdrew the amendment of %(number)s"),
    ),
    # Issue 14 point 1: offers in the chat (an accepted offer is told as the modification).
    OrderEvent.Type.OFFER_MADE: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s made an offer on %(number)s"),
    ),
    OrderEvent.Type.OFFER_DECLINED: (
        Kind.ORDER_MODIFIED,
        gettext_lazy("The %(side)s declined your offer on %(number)s"),
    ),
}
# Events the system makes (no acting side) that both sides are told of.
SYSTEM_EVENTS = (OrderEvent.Type.RECEIVED,)
AMENDMENT_CHANGES = (OrderEvent.Type.AMENDMENT_PROPOSED, OrderEvent.Type.AMENDMENT_ACCEPTED)
OFFER_EVENTS = (OrderEvent.Type.OFFER_MADE, OrderEvent.Type.OFFER_DECLINED)


def inquiry_created(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        return
    negotiation = instance.negotiation

    def send():
        notifications_send(
            messages=[
                Message(
                    company_id=negotiation.seller_company_id,
                    kind=Kind.NEW_INQUIRY,
                    title=_("New inquiry: %(subject)s") % {"subject": instance.subject},
                    body=_("From %(buyer)s.")
                    % {"buyer": str(negotiation.buyer_company).rstrip().removesuffix(".")},
                    url=reverse("inquiries:workspace", args=[negotiation.pk]),
                )
            ]
        )

    # Only once the inquiry is really there; a rolled-back inquiry notifies nobody.
    transaction.on_commit(send)


def order_event_recorded(sender, event: OrderEvent, **kwargs) -> None:
    overdue = event.type == OrderEvent.Type.OVERDUE
    by_system = event.type in SYSTEM_EVENTS and not event.actor_side
    if not overdue and (
        event.type not in ORDER_EVENTS
        or (event.actor_side not in (Side.BUYER, Side.SELLER) and not by_system)
    ):
        return  # Nobody is told of this event: do not even load the order.
    order = Order.objects.select_related("negotiation").get(pk=event.order_id)
    negotiation = order.negotiation
    companies = {
        Side.BUYER: negotiation.buyer_company_id,
        Side.SELLER: negotiation.seller_company_id,
    }
    if overdue:
        title = _("The payment for %(number)s is overdue") % {"number": order.number}
        messages = [
            Message(
                company_id=company_id,
                kind=Kind.ORDER_OVERDUE,
                title=title,
                body=_("An instalment is past its due date and not paid in full."),
                url=reverse("payments:order", args=[order.pk]),
                order_id=order.pk,
            )
            for company_id in companies.values()
        ]
        notifications_send(messages=messages)
        return
    url = reverse("orders:view", args=[order.pk])
    kind, title = ORDER_EVENTS[event.type]
    if by_system:
        told = list(companies.values())
    else:
        told = [companies[Side.SELLER if event.actor_side == Side.BUYER else Side.BUYER]]
    changed = ", ".join(event.data.get("changed", []))
    body = ""
    if event.type == OrderEvent.Type.MODIFIED and changed:
        body = _("Changed: %(fields)s.") % {"fields": changed}
    elif event.type in AMENDMENT_CHANGES and changed:
        body = _("Changes: %(fields)s. Reason: %(reason)s") % {
            "fields": changed,
            "reason": event.data.get("reason", ""),
        }
    elif event.type in OFFER_EVENTS:
        url = reverse("inquiries:workspace", args=[negotiation.pk]) + "#pane-chat"
        body = ", ".join(filter(None, [changed, event.data.get("reason", "")]))
    elif event.type == OrderEvent.Type.CANCELLED:
        body = _("Reason: %(reason)s") % {"reason": event.data.get("reason", "")}
    elif event.type in (OrderEvent.Type.SHIPPED, OrderEvent.Type.RECEIVED):
        url += "#shipments"
        body = shipment_body(event)
    values = {
        "number": order.number,
        "side": str(Side(event.actor_side).label).lower() if event.actor_side else "",
        "shipment": event.data.get("shipment", ""),
    }
    notifications_send(
        messages=[
            Message(
                company_id=company_id,
                kind=kind,
                title=title % values,
                body=body,
                url=url,
                order_id=order.pk,
            )
            for company_id in told
        ]
    )


def shipment_body(event: OrderEvent) -> str:
    data = event.data
    if event.type == OrderEvent.Type.RECEIVED:
        if data.get("deemed"):
            return _("Deemed received: the buyer did not confirm its receipt in time.")
        return _("The buyer confirmed its receipt.")
    return _("Shipped on %(date)s by %(carrier)s; the order page has the tracking details.") % {
        "date": data.get("ship_date", ""),
        "carrier": data.get("carrier", ""),
    }
