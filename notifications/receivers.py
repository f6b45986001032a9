"""Notifications for what happens elsewhere: new inquiries and order events."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Side
from common.i18n import by_side, later, lazy_format
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders.models import Order, OrderEvent
from orders.terms import labels_translated

# event type -> (kind, title or one title per acting side); the other side of the actor is
# told. Agreement (both confirmed) is told to both sides by contracts.services once its PDF
# exists, with the PDF attached.
ORDER_EVENTS = {
    OrderEvent.Type.STARTED: (
        Kind.ORDER_CONFIRMED,
        gettext_lazy("%(number)s was started and confirmed by the buyer"),
    ),
    OrderEvent.Type.CONFIRMED: (
        Kind.ORDER_CONFIRMED,
        by_side(
            gettext_lazy("%(number)s was confirmed by the buyer"),
            gettext_lazy("%(number)s was confirmed by the seller"),
        ),
    ),
    OrderEvent.Type.MODIFIED: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("%(number)s was modified by the buyer"),
            gettext_lazy("%(number)s was modified by the seller"),
        ),
    ),
    OrderEvent.Type.CANCELLED: (
        Kind.ORDER_CANCELLED,
        by_side(
            gettext_lazy("%(number)s was cancelled by the buyer"),
            gettext_lazy("%(number)s was cancelled by the seller"),
        ),
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
        by_side(
            gettext_lazy("The buyer proposes an amendment of %(number)s"),
            gettext_lazy("The seller proposes an amendment of %(number)s"),
        ),
    ),
    OrderEvent.Type.AMENDMENT_ACCEPTED: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("The buyer accepted the amendment of %(number)s"),
            gettext_lazy("The seller accepted the amendment of %(number)s"),
        ),
    ),
    OrderEvent.Type.AMENDMENT_REJECTED: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("The buyer rejected the amendment of %(number)s"),
            gettext_lazy("The seller rejected the amendment of %(number)s"),
        ),
    ),
    OrderEvent.Type.AMENDMENT_WITHDRAWN: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("The buyer withdrew the amendment of %(number)s"),
            gettext_lazy("The seller withdrew the amendment of %(number)s"),
        ),
    ),
    OrderEvent.Type.EXTENSION_REQUESTED: (
        Kind.OFFER_EXTENSION,
        by_side(
            gettext_lazy("The buyer asks you to extend your expired confirmation of %(number)s"),
            gettext_lazy("The seller asks you to extend your expired confirmation of %(number)s"),
        ),
    ),
    OrderEvent.Type.EXTENDED: (
        Kind.OFFER_EXTENSION,
        by_side(
            gettext_lazy("The buyer extended its confirmation of %(number)s"),
            gettext_lazy("The seller extended its confirmation of %(number)s"),
        ),
    ),
    # Issue 14 point 1: offers in the chat (an accepted offer is told as the modification).
    OrderEvent.Type.OFFER_MADE: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("The buyer made an offer on %(number)s"),
            gettext_lazy("The seller made an offer on %(number)s"),
        ),
    ),
    OrderEvent.Type.OFFER_DECLINED: (
        Kind.ORDER_MODIFIED,
        by_side(
            gettext_lazy("The buyer declined your offer on %(number)s"),
            gettext_lazy("The seller declined your offer on %(number)s"),
        ),
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
                    title=lazy_format(_("New inquiry: %(subject)s"), {"subject": instance.subject}),
                    body=lazy_format(
                        _("From %(buyer)s."),
                        {"buyer": str(negotiation.buyer_company).rstrip().removesuffix(".")},
                    ),
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
        title = lazy_format(_("The payment for %(number)s is overdue"), {"number": order.number})
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
    labels = event.data.get("changed") or []
    changed = later(labels_translated, labels) if labels else ""
    body = ""
    if event.type == OrderEvent.Type.MODIFIED and changed:
        body = lazy_format(_("Changed: %(fields)s."), {"fields": changed})
    elif event.type in AMENDMENT_CHANGES and changed:
        body = lazy_format(
            _("Changes: %(fields)s. Reason: %(reason)s"),
            {"fields": changed, "reason": event.data.get("reason", "")},
        )
    elif event.type in OFFER_EVENTS:
        url = reverse("inquiries:workspace", args=[negotiation.pk]) + "#pane-chat"
        body = later(_offer_body, labels, event.data.get("reason", ""))
    elif event.type == OrderEvent.Type.CANCELLED:
        body = lazy_format(_("Reason: %(reason)s"), {"reason": event.data.get("reason", "")})
    elif event.type in (OrderEvent.Type.EXTENSION_REQUESTED, OrderEvent.Type.EXTENDED):
        url = _workspace_url(order)
        body = offer_body(event)
    elif event.type in (OrderEvent.Type.SHIPPED, OrderEvent.Type.RECEIVED):
        url += "#shipments"
        body = shipment_body(event)
    if isinstance(title, dict):
        title = title[event.actor_side]
    values = {
        "number": order.number,
        "shipment": event.data.get("shipment", ""),
    }
    notifications_send(
        messages=[
            Message(
                company_id=company_id,
                kind=kind,
                title=lazy_format(title, values),
                body=body,
                url=url,
                order_id=order.pk,
            )
            for company_id in told
        ]
    )


def shipment_body(event: OrderEvent):
    """The notification's text for a shipment event (lazy: each reader's language)."""
    data = event.data
    if event.type == OrderEvent.Type.RECEIVED:
        if data.get("deemed"):
            return _("Deemed received: the buyer did not confirm its receipt in time.")
        return _("The buyer confirmed its receipt.")
    return lazy_format(
        _("Shipped on %(date)s by %(carrier)s; the order page has the tracking details."),
        {"date": data.get("ship_date", ""), "carrier": data.get("carrier", "")},
    )


def _offer_body(labels, reason: str) -> str:
    """What an offer changes (and a decline's note), in the recipient's language."""
    return ", ".join(filter(None, [labels_translated(labels), reason]))


def _workspace_url(order: Order) -> str:
    return reverse("inquiries:workspace", args=[order.negotiation_id]) + "#loi"


def _when(value) -> str:
    if isinstance(value, str):
        value = parse_datetime(value)
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def offer_body(event: OrderEvent) -> str:
    when = {"when": later(_when, event.data.get("valid_until"))}
    if event.type == OrderEvent.Type.EXTENDED:
        return lazy_format(_("You can confirm it until %(when)s."), when)
    return lazy_format(_("It expired on %(when)s. Extend it with one click, or leave it."), when)


EXPIRES_SOON = by_side(
    _("The buyer's confirmation of %(number)s expires soon"),
    _("The seller's confirmation of %(number)s expires soon"),
)
EXPIRED = by_side(
    _("The buyer's confirmation of %(number)s expired"),
    _("The seller's confirmation of %(number)s expired"),
)


def offers_swept(sender, expiring: list[Order], expired: list[Order], **kwargs) -> None:
    """The expiry sweep's notices, in one bulk send: a day before, the side whose turn it is;
    once expired, that side (it may ask for an extension or modify) and the sender (it may
    extend). Runs in the sweep's claiming transaction, so each is sent once."""
    messages = []
    for order in expiring:
        values = {
            "number": order.number,
            "when": later(_when, order.valid_until),
        }
        messages.append(
            Message(
                company_id=_company(order, order.waiting_for),
                kind=Kind.OFFER_EXPIRING,
                title=lazy_format(EXPIRES_SOON[_sender(order)], values),
                body=lazy_format(
                    _(
                        "Confirm it before %(when)s: after that it can no longer be confirmed "
                        "as is."
                    ),
                    values,
                ),
                url=_workspace_url(order),
                order_id=order.pk,
            )
        )
    for order in expired:
        values = {
            "number": order.number,
            "when": later(_when, order.valid_until),
        }
        waiting = order.waiting_for
        messages += [
            Message(
                company_id=_company(order, waiting),
                kind=Kind.OFFER_EXPIRED,
                title=lazy_format(EXPIRED[_sender(order)], values),
                body=lazy_format(
                    _(
                        "It was valid until %(when)s. Ask for an extension, or modify it to send "
                        "your own confirmation."
                    ),
                    values,
                ),
                url=_workspace_url(order),
                order_id=order.pk,
            ),
            Message(
                company_id=_company(order, Side.SELLER if waiting == Side.BUYER else Side.BUYER),
                kind=Kind.OFFER_EXPIRED,
                title=lazy_format(_("Your confirmation of %(number)s expired"), values),
                body=lazy_format(
                    _(
                        "It was valid until %(when)s and can no longer be confirmed as is: extend "
                        "it with one click."
                    ),
                    values,
                ),
                url=_workspace_url(order),
                order_id=order.pk,
            ),
        ]
    notifications_send(messages=messages)


def _sender(order: Order) -> str:
    """Who sent the offer: the side the order does not wait for."""
    return Side.BUYER if order.waiting_for == Side.SELLER else Side.SELLER


def _company(order: Order, side: str) -> int:
    negotiation = order.negotiation
    return negotiation.buyer_company_id if side == Side.BUYER else negotiation.seller_company_id
