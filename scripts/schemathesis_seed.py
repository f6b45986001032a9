"""Seeds the throwaway database of scripts/schemathesis.sh, then prints schemathesis.toml.

Run with ``manage.py shell < scripts/schemathesis_seed.py`` after load_demo_data. The demo
buyer and seller get orders in every state, an RFQ with a quotation and payments, made through
the services (the test factories walk them); the TOML binds each path parameter to the ids of
those objects, so most generated calls reach real objects instead of 404.
"""

import os

from django.contrib.auth import get_user_model

from catalog.models import Product
from chat.models import Message
from inquiries.models import Inquiry, Negotiation
from notifications.models import Notification
from orders.models import Order, OrderStatus, Revision
from orders.tests.factories import make_order
from payments.models import Payment
from payments.tests.factories import pay, set_bank_details
from rfq.models import RFQ, Quotation
from rfq.tests.factories import QuotationFactory, RFQFactory
from shipments.models import Shipment, ShipmentDocument
from shipments.tests.factories import pdf, ready_order, ship

User = get_user_model()
buyer = User.objects.get(username="buyer")
seller = User.objects.get(username="seller")
product = Product.objects.filter(seller=seller.company, active=True).order_by("pk").first()

set_bank_details(seller)
for status in (
    OrderStatus.DRAFT,
    OrderStatus.SELLER_CONFIRMED,
    OrderStatus.BUYER_CONFIRMED,
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.CANCELLED,
):
    make_order(buyer=buyer, seller=seller, status=status, product=product)
paid = Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT).order_by("pk").first()
pay(paid, buyer, "100.00", key="schemathesis-seed-1")
shipping = ready_order(buyer=buyer, seller=seller, product=product)
ship(shipping, seller, "400", documents={"commercial_invoice": pdf()})
rfq = RFQFactory(
    buyer_company=buyer.company, created_by=buyer, category=product.category, currency="USD"
)
QuotationFactory(rfq=rfq, author=seller, seller_company=seller.company)

order_ids = list(Order.objects.values_list("pk", flat=True))
ids = {
    "order_id": order_ids,
    "negotiation_id": list(Negotiation.objects.values_list("pk", flat=True)),
    "inquiry_id": list(Inquiry.objects.values_list("pk", flat=True)),
    "rfq_id": list(RFQ.objects.values_list("pk", flat=True)),
    "quotation_id": list(Quotation.objects.values_list("pk", flat=True)),
    "payment_id": list(Payment.objects.values_list("pk", flat=True)),
    "notification_id": list(Notification.objects.values_list("pk", flat=True)),
    "shipment_id": list(Shipment.objects.values_list("pk", flat=True)),
    "document_id": list(ShipmentDocument.objects.values_list("pk", flat=True)),
    "version": sorted(set(Revision.objects.values_list("version", flat=True))),
    "product_id": list(
        Product.objects.filter(seller=seller.company).values_list("pk", flat=True)[:5]
    ),
    "last_id": list(Message.objects.values_list("pk", flat=True)[:5]) or [1],
}
bindings = [(f"path.{name}", name) for name in ids if name not in ("product_id", "last_id")]
bindings += [(f"body.{name}", name) for name in ("product_id", "last_id", "inquiry_id", "version")]
probability = os.environ.get("SCHEMATHESIS_KNOWN_ID_PROBABILITY", "0.8")
lines = ["[dictionaries]"]
lines += [f"{name} = {{ values = {values} }}" for name, values in ids.items() if values]
lines.append("\n[parameters]")
lines += [
    f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}'
    for key, name in bindings
    if ids[name]
]
# Error feedback off: it reads DRF's "This field may not be null." on an optional field as
# "required", then fails the run when leaving that field out is (rightly) accepted. Seen in CI
# (client_id of a chat message): a false finding, and how far the timed run gets decides it.
lines += ["\n[phases.fuzzing.error-feedback]", "enabled = false"]
print("\n".join(lines))
