"""Orders built through the real services, so every state has its events, revisions and seal."""

from inquiries.tests.factories import InquiryFactory
from orders import services
from orders.models import OrderStatus


def complete_values(order=None, **overrides) -> dict:
    """Complete terms: one line of 1,000 pieces at 4.80 USD, FOB Ningbo to Hamburg."""
    lines = [
        {
            "name": "Stainless steel water bottle",
            "specification": "750 ml, logo printed",
            "quantity": "1000",
            "unit": "piece",
            "unit_price": "4.80",
        }
    ]
    if order is not None:
        lines[0]["key"] = str(order.lines.all()[0].key)
        lines[0]["product_id"] = order.lines.all()[0].product_id
    values = {
        "lines": lines,
        "incoterm": "FOB",
        "shipping_method": "sea",
        "origin_country": "CN",
        "origin_port": "Ningbo",
        "destination_country": "DE",
        "destination_address": "Port of Hamburg",
        "shipping_fee": "350.00",
        "packaging": "Individual boxes, 24 per carton",
        "delivery_lead_days": 30,
        "currency": "USD",
        "payment_method": "tt",
        "initial_payment_percent": 30,
        "balance_due": "before_shipment",
        "payment_deadline_days": 14,
        "buyer_contact_name": "Anna Buyer",
        "buyer_contact_email": "anna@buyer.example",
        "buyer_contact_phone": "+49 40 1111",
        "seller_contact_name": "Li Seller",
        "seller_contact_email": "li@seller.example",
        "seller_contact_phone": "+86 574 2222",
    }
    values.update(overrides)
    return values


def make_order(*, buyer, seller, status=OrderStatus.DRAFT, product=None, complete=True, terms=None):
    """An order between the two users' companies, walked to ``status`` through the services.

    ``ready_to_ship`` is reached by terms with nothing due before shipment (no deposit, the
    balance 30 days after delivery); payments.tests.factories pays orders. ``terms`` override
    the complete values (e.g. the payment terms).
    """
    terms = terms or {}
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
    )
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)
    if complete or status != OrderStatus.DRAFT:
        overrides = NOTHING_BEFORE_SHIPMENT if status == OrderStatus.READY_TO_SHIP else {}
        overrides = {**overrides, **(terms or {})}
        order = services.order_modify(
            order_id=order.pk,
            actor=seller,
            version=order.version,
            values=complete_values(order, **overrides),
        )
    if status == OrderStatus.DRAFT:
        return _fresh(order)
    if status == OrderStatus.BUYER_CONFIRMED:
        order = services.order_confirm(order_id=order.pk, actor=seller, version=order.version)
        order = services.order_modify(
            order_id=order.pk,
            actor=buyer,
            version=order.version,
            values=complete_values(_fresh(order), **{"shipping_fee": "300.00", **terms}),
        )
        return _fresh(order)
    order = services.order_confirm(order_id=order.pk, actor=seller, version=order.version)
    if status == OrderStatus.SELLER_CONFIRMED:
        return _fresh(order)
    if status == OrderStatus.CANCELLED:
        order = services.order_cancel(
            order_id=order.pk, actor=buyer, version=order.version, reason="Found another supplier"
        )
        return _fresh(order)
    if complete_values(**overrides)["payment_method"] == "tt":
        ensure_bank_details(seller)
    order = services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
    return _fresh(order)


# Terms with nothing due before shipment: agreeing makes the order ready to ship at once.
NOTHING_BEFORE_SHIPMENT = {
    "initial_payment_percent": 0,
    "balance_due": "after_delivery",
    "balance_due_days": 30,
}


SELLER_BANK = {
    "beneficiary": "Ningbo Bright Housewares Co",
    "bank_name": "Bank of Ningbo",
    "account_number": "CN12 3456 7890 1234",
    "swift_bic": "BKNBCN2N",
    "bank_address": "Ningbo, China",
}


def ensure_bank_details(seller) -> None:
    """A T/T order is agreed only with the seller's bank details on file (payments' rule)."""
    from payments import selectors as payment_selectors
    from payments import services as payment_services

    if payment_selectors.bank_account_for_company(seller.company_id) is None:
        payment_services.bank_account_update(actor=seller, values=SELLER_BANK)


def _fresh(order):
    from orders.models import Order

    return Order.objects.select_related("negotiation").prefetch_related("lines").get(pk=order.pk)


def snapshot(order) -> dict:
    """Everything a refused request must leave untouched: state, version, terms, history."""
    from orders import terms
    from orders.models import Order

    fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
    return {
        "status": fresh.status,
        "version": fresh.version,
        "terms": terms.canonical(terms.from_order(fresh)),
        "line_ids": sorted(fresh.lines.values_list("pk", flat=True)),
        "events": list(fresh.events.values_list("pk", flat=True)),
        "revisions": list(fresh.revisions.values_list("pk", flat=True)),
        "cancel_reason": fresh.cancel_reason,
        "agreed_digest": fresh.agreed_digest,
    }
