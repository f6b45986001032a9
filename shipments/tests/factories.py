"""Shipment fixtures built through the real services.

i13-pay owns the way into ready_to_ship (paying what is due before shipment); until that branch
is merged, ``ready_order`` puts the agreed order there directly.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from orders.models import Order, OrderLine, OrderStatus
from orders.tests.factories import NOTHING_BEFORE_SHIPMENT, make_order
from payments.tests.factories import pay_received
from shipments import services


def ready_order(*, buyer, seller, product=None, extra_lines: int = 0, paid: bool = False):
    """An agreed order (1,000 pieces of one line, plus ``extra_lines`` lines of 50 pieces)
    that is ready to ship, through the services: ``paid``, the buyer paid the whole order
    before shipment (order_fully_paid is true); otherwise nothing was due before shipment."""
    if paid:
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
        )
        pay_received(order, buyer, seller, "5150.00")
    else:
        order = make_order(
            buyer=buyer,
            seller=seller,
            status=OrderStatus.READY_TO_SHIP,
            product=product,
            terms=NOTHING_BEFORE_SHIPMENT,
        )
    # Extra lines are added to the agreed order directly: the shipping rules read the lines.
    for position in range(1, extra_lines + 1):
        OrderLine.objects.create(
            order=order,
            position=position,
            name=f"Lid {position}",
            quantity=Decimal(50),
            unit="piece",
            unit_price=Decimal("0.50"),
        )
    return fresh(order)


def fresh(order) -> Order:
    return Order.objects.select_related("negotiation").prefetch_related("lines").get(pk=order.pk)


def values(order, *quantities, **overrides) -> dict:
    """A shipment of ``quantities`` (one per order line, in order; None skips a line)."""
    lines = [
        {"order_line_id": line.pk, "quantity": str(quantity)}
        for line, quantity in zip(order.lines.all(), quantities, strict=False)
        if quantity is not None
    ]
    return {
        "carrier": "Maersk",
        "tracking_number": "MSKU1234567",
        "transport_document_number": "MAEU240011",
        "ship_date": timezone.localdate().isoformat(),
        "lines": lines,
        **overrides,
    }


def ship(order, seller, *quantities, documents=None, **overrides):
    order = fresh(order)
    return services.shipment_create(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        values=values(order, *quantities, **overrides),
        documents=documents,
    )


def receive(shipment, buyer):
    order = Order.objects.get(pk=shipment.order_id)
    return services.shipment_confirm_receipt(
        shipment_id=shipment.pk, actor=buyer, version=order.version
    )


def pdf(name="invoice.pdf", size=None) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n%test\n" + (b"0" * (size - 15) if size else b"")
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="packing.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()
