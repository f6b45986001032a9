"""Real concurrency on PostgreSQL: accepting an offer racing its withdrawal, and racing a
modification of the order. Each offer step locks the order row and is a conditional UPDATE on
the offer's state, so exactly one wins and the loser changes nothing."""

import threading
from functools import partial

import pytest
from django.db import connection

from common.errors import InvalidTransition, StaleVersion
from orders import offers, services
from orders.models import Offer, Order, OrderEvent, OrderStatus
from orders.tests.factories import complete_values, make_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 8


def _race(*calls):
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the loser's refusal is the result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _offer(order, seller) -> Offer:
    key = str(order.lines.all()[0].key)
    return offers.offer_make(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        values={"lines": [{"key": key, "unit_price": "4.50"}]},
    )


def test_an_accept_racing_a_withdrawal_has_exactly_one_winner(buyer, seller, product):
    for _round in range(ROUNDS):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
        )
        offer = _offer(order, seller)

        accepted, withdrawn = _race(
            partial(offers.offer_accept, order_id=order.pk, offer_id=offer.pk, actor=buyer),
            partial(offers.offer_withdraw, order_id=order.pk, offer_id=offer.pk, actor=seller),
        )

        offer.refresh_from_db()
        fresh = Order.objects.get(pk=order.pk)
        if offer.state == Offer.State.ACCEPTED:
            assert isinstance(withdrawn, InvalidTransition)
            assert fresh.version == order.version + 1
        else:
            assert offer.state == Offer.State.WITHDRAWN
            assert isinstance(accepted, InvalidTransition)
            assert fresh.version == order.version
            assert not fresh.events.filter(type=OrderEvent.Type.MODIFIED, version=fresh.version + 1)


def test_an_accept_racing_a_modification_never_applies_to_the_moved_order(buyer, seller, product):
    for _round in range(ROUNDS):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
        )
        offer = _offer(order, seller)
        values = complete_values(order, packaging="Crates")

        accepted, modified = _race(
            partial(offers.offer_accept, order_id=order.pk, offer_id=offer.pk, actor=buyer),
            partial(
                services.order_modify,
                order_id=order.pk,
                actor=seller,
                version=order.version,
                values=values,
            ),
        )

        offer.refresh_from_db()
        fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
        assert fresh.version == order.version + 1
        if offer.state == Offer.State.ACCEPTED:
            assert isinstance(modified, StaleVersion)
            assert fresh.status == OrderStatus.BUYER_CONFIRMED
        else:
            assert offer.state == Offer.State.STALE
            assert isinstance(accepted, StaleVersion)
            assert (fresh.status, fresh.packaging) == (OrderStatus.SELLER_CONFIRMED, "Crates")
