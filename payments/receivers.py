from orders.models import Order, OrderEvent
from payments import services


def snapshot_bank_details_on_agreement(sender, event: OrderEvent, **kwargs) -> None:
    """Both sides confirmed: keep the seller's bank details as they are now for this order."""
    if event.type != OrderEvent.Type.AGREED:
        return
    order = Order.objects.select_related("negotiation").get(pk=event.order_id)
    services.payment_plan_ensure(order=order)
