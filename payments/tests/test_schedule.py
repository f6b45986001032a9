"""The payment schedule (issue 13, points 1-3): instalments, per-instalment overdue, the cancel
for non-payment with its refund, reminders per instalment, completion, and the receivers of
the shipment, delivery and amendment signals."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db.models import F

from common.errors import InvalidTransition, NotAllowed, NotFound
from orders import signals
from orders.models import Order, OrderEvent, OrderLine, OrderStatus
from orders.tests.factories import make_order
from payments import selectors, services
from payments.models import (
    InstalmentState,
    PaymentPlan,
    Refund,
    RefundReason,
    RefundState,
    Reminder,
)
from payments.tests.factories import pay, pay_received, set_bank_details

UTC = datetime.UTC
AGREED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # deadline: 17 March, 10:00
AFTER_DELIVERY = {"balance_due": "after_delivery", "balance_due_days": 30}


def at(month, day, hour=12):
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=UTC)


def agree(buyer, seller, product, capture, **terms):
    with time_machine.travel(AGREED, tick=False), capture(execute=True):
        order = make_order(
            buyer=buyer,
            seller=seller,
            status=OrderStatus.AWAITING_PAYMENT,
            product=product,
            terms=terms,
        )
    mail.outbox.clear()
    return order


def sweep(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.reminders_sweep()


def instalments(order):
    return {i.kind: i for i in order.instalments.all()}


def fresh(order):
    return Order.objects.select_related("negotiation").get(pk=order.pk)


@pytest.fixture
def bank(seller):
    """The seller's bank details, on file before the (past) agreement: T/T orders need them."""
    with time_machine.travel(AGREED - datetime.timedelta(days=1), tick=False):
        return set_bank_details(seller)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def after_delivery(buyer, seller, product, bank, capture):
    """30 % deposit due 14 days after agreement, the balance 30 days after delivery."""
    return agree(buyer, seller, product, capture, **AFTER_DELIVERY)


# --- Instalments -----------------------------------------------------------------------------


def test_agreement_builds_the_initial_payment_and_the_balance_with_their_due_dates(
    buyer, seller, product, bank, capture
):
    order = agree(buyer, seller, product, capture)

    rows = instalments(order)
    deadline = AGREED + datetime.timedelta(days=14)
    assert (rows["initial"].amount, rows["initial"].due_at) == (Decimal("1545.00"), deadline)
    assert (rows["balance"].amount, rows["balance"].due_at) == (Decimal("3605.00"), deadline)
    assert {i.state for i in rows.values()} == {InstalmentState.DUE}


def test_a_balance_after_delivery_is_pending_with_no_due_date(after_delivery):
    balance = instalments(after_delivery)["balance"]

    assert (balance.state, balance.due_at) == (InstalmentState.PENDING, None)


def test_paying_the_deposit_of_an_order_with_the_balance_after_delivery_makes_it_ready_to_ship(
    after_delivery, buyer, seller
):
    pay_received(after_delivery, buyer, seller, "1545.00")

    order = fresh(after_delivery)
    assert order.status == OrderStatus.READY_TO_SHIP
    assert instalments(order)["initial"].state == InstalmentState.PAID
    assert selectors.order_fully_paid(order) is False


def test_a_partial_payment_leaves_the_instalment_partly_paid(awaiting_order, buyer, seller):
    pay_received(awaiting_order, buyer, seller, "1000.00")

    initial = instalments(awaiting_order)["initial"]
    assert (initial.state, initial.paid_amount) == (InstalmentState.PARTLY_PAID, Decimal("1000"))
    assert fresh(awaiting_order).status == OrderStatus.AWAITING_PAYMENT


def test_the_order_is_fully_paid_only_once_every_instalment_is(awaiting_order, buyer, seller):
    pay_received(awaiting_order, buyer, seller, "1545.00", key="key-first-01")
    assert selectors.order_fully_paid(awaiting_order) is False

    pay_received(awaiting_order, buyer, seller, "3605.00", key="key-second-1")

    assert selectors.order_fully_paid(awaiting_order) is True


# --- Overdue per instalment ------------------------------------------------------------------


