"""Real concurrency on PostgreSQL: the conditional UPDATE lets exactly one request win a race.

Each round starts two threads on the same order and the same base version. In the
"overlapping" rounds both threads are held after reading the order until both have read it,
so both really reach the conditional UPDATE: the loser blocks on the row lock, then finds
the version moved on. In the "free" rounds the threads run as the scheduler lets them.
"""

import pytest

from accounts.tests.factories import SellerFactory
from common.errors import StaleVersion
from common.testing import run_together
from orders import selectors, services
from orders.models import Order, OrderStatus, Revision
from orders.tests.factories import complete_values, make_order

S = OrderStatus
ROUNDS = 30

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hold_after_read(monkeypatch):
    """While set, each service call waits after its read until the other thread has read too."""
    state = {"barrier": None}
    read = selectors.order_get_for_user

    def read_then_wait(*, user, order_id):
        order = read(user=user, order_id=order_id)
        if state["barrier"] is not None:
            state["barrier"].wait(timeout=10)
        return order

    monkeypatch.setattr(selectors, "order_get_for_user", read_then_wait)
    return state


def _race(*calls, hold, overlap=False):
    """Runs the calls together; with ``overlap``, each waits after its read for the others."""
    return run_together(calls, hold=hold, held=len(calls) if overlap else 0)


def _outcome(results):
    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    others = [r for r in results if not isinstance(r, Order | StaleVersion)]
    return winners, losers, others


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapping", "free"])
def test_confirm_racing_modify_has_exactly_one_winner_every_time(
    buyer, seller, product, hold_after_read, overlap
):
    winners_by_action = {"confirm": 0, "modify": 0}
    for _ in range(ROUNDS):
        order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
        base = order.version
        values = complete_values(order, shipping_fee="999.00")

        def confirm(order=order, base=base):
            return services.order_confirm(order_id=order.pk, actor=buyer, version=base)

        def modify(order=order, base=base, values=values):
            return services.order_modify(
                order_id=order.pk, actor=seller, version=base, values=values
            )

        results = _race(confirm, modify, hold=hold_after_read, overlap=overlap)

        winners, losers, others = _outcome(results)
        assert (len(winners), len(losers), others) == (1, 1, [])
        if overlap:
            # Both read the base version, so the loser passed the early version check and
            # lost at the conditional UPDATE (whose message does not echo the sent version).
            assert "you sent" not in losers[0].message
        fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
        assert losers[0].current_version == fresh.version == base + 1
        assert Revision.objects.filter(order=order, version__gt=base).count() == 1
        assert order.events.filter(version__gt=base).count() == 1
        if isinstance(results[0], Order):
            winners_by_action["confirm"] += 1
            assert fresh.status == S.AWAITING_PAYMENT
            assert fresh.shipping_fee != 999
            assert selectors.order_seal_check(fresh) is True
        else:
            winners_by_action["modify"] += 1
            assert fresh.status == S.SELLER_CONFIRMED
            assert fresh.shipping_fee == 999
            assert fresh.agreed_digest == ""
    assert sum(winners_by_action.values()) == ROUNDS


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapping", "free"])
def test_two_concurrent_confirms_have_exactly_one_winner(
    buyer, seller, product, hold_after_read, overlap
):
    colleague = SellerFactory(company=seller.company)
    for _ in range(ROUNDS):
        order = make_order(buyer=buyer, seller=seller, status=S.BUYER_CONFIRMED, product=product)
        base = order.version

        def confirm_as(user, order=order, base=base):
            return lambda: services.order_confirm(order_id=order.pk, actor=user, version=base)

        results = _race(
            confirm_as(seller), confirm_as(colleague), hold=hold_after_read, overlap=overlap
        )

        winners, losers, others = _outcome(results)
        assert (len(winners), len(losers), others) == (1, 1, [])
        if overlap:
            # Both read the base version, so the loser passed the early version check and
            # lost at the conditional UPDATE (whose message does not echo the sent version).
            assert "you sent" not in losers[0].message
        fresh = Order.objects.get(pk=order.pk)
        assert (fresh.status, fresh.version) == (S.AWAITING_PAYMENT, base + 1)
        assert fresh.agreed_by == winners[0].agreed_by
        assert order.events.filter(version__gt=base).count() == 1


def test_a_modify_racing_a_cancel_never_leaves_a_cancelled_order_with_new_terms(
    buyer, seller, product, hold_after_read
):
    for _ in range(ROUNDS // 3):
        order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
        base = order.version
        values = complete_values(order, incoterm="CIF")

        results = _race(
            lambda order=order, base=base, values=values: services.order_modify(
                order_id=order.pk, actor=buyer, version=base, values=values
            ),
            lambda order=order, base=base: services.order_cancel(
                order_id=order.pk, actor=seller, version=base, reason="Out of stock"
            ),
            hold=hold_after_read,
            overlap=True,
        )

        winners, losers, others = _outcome(results)
        assert (len(winners), len(losers), others) == (1, 1, [])
        fresh = Order.objects.get(pk=order.pk)
        assert (fresh.status, fresh.incoterm) in {
            (S.BUYER_CONFIRMED, "CIF"),
            (S.CANCELLED, "FOB"),
        }
