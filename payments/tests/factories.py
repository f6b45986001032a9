"""Payment fixtures built through the real services."""

import datetime

from django.utils import timezone

from orders.models import Order
from payments import services
from payments.models import Instalment

BANK = {
    "beneficiary": "Ningbo Bright Housewares Co",
    "bank_name": "Bank of Ningbo",
    "account_number": "CN12 3456 7890 1234",
    "swift_bic": "BKNBCN2N",
    "bank_address": "Ningbo, China",
}
NEW_BANK = {**BANK, "bank_name": "Other Bank Ltd", "account_number": "GB00FRAUD1234567"}


def set_bank_details(seller, **overrides):
    return services.bank_account_update(actor=seller, values={**BANK, **overrides})


def pay(order, buyer, amount, *, key="key-00000001", provider="bank_transfer", **values):
    return services.payment_submit(
        order_id=order.pk,
        actor=buyer,
        provider=provider,
        amount=str(amount),
        currency=values.pop("currency", "USD"),
        idempotency_key=key,
        values={"reference": "TT-REF-1", **values},
    )


def pay_received(order, buyer, seller, amount, *, key="key-received-1"):
    """A bank transfer the seller marked received (works whatever card rule applies)."""
    payment = pay(order, buyer, amount, key=key)
    return services.payment_mark_received(payment_id=payment.pk, actor=seller)


def make_overdue(order) -> Order:
    """The agreed order as if agreed three weeks ago with 14 days to pay: every instalment is
    late and marked overdue, so the seller may cancel for non-payment."""
    agreed_at = timezone.now() - datetime.timedelta(days=21)
    Order.objects.filter(pk=order.pk).update(agreed_at=agreed_at)
    Instalment.objects.filter(order=order).update(due_at=agreed_at + datetime.timedelta(days=14))
    services.payment_overdue_mark(order_id=order.pk)
    return Order.objects.get(pk=order.pk)
