"""Real concurrency on PostgreSQL: accepting an amendment racing a cancel for non-payment and a
payment being recorded. Every write is a conditional UPDATE of the order row, so where two
conflict exactly one wins; the loser's whole transaction rolls back, and nothing is lost: the
refused payment stays submitted and can be marked again.
"""

import functools
import threading
from decimal import Decimal

import pytest

from accounts.tests.factories import SellerFactory
from common.errors import InvalidTransition, StaleVersion
from common.testing import run_together
from orders import amendments, selectors
from orders.models import Amendment, Order, OrderEvent, OrderStatus
from orders.signals import order_amended
from orders.tests.factories import make_order
from payments import services as payment_services
from payments.models import PaymentStatus, Refund
from payments.tests.factories import make_overdue, pay, set_bank_details

S = OrderStatus
ROUNDS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hold_after_read(monkeypatch):
    """While set, each order service call waits after its read until the others have read."""
    state = {"barrier": None}
    read = selectors.order_get_for_user

    held = threading.local()

    def read_then_wait(*, user, order_id):
        order = read(user=user, order_id=order_id)
        # Once per call: the cancel for non-payment reads through payments, then orders.
        if state["barrier"] is not None and getattr(held, "barrier", None) is not state["barrier"]:
            held.barrier = state["barrier"]
            state["barrier"].wait(timeout=10)
        return order

    monkeypatch.setattr(selectors, "order_get_for_user", read_then_wait)
    monkeypatch.setattr(payment_services, "order_get_for_user", read_then_wait)
    return state


@pytest.fixture
def amended_totals():
    """The previous totals order_amended was sent with, per order."""
    sent = []

    def receiver(sender, order, previous_total, **kwargs):
        sent.append((order.pk, previous_total))

    order_amended.connect(receiver)
    yield sent
    order_amended.disconnect(receiver)


def _race(*calls, hold, overlap: int = 0):
    """Runs the calls together; ``overlap`` of them hold after their read, the others start
    with a little jitter."""
    return run_together(calls, hold=hold, held=overlap, jitter=0 if overlap else 0.02)


def _overdue_order_with_a_proposal(buyer, seller, product):
    """Agreed, overdue, with the buyer's open proposal (fewer bottles): version ``base``."""
    order = make_overdue(
        make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)
    )
    amendment = amendments.amendment_propose(
        order_id=order.pk,
        actor=buyer,
        version=order.version,
        values={"shipping_fee": "150.00"},
        reason="Cheaper forwarder found",
    )
    return Order.objects.get(pk=order.pk), amendment


def _accept_and_cancel(order, amendment, base, seller, colleague):
    """The seller accepts the buyer's proposal; a colleague cancels for non-payment; both at
    the version ``base`` they saw."""
    accept = functools.partial(
        amendments.amendment_accept,
        order_id=order.pk,
        amendment_id=amendment.pk,
        actor=seller,
        version=base,
    )
    cancel = functools.partial(
        payment_services.order_cancel_for_non_payment,
        order_id=order.pk,
        actor=colleague,
        version=base,
        reason="Not paid",
    )
    return accept, cancel


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapping", "free"])
def test_accepting_an_amendment_racing_a_cancel_for_non_payment_has_exactly_one_winner(
    buyer, seller, product, hold_after_read, amended_totals, overlap
):
    colleague = SellerFactory(company=seller.company)
    wins = {"accept": 0, "cancel": 0}
    for _ in range(ROUNDS):
        order, amendment = _overdue_order_with_a_proposal(buyer, seller, product)
        base, digest = order.version, order.agreed_digest

        results = _race(
            *_accept_and_cancel(order, amendment, base, seller, colleague),
            hold=hold_after_read,
            overlap=2 if overlap else 0,
        )

        accepted, cancelled = (not isinstance(r, Exception) for r in results)
        assert accepted != cancelled, results
        loser = results[1] if accepted else results[0]
        assert isinstance(loser, StaleVersion | InvalidTransition)
        fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
        amendment.refresh_from_db()
        assert fresh.version == base + 1
        assert fresh.events.filter(version__gt=base).count() == 1
        if accepted:
            wins["accept"] += 1
            assert (fresh.status, fresh.shipping_fee) == (S.AWAITING_PAYMENT, Decimal("150"))
            assert amendment.state == Amendment.State.ACCEPTED
            assert selectors.order_seal_check(fresh) is True
            assert amended_totals[-1] == (order.pk, Decimal("5150.00"))
        else:
            wins["cancel"] += 1
            assert (fresh.status, fresh.shipping_fee) == (S.CANCELLED, Decimal("350"))
            assert fresh.agreed_digest == digest
            assert amendment.state == Amendment.State.LAPSED
            assert order.pk not in [pk for pk, _ in amended_totals]
    assert sum(wins.values()) == ROUNDS


def test_accept_cancel_and_a_payment_racing_lose_nothing(
    buyer, seller, product, hold_after_read, amended_totals
):
    set_bank_details(seller)
    colleague = SellerFactory(company=seller.company)
    for round_ in range(ROUNDS):
        order, amendment = _overdue_order_with_a_proposal(buyer, seller, product)
        payment = pay(order, buyer, "1545.00", key=f"race-{round_:04d}-key")
        order = Order.objects.get(pk=order.pk)
        base = order.version

        results = _race(
            *_accept_and_cancel(order, amendment, base, seller, colleague),
            functools.partial(
                payment_services.payment_mark_received, payment_id=payment.pk, actor=seller
            ),
            hold=hold_after_read,
        )

        accepted, cancelled, recorded = (not isinstance(r, Exception) for r in results)
        assert not (accepted and cancelled), results
        assert all(
            isinstance(r, StaleVersion | InvalidTransition)
            for r in results
            if isinstance(r, Exception)
        ), results
        fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
        payment.refresh_from_db()
        amendment.refresh_from_db()
        winners = accepted + cancelled + recorded
        assert winners >= 1
        # A transfer marked received after the cancel won is owed back: a refund event, the
        # cancelled order's version and instalments untouched.
        after_cancel = recorded and cancelled
        # Every winner left its event and, but for that refund, moved the version on once;
        # losers left nothing.
        assert fresh.version == base + winners - after_cancel
        assert fresh.events.filter(version__gt=base).count() == winners
        assert (payment.status == PaymentStatus.RECEIVED) == recorded
        assert (fresh.initial_paid_at is not None) == (recorded and not after_cancel)
        if cancelled:  # whatever arrived is owed back, once
            owed = Refund.objects.filter(order=fresh).values_list("amount", flat=True)
            assert list(owed) == ([Decimal("1545.00")] if recorded else [])
        assert (amendment.state == Amendment.State.ACCEPTED) == accepted
        assert (fresh.status == S.CANCELLED) == cancelled
        assert [pk for pk, _ in amended_totals].count(order.pk) == int(accepted)
        if accepted:
            assert selectors.order_seal_check(fresh) is True
        if not recorded and not cancelled:
            # The refused payment is still there to be marked again, and now it is.
            payment_services.payment_mark_received(payment_id=payment.pk, actor=seller)
            assert Order.objects.get(pk=order.pk).initial_paid_at is not None
            assert fresh.events.filter(type=OrderEvent.Type.PAYMENT_RECORDED).count() == 1
