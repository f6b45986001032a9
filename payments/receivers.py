from orders.models import Order, OrderEvent
from payments import services


def snapshot_bank_details_on_agreement(sender, event: OrderEvent, **kwargs) -> None:
    """Both sides confirmed: keep the seller's bank details as they are now for this order,
    and start its reminder schedule."""
    if event.type != OrderEvent.Type.AGREED:
        return
    order = Order.objects.select_related("negotiation").get(pk=event.order_id)
    services.payment_plan_ensure(order=order)


def stop_reminders_when_settled(sender, event: OrderEvent, **kwargs) -> None:
    """Paid or cancelled: no more reminders (the sweep re-checks the status all the same)."""
    if event.type in (OrderEvent.Type.PAID, OrderEvent.Type.CANCELLED):
        services.reminder_schedule_stop(order_id=event.order_id)
