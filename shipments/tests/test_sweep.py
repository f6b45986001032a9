"""The receipt sweep: the advance notice and the deemed receipt, each exactly once."""

import datetime
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Kind, Notification
from orders.models import OrderEvent, OrderStatus
from shipments import services
from shipments.models import Shipment
from shipments.tests.factories import fresh, ready_order, receive, ship

UTC = datetime.UTC
AGREED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
# With the defaults (30 days, notice 3 days before): shipped 3 March, notice on 30 March,
# deemed received on 2 April.
NOTICE_DAY = datetime.datetime(2025, 3, 30, 12, 0, tzinfo=UTC)
DEEMED_DAY = datetime.datetime(2025, 4, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def shipped(buyer, seller, product):
    with time_machine.travel(AGREED, tick=False):
        order = ready_order(buyer=buyer, seller=seller, product=product)
        return ship(order, seller, "400")


def sweep(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.receipts_sweep()


def receipt_events(order):
    return list(order.events.filter(type=OrderEvent.Type.RECEIVED).values_list("data", flat=True))


def test_a_new_shipment_waits_for_its_notice_day(shipped):
    assert shipped.deemed_receipt_on == datetime.date(2025, 4, 2)
    assert shipped.next_sweep_at == datetime.datetime(2025, 3, 30, tzinfo=UTC)


def test_the_sweep_takes_nothing_before_the_notice_day(shipped, django_capture_on_commit_callbacks):
    result = sweep(NOTICE_DAY - datetime.timedelta(days=1), django_capture_on_commit_callbacks)

    assert result == {"shipments": 0, "batches": 0}


def test_the_buyer_is_told_once_before_the_shipment_is_deemed_received(
    shipped, buyer, django_capture_on_commit_callbacks
):
    sweep(NOTICE_DAY, django_capture_on_commit_callbacks)
    sweep(NOTICE_DAY + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)
    sweep(NOTICE_DAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks)

    notice = Notification.objects.get(kind=Kind.SHIPMENT_RECEIPT_NOTICE)
    assert notice.user == buyer
    assert notice.title == f"Shipment 1 of {shipped.order.number}: confirm its receipt"
    assert "April 2, 2025" in notice.body
    shipped.refresh_from_db()
    assert shipped.received_at is None
    assert shipped.next_sweep_at == datetime.datetime(2025, 4, 2, tzinfo=UTC)


def test_an_unconfirmed_shipment_is_deemed_received_on_its_day_exactly_once(
    shipped, django_capture_on_commit_callbacks
):
    sweep(NOTICE_DAY, django_capture_on_commit_callbacks)
    sweep(DEEMED_DAY, django_capture_on_commit_callbacks)
    sweep(DEEMED_DAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks)

    shipped.refresh_from_db()
    assert shipped.deemed
    assert shipped.received_by is None
    assert shipped.received_on == datetime.date(2025, 4, 2)
    assert shipped.next_sweep_at is None
    assert receipt_events(shipped.order) == [{"shipment": 1, "deemed": True}]


def test_a_batch_delivered_twice_deems_the_shipment_received_once(shipped):
    lease = datetime.datetime(2025, 4, 2, 12, 30, tzinfo=UTC)
    Shipment.objects.filter(pk=shipped.pk).update(next_sweep_at=lease)

    with time_machine.travel(DEEMED_DAY, tick=False):
        first = services.receipts_batch_run(shipment_ids=[shipped.pk], lease=lease)
        second = services.receipts_batch_run(shipment_ids=[shipped.pk], lease=lease)

    assert first["deemed"] == 1
    assert second == {"shipments": 0, "notices": 0, "deemed": 0, "failed": 0}
    assert len(receipt_events(shipped.order)) == 1


def test_deeming_a_shipment_already_received_does_nothing(shipped, buyer):
    with time_machine.travel(DEEMED_DAY - datetime.timedelta(days=5), tick=False):
        receive(shipped, buyer)

    assert services.shipment_deem_received(shipment_id=shipped.pk, now=DEEMED_DAY) is False
    assert receipt_events(shipped.order) == [{"shipment": 1, "deemed": False}]


def test_a_shipment_the_buyer_confirmed_leaves_the_sweep(
    shipped, buyer, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOTICE_DAY - datetime.timedelta(days=5), tick=False):
        receive(shipped, buyer)

    assert sweep(DEEMED_DAY, django_capture_on_commit_callbacks)["shipments"] == 0
    assert not Notification.objects.filter(kind=Kind.SHIPMENT_RECEIPT_NOTICE).exists()


def test_the_deemed_receipt_of_the_last_goods_delivers_the_order(
    buyer, seller, django_capture_on_commit_callbacks
):
    with time_machine.travel(AGREED, tick=False):
        order = ready_order(buyer=buyer, seller=seller)
        ship(order, seller, "1000")

    sweep(NOTICE_DAY, django_capture_on_commit_callbacks)
    sweep(DEEMED_DAY, django_capture_on_commit_callbacks)

    assert fresh(order).status == OrderStatus.DELIVERED


def test_a_cancelled_order_leaves_the_sweep_without_a_receipt(
    shipped, django_capture_on_commit_callbacks
):
    from orders.models import Order

    Order.objects.filter(pk=shipped.order_id).update(status=OrderStatus.CANCELLED)

    sweep(DEEMED_DAY, django_capture_on_commit_callbacks)

    shipped.refresh_from_db()
    assert shipped.received_at is None
    assert shipped.next_sweep_at is None


# --- Cost: constant in the number of shipments -----------------------------------------------


def _many_shipments(buyer, seller, count):
    with time_machine.travel(AGREED, tick=False):
        order = ready_order(buyer=buyer, seller=seller)
        for _ in range(count):
            ship(order, seller, "1")
    return order


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.parametrize("count", [1, 12])
def test_the_sweep_claims_any_number_of_due_shipments_in_one_statement(
    buyer, seller, count, django_assert_num_queries
):
    _many_shipments(buyer, seller, count)

    # The UPDATE ... RETURNING, within the sweep's savepoint.
    with time_machine.travel(NOTICE_DAY, tick=False), django_assert_num_queries(3):
        result = services.receipts_sweep()

    assert result["shipments"] == count


def test_the_advance_notices_of_a_batch_cost_the_same_for_2_or_12_shipments(buyer, seller):
    costs = []
    for count in (2, 12):
        order = _many_shipments(buyer, seller, count)
        ids = list(order.shipments.values_list("pk", flat=True))
        lease = datetime.datetime(2025, 3, 30, 12, 30, tzinfo=UTC)
        Shipment.objects.filter(pk__in=ids).update(next_sweep_at=lease)
        with time_machine.travel(NOTICE_DAY, tick=False):
            costs.append(
                _queries(partial(services.receipts_batch_run, shipment_ids=ids, lease=lease))
            )
    assert costs[0] == costs[1]
    assert Notification.objects.filter(kind=Kind.SHIPMENT_RECEIPT_NOTICE).count() == 2 + 12


def test_a_deemed_receipt_tells_both_sides_and_the_chat(
    shipped, buyer, seller, django_capture_on_commit_callbacks
):
    from chat.models import Message as ChatMessage

    sweep(NOTICE_DAY, django_capture_on_commit_callbacks)
    sweep(DEEMED_DAY, django_capture_on_commit_callbacks)

    told = Notification.objects.filter(kind=Kind.SHIPMENT_RECEIVED)
    assert {n.user for n in told} == {buyer, seller}
    assert {n.body for n in told} == {
        "Deemed received: the buyer did not confirm its receipt in time."
    }
    line = ChatMessage.objects.filter(negotiation=shipped.order.negotiation_id).latest("pk")
    assert line.body == ("Shipment 1 is deemed received: its receipt was not confirmed in time.")
