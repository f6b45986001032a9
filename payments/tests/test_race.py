"""Real concurrency on PostgreSQL: a payment marked received racing the seller's cancel for
non-payment. Exactly one wins, and no received money is left out of the refund owed."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from accounts.tests.factories import BuyerFactory, SellerFactory
from catalog.tests.factories import ProductFactory
from common.testing import run_together
from orders.models import Order, OrderStatus
from orders.tests.factories import make_order
from payments import services
from payments.models import Payment, PaymentStatus, Refund
from payments.tests.factories import pay, pay_received, set_bank_details

ROUNDS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hold_after_read(monkeypatch):
    """Each call waits after reading the order until the other call has read it too."""
    state = {"barrier": None}
    read = services.order_get_for_user

    def read_then_wait(*, user, order_id):
        order = read(user=user, order_id=order_id)
        if state["barrier"] is not None:
            state["barrier"].wait(timeout=10)
        return order

    monkeypatch.setattr(services, "order_get_for_user", read_then_wait)
    return state


def _race(calls, hold):
    return run_together(calls, hold=hold, held=len(calls))


def test_a_payment_racing_the_cancel_for_non_payment_never_loses_money(hold_after_read):
    seller = SellerFactory()
    buyer = BuyerFactory()
    product = ProductFactory(seller=seller.company)
    set_bank_details(seller)
    outcomes = set()
    for round_ in range(ROUNDS):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
        )
        pay_received(order, buyer, seller, "1000.00", key=f"race-first-{round_:03d}")
        services.payment_overdue_mark(
            order_id=order.pk,
            now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=15),
        )
        late = pay(order, buyer, "545.00", key=f"race-late-{round_:04d}")
        order = Order.objects.get(pk=order.pk)

        _race(
            [
                lambda late=late: services.payment_mark_received(payment_id=late.pk, actor=seller),
                lambda order=order: services.order_cancel_for_non_payment(
                    order_id=order.pk, actor=seller, version=order.version, reason="Too late"
                ),
            ],
            hold_after_read,
        )

        order.refresh_from_db()
        received = Payment.objects.filter(order=order, status=PaymentStatus.RECEIVED).aggregate(
            total=Sum("amount")
        )["total"]
        owed = Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"]
        if order.status == OrderStatus.CANCELLED:
            # The cancel won. The late transfer, marked received after it, is owed back with
            # the deposit; refused meanwhile, it stays to be decided. Either way every amount
            # received is owed.
            assert received == owed
            assert received in (Decimal("1000.00"), Decimal("1545.00"))
        else:
            # The payment won: the deposit is paid, nothing is overdue, nothing owed.
            assert (order.status, received, owed) == (
                OrderStatus.AWAITING_PAYMENT,
                Decimal("1545.00"),
                None,
            )
            assert order.overdue_at is None
        outcomes.add(order.status)
    assert outcomes  # at least one round ran to the end