def test_deposit_paid_and_balance_after_delivery_is_never_overdue_before_delivery(
    after_delivery, buyer, seller, capture
):
    pay_received(after_delivery, buyer, seller, "1545.00")

    for month in (3, 5, 9, 12):
        sweep(at(month, 28), capture)

    order = fresh(after_delivery)
    assert order.overdue_at is None
    assert not order.events.filter(type=OrderEvent.Type.OVERDUE).exists()
    assert instalments(order)["balance"].state == InstalmentState.PENDING
    with pytest.raises(InvalidTransition):
        services.order_cancel_for_non_payment(
            order_id=order.pk, actor=seller, version=order.version, reason="Not paid"
        )


def test_an_unpaid_deposit_past_its_due_date_is_overdue_but_a_pending_balance_is_not(
    after_delivery, capture
):
    sweep(at(3, 17, 11), capture)

    rows = instalments(after_delivery)
    assert rows["initial"].state == InstalmentState.OVERDUE
    assert rows["balance"].state == InstalmentState.PENDING
    event = after_delivery.events.get(type=OrderEvent.Type.OVERDUE)
    assert event.data == {"instalments": [{"kind": "initial", "amount": "1545.00"}]}


def test_paying_the_overdue_instalment_ends_the_overdue_and_the_right_to_cancel(
    after_delivery, buyer, seller, capture
):
    sweep(at(3, 18), capture)
    assert fresh(after_delivery).overdue_at is not None

    pay_received(after_delivery, buyer, seller, "1545.00")

    order = fresh(after_delivery)
    assert order.overdue_at is None
    assert instalments(order)["initial"].state == InstalmentState.PAID
    summary = selectors.payment_summary(user=seller, order=order)
    assert not summary.can_cancel_overdue


def test_delivery_dates_the_balance_n_days_after_the_goods_were_received(
    after_delivery, buyer, seller, capture
):
    pay_received(after_delivery, buyer, seller, "1545.00")

    signals.goods_received.send(
        sender=Order, order=fresh(after_delivery), received_on=datetime.date(2025, 5, 2)
    )

    balance = instalments(after_delivery)["balance"]
    assert balance.state == InstalmentState.DUE
    assert balance.due_at == datetime.datetime(2025, 6, 1, 23, 59, 59, tzinfo=UTC)
    sweep(at(6, 2), capture)
    assert instalments(after_delivery)["balance"].state == InstalmentState.OVERDUE


def test_the_first_shipment_dates_a_balance_due_after_shipment(
    buyer, seller, product, bank, capture
):
    order = agree(
        buyer,
        seller,
        product,
        capture,
        balance_due="after_shipment",
        balance_due_days=10,
    )

    for ship_date in (datetime.date(2025, 4, 1), datetime.date(2025, 4, 9)):
        signals.goods_shipped.send(sender=Order, order=order, shipment=None, ship_date=ship_date)

    assert instalments(order)["balance"].due_at.date() == datetime.date(2025, 4, 11)


# --- Cancelling for non-payment, refunds -----------------------------------------------------


@pytest.fixture
def overdue_with_money(awaiting_order, buyer, seller, capture):
    """1,000.00 of the 1,545.00 deposit received, then the deadline passed."""
    pay_received(awaiting_order, buyer, seller, "1000.00")
    sweep(datetime.datetime.now(UTC) + datetime.timedelta(days=15), capture)
    return fresh(awaiting_order)


def test_cancelling_for_non_payment_after_money_was_received_records_the_refund_owed(
    overdue_with_money, seller, buyer
):
    order = services.order_cancel_for_non_payment(
        order_id=overdue_with_money.pk,
        actor=seller,
        version=overdue_with_money.version,
        reason="Balance never paid",
    )

    assert order.status == OrderStatus.CANCELLED
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.currency, refund.state, refund.reason) == (
        Decimal("1000.00"),
        "USD",
        RefundState.OWED,
        RefundReason.CANCELLED,
    )
    event = order.events.get(type=OrderEvent.Type.REFUND_OWED)
    assert event.data == {"amount": "1000.00", "reason": "cancelled"}
    summary = selectors.payment_summary(user=buyer, order=fresh(order))
    assert [r.amount for r in summary.refunds_owed] == [Decimal("1000.00")]


