from orders.models import OrderEvent
from payments import services


def start_schedule_on_agreement(sender, order, **kwargs) -> None:
    """Both sides confirmed (orders.signals.order_agreed, inside the agreeing transaction):
    keep the seller's bank details as they are now for this order, and build its
    instalments."""
    services.payment_schedule_start(order_id=order.pk)


def date_balance_on_shipment(sender, order, ship_date, **kwargs) -> None:
    """orders.signals.goods_shipped: the first shipment dates a balance due after shipment."""
    services.payment_schedule_event(order_id=order.pk, shipped_on=ship_date)


def date_balance_on_delivery(sender, order, received_on, **kwargs) -> None:
    """orders.signals.goods_received: delivery dates a balance due after delivery."""
    services.payment_schedule_event(order_id=order.pk, received_on=received_on)


def recompute_schedule_on_amendment(sender, order, **kwargs) -> None:
    """orders.signals.order_amended: the instalments follow the new terms; a total below the
    money kept records a refund owed."""
    services.payment_schedule_amended(order_id=order.pk)


def stop_reminders_when_settled(sender, event: OrderEvent, **kwargs) -> None:
    """Paid in full, completed or cancelled: no more reminders (the sweep re-checks)."""
    if event.type in (
        OrderEvent.Type.PAID,
        OrderEvent.Type.COMPLETED,
        OrderEvent.Type.CANCELLED,
    ):
        services.reminder_schedule_stop(order_id=event.order_id)
