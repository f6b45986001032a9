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
}


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
    if not overdue and (
        event.type not in ORDER_EVENTS or event.actor_side not in (Side.BUYER, Side.SELLER)
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
    other = Side.SELLER if event.actor_side == Side.BUYER else Side.BUYER
    changed = ", ".join(event.data.get("changed", []))
    body = ""
    if event.type == OrderEvent.Type.MODIFIED and changed:
        body = _("Changed: %(fields)s.") % {"fields": changed}
    elif event.type == OrderEvent.Type.CANCELLED:
        body = _("Reason: %(reason)s") % {"reason": event.data.get("reason", "")}
    notifications_send(
        messages=[
            Message(
                company_id=companies[other],
                kind=kind,
                title=title
                % {"number": order.number, "side": str(Side(event.actor_side).label).lower()},
                body=body,
                url=url,
                order_id=order.pk,
            )
        ]
    )