def test_cancelling_for_non_payment_with_nothing_received_records_no_refund(
    awaiting_order, seller, capture
):
    sweep(datetime.datetime.now(UTC) + datetime.timedelta(days=15), capture)
    order = fresh(awaiting_order)

    services.order_cancel_for_non_payment(
        order_id=order.pk, actor=seller, version=order.version, reason="Never paid"
    )

    assert not Refund.objects.filter(order=order).exists()


def test_a_refused_cancel_records_no_refund(overdue_with_money, seller):
    with pytest.raises(Exception):  # noqa: B017 - StaleVersion, whichever way it is raised
        services.order_cancel_for_non_payment(
            order_id=overdue_with_money.pk,
            actor=seller,
            version=overdue_with_money.version - 1,
            reason="Stale",
        )

    assert not Refund.objects.exists()


@pytest.fixture
def cancelled_with_a_transfer_pending(overdue_with_money, buyer, seller):
    """The buyer reported a 545.00 transfer; the seller cancelled before seeing it arrive."""
    transfer = pay(overdue_with_money, buyer, "545.00", key="key-pending-1")
    services.order_cancel_for_non_payment(
        order_id=overdue_with_money.pk,
        actor=seller,
        version=overdue_with_money.version,
        reason="Balance never paid",
    )
    return transfer


def test_a_transfer_that_arrives_after_the_cancel_is_owed_back_too(
    cancelled_with_a_transfer_pending, seller, buyer
):
    services.payment_mark_received(payment_id=cancelled_with_a_transfer_pending.pk, actor=seller)

    order = cancelled_with_a_transfer_pending.order
    owed = Refund.objects.filter(order=order).order_by("pk")
    assert [(r.amount, r.reason) for r in owed] == [
        (Decimal("1000.00"), RefundReason.CANCELLED),
        (Decimal("545.00"), RefundReason.CANCELLED),
    ]
    assert fresh(order).status == OrderStatus.CANCELLED


def test_the_seller_may_reject_a_transfer_reported_before_the_cancel(
    cancelled_with_a_transfer_pending, seller
):
    payment = services.payment_reject(
        payment_id=cancelled_with_a_transfer_pending.pk, actor=seller, reason="Never arrived"
    )

    assert payment.status == "rejected"
    assert Refund.objects.filter(order=payment.order).count() == 1  # the 1,000.00 only


def test_the_payment_panel_lets_the_seller_decide_a_transfer_after_the_cancel(
    cancelled_with_a_transfer_pending, seller
):
    order = fresh(cancelled_with_a_transfer_pending.order)

    assert selectors.payment_summary(user=seller, order=order).can_decide


def test_the_sellers_payments_page_offers_mark_received_after_the_cancel(
    cancelled_with_a_transfer_pending, seller, client
):
    client.force_login(seller)

    page = client.get(f"/payments/orders/{cancelled_with_a_transfer_pending.order_id}/")

    assert page.status_code == 200
    assert "Mark received" in page.content.decode()


def test_no_new_payment_is_taken_after_the_cancel(cancelled_with_a_transfer_pending, buyer):
    with pytest.raises(InvalidTransition):
        pay(cancelled_with_a_transfer_pending.order, buyer, "100.00", key="key-after-cancel")


@pytest.fixture
def owed(overdue_with_money, seller):
    services.order_cancel_for_non_payment(
        order_id=overdue_with_money.pk,
        actor=seller,
        version=overdue_with_money.version,
        reason="Never paid",
    )
    return Refund.objects.get()


def test_the_seller_marks_a_refund_owed_refunded_once(owed, seller):
    refund = services.refund_mark_refunded(refund_id=owed.pk, actor=seller)

    assert (refund.state, refund.marked_by) == (RefundState.REFUNDED, seller)
    with pytest.raises(InvalidTransition):
        services.refund_mark_refunded(refund_id=owed.pk, actor=seller)


def test_staff_may_mark_a_refund_refunded(owed, staff):
    assert services.refund_mark_refunded(refund_id=owed.pk, actor=staff).marked_by == staff


@pytest.mark.parametrize(("user", "error"), [("buyer", NotAllowed), ("other_seller", NotFound)])
def test_only_the_seller_marks_a_refund_refunded(request, owed, user, error):
    with pytest.raises(error):
        services.refund_mark_refunded(refund_id=owed.pk, actor=request.getfixturevalue(user))

    assert Refund.objects.get().state == RefundState.OWED


