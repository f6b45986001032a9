"""Real concurrency on PostgreSQL: two workers deeming one shipment received, and the buyer
confirming it while the sweep deems it, record exactly one receipt."""

import datetime
from functools import partial

import pytest
import time_machine

from common.testing import run_together
from orders.models import Order, OrderEvent
from shipments import services
from shipments.models import Shipment
from shipments.tests.factories import ready_order, ship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UTC = datetime.UTC
AGREED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
DEEMED_DAY = datetime.datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
ROUNDS = 10


def _race(*calls):
    return run_together(calls)


def _shipment(buyer, seller):
    with time_machine.travel(AGREED, tick=False):
        order = ready_order(buyer=buyer, seller=seller)
        return ship(order, seller, "400")


def _receipts(shipment) -> int:
    return OrderEvent.objects.filter(order_id=shipment.order_id, type="received").count()


def test_two_workers_deem_a_shipment_received_once(buyer, seller):
    for _ in range(ROUNDS):
        shipment = _shipment(buyer, seller)

        deem = partial(services.shipment_deem_received, shipment_id=shipment.pk, now=DEEMED_DAY)

        results = _race(deem, deem)

        assert sorted(r for r in results if isinstance(r, bool)) in ([False, True], [True])
        assert _receipts(shipment) == 1


def test_the_buyers_confirmation_racing_the_sweep_records_one_receipt(buyer, seller):
    for _ in range(ROUNDS):
        shipment = _shipment(buyer, seller)
        version = Order.objects.get(pk=shipment.order_id).version

        _race(
            partial(services.shipment_deem_received, shipment_id=shipment.pk, now=DEEMED_DAY),
            partial(
                services.shipment_confirm_receipt,
                shipment_id=shipment.pk,
                actor=buyer,
                version=version,
            ),
        )

        assert _receipts(shipment) == 1
        assert Shipment.objects.get(pk=shipment.pk).received_at is not None