# --- Completion ------------------------------------------------------------------------------


def test_the_last_payment_on_a_delivered_order_completes_it(after_delivery, buyer, seller):
    pay_received(after_delivery, buyer, seller, "1545.00", key="key-deposit1")
    # What i13-ship's last receipt does, in short: the order is delivered, the balance dated.
    Order.objects.filter(pk=after_delivery.pk).update(
        status=OrderStatus.DELIVERED, version=F("version") + 1
    )
    signals.goods_received.send(
        sender=Order, order=fresh(after_delivery), received_on=datetime.date.today()
    )

    pay_received(after_delivery, buyer, seller, "3605.00", key="key-balance1")

    order = fresh(after_delivery)
    assert order.status == OrderStatus.COMPLETED
    assert order.events.filter(type=OrderEvent.Type.COMPLETED).count() == 1


def test_a_payment_that_leaves_an_instalment_open_does_not_complete(after_delivery, buyer, seller):
    pay_received(after_delivery, buyer, seller, "1545.00", key="key-deposit1")
    Order.objects.filter(pk=after_delivery.pk).update(status=OrderStatus.DELIVERED)

    pay_received(after_delivery, buyer, seller, "100.00", key="key-balance1")

    assert fresh(after_delivery).status == OrderStatus.DELIVERED


# --- Amendments ------------------------------------------------------------------------------


def amend(order, quantity: str):
    """What i13-amend's accept does, in short: the order row holds the new terms."""
    previous = fresh(order)
    OrderLine.objects.filter(order=order).update(quantity=Decimal(quantity))
    signals.order_amended.send(sender=Order, order=fresh(order), previous_total=Decimal("5150.00"))
    return previous


def test_an_amendment_keeps_what_was_paid_and_recomputes_the_rest(awaiting_order, buyer, seller):
    pay_received(awaiting_order, buyer, seller, "1545.00")

    amend(awaiting_order, "2000")  # 9,600.00 + 350.00 shipping

    rows = instalments(awaiting_order)
    assert (rows["initial"].amount, rows["initial"].paid_amount) == (
        Decimal("2985.00"),
        Decimal("1545.00"),
    )
    assert rows["initial"].state == InstalmentState.PARTLY_PAID
    assert rows["balance"].amount == Decimal("6965.00")
    assert not Refund.objects.exists()


def test_an_amendment_below_the_paid_amount_records_a_refund_owed(awaiting_order, buyer, seller):
    pay_received(awaiting_order, buyer, seller, "5150.00")

    amend(awaiting_order, "500")  # 2,400.00 + 350.00 shipping

    refund = Refund.objects.get(order=awaiting_order)
    assert (refund.amount, refund.reason) == (Decimal("2400.00"), RefundReason.AMENDED)
    rows = instalments(awaiting_order)
    assert [rows["initial"].paid_amount, rows["balance"].paid_amount] == [
        Decimal("825.00"),
        Decimal("1925.00"),
    ]
    assert selectors.order_fully_paid(awaiting_order) is True


# --- Reminders per instalment ----------------------------------------------------------------


def test_the_scheduled_reminder_names_the_balance_and_its_amount_once_the_deposit_is_paid(
    after_delivery, buyer, seller, capture
):
    pay_received(after_delivery, buyer, seller, "1545.00")
    signals.goods_received.send(
        sender=Order, order=fresh(after_delivery), received_on=datetime.date(2025, 5, 2)
    )
    mail.outbox.clear()

    sweep(at(5, 3, 6), capture)
    sweep(at(5, 3, 18), capture)

    reminders = [m for m in mail.outbox if m.subject.startswith("Payment reminder")]
    assert [m.subject for m in reminders] == [
        f"Payment reminder: the balance (due 30 days after delivery), $3,605.00, is due for "
        f"order {after_delivery.number} by June 1, 2025"
    ]
    reminder = Reminder.objects.get(order=after_delivery)
    assert reminder.instalment == instalments(after_delivery)["balance"]


def test_a_manual_reminder_names_the_instalment_to_pay_next(awaiting_order, buyer, seller, capture):
    pay_received(awaiting_order, buyer, seller, "1545.00")
    mail.outbox.clear()

    with capture(execute=True):
        services.reminder_request(order_id=awaiting_order.pk, actor=seller)

    (email,) = mail.outbox
    assert "the balance (due before shipment), $3,605.00" in email.subject


def test_the_payment_form_suggests_what_is_left_of_the_instalment_to_pay_next(
    awaiting_order, buyer, seller
):
    pay(awaiting_order, buyer, "1000.00")

    summary = selectors.payment_summary(user=buyer, order=fresh(awaiting_order))

    assert summary.amounts.current.kind == "initial"
    assert summary.amounts.suggested == Decimal("545.00")


# --- API -------------------------------------------------------------------------------------


def test_the_api_lists_the_instalments_with_their_state_and_due_date(after_delivery, buyer, api_as):
    response = api_as(buyer).get(f"/api/v1/orders/{after_delivery.pk}/payments/")

    assert response.status_code == 200
    rows = [
        (i["kind"], i["amount"], i["state"], i["due_at"] is None, i["label"])
        for i in response.json()["instalments"]
    ]
    assert rows == [
        ("initial", "1545.00", "due", False, "initial payment"),
        ("balance", "3605.00", "pending", True, "balance (due 30 days after delivery)"),
    ]


def test_the_api_cancels_for_non_payment_and_answers_the_refund_owed(
    overdue_with_money, seller, api_as
):
    response = api_as(seller).post(
        f"/api/v1/orders/{overdue_with_money.pk}/cancel-for-non-payment/",
        {"version": overdue_with_money.version, "reason": "Never paid"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["order_status"] == "cancelled"
    assert [(r["amount"], r["state"]) for r in response.json()["refunds"]] == [("1000.00", "owed")]


def test_the_api_marks_a_refund_refunded(owed, seller, api_as):
    response = api_as(seller).post(f"/api/v1/refunds/{owed.pk}/refunded/")

    assert response.status_code == 200
    assert response.json()["state"] == "refunded"


def test_the_buyer_cannot_mark_a_refund_refunded_through_the_api(owed, buyer, api_as):
    response = api_as(buyer).post(f"/api/v1/refunds/{owed.pk}/refunded/")

    assert response.status_code == 403
    assert Refund.objects.get().state == RefundState.OWED


# --- Statement budgets -----------------------------------------------------------------------


@pytest.mark.parametrize("percent", [100, 30])
def test_the_payment_panel_runs_the_same_queries_with_one_or_two_instalments(
    buyer, seller, product, bank, capture, client, django_assert_num_queries, percent
):
    order = agree(buyer, seller, product, capture, initial_payment_percent=percent)
    assert order.instalments.count() == (1 if percent == 100 else 2)
    client.force_login(seller)

    with django_assert_num_queries(12):
        response = client.get(f"/payments/orders/{order.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize(("count", "percent"), [(1, 100), (1, 30), (6, 30)])
def test_a_reminder_batch_runs_the_same_statements_however_many_orders_and_instalments(
    buyer, seller, product, bank, capture, settings, django_assert_num_queries, count, percent
):
    orders = [
        agree(buyer, seller, product, capture, initial_payment_percent=percent)
        for _ in range(count)
    ]
    sweep(at(3, 4, 6), capture)  # the reminders of the day after agreement went out
    lease = at(3, 6, 6)
    order_ids = [o.pk for o in orders]
    PaymentPlan.objects.filter(order_id__in=order_ids).update(next_reminder_at=lease)

    # lease, orders, instalments, planned reminders, due reminders, next moment
    with time_machine.travel(at(3, 6, 6), tick=False), django_assert_num_queries(6):
        result = services.reminders_batch_run(order_ids=order_ids, lease=lease)

    assert result == {"orders": count, "reminders": 0, "failed": 0}


def test_staff_mark_a_refund_refunded_with_the_admin_action(owed, staff, client):
    client.force_login(staff)

    response = client.post(
        "/admin/payments/refund/", {"action": "mark_refunded", "_selected_action": [owed.pk]}
    )

    assert response.status_code == 302
    owed.refresh_from_db()
    assert (owed.state, owed.marked_by) == (RefundState.REFUNDED, staff)
