import datetime

import pytest
import time_machine
from django.core import mail

from common.errors import InvalidTransition, NotAllowed, RateLimited
from notifications.models import Kind, Notification
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments import services, tasks
from payments.models import Reminder, ReminderKind
from payments.tests.factories import pay_received, set_bank_details

UTC = datetime.UTC
AGREED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # deadline: 17 March, 10:00


def at(day, hour=12):
    return datetime.datetime(2025, 3, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def bank(seller):
    # On file before the (time-travelled) agreement: a T/T order is agreed only then.
    with time_machine.travel(AGREED - datetime.timedelta(days=1), tick=False):
        return set_bank_details(seller)


@pytest.fixture
def agreed_order(buyer, seller, product, bank, django_capture_on_commit_callbacks):
    with time_machine.travel(AGREED, tick=False), django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
        )
    mail.outbox.clear()  # the confirmation notifications
    return order


def sweep(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.reminders_sweep()


def remind(order, actor, capture):
    with capture(execute=True):
        return services.reminder_request(order_id=order.pk, actor=actor)


# --- Manual reminders ------------------------------------------------------------------------


def test_the_seller_reminds_the_buyer_by_email_with_amount_deadline_and_link(
    agreed_order, seller, buyer, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(5), tick=False):
        remind(agreed_order, seller, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [buyer.email]
    assert email.subject == (
        f"Payment reminder: the initial payment, $1,545.00, is due for order "
        f"{agreed_order.number} by March 17, 2025"
    )
    assert "$1,545.00" in email.body
    assert "March 17, 2025" in email.body
    link = f"http://127.0.0.1:8000/payments/orders/{agreed_order.pk}/pay/"
    assert link in email.body
    html = email.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "$1,545.00" in html


def test_a_reminder_appears_in_the_buyers_notification_centre(
    agreed_order, seller, buyer, django_capture_on_commit_callbacks
):
    remind(agreed_order, seller, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(user=buyer, kind=Kind.PAYMENT_REMINDER)
    assert notification.url.endswith(f"/payments/orders/{agreed_order.pk}/pay/")
    assert notification.read_at is None


def test_a_second_manual_reminder_within_24_hours_is_refused(
    agreed_order, seller, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(5, 9), tick=False):
        remind(agreed_order, seller, django_capture_on_commit_callbacks)
    with time_machine.travel(at(6, 8), tick=False), pytest.raises(RateLimited) as error:
        remind(agreed_order, seller, django_capture_on_commit_callbacks)

    assert "Next reminder possible at March 6, 2025, 9 a.m." in error.value.message
    assert error.value.retry_after == 3601
    assert len(mail.outbox) == 1


def test_a_manual_reminder_is_possible_again_after_24_hours(
    agreed_order, seller, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(5, 9), tick=False):
        remind(agreed_order, seller, django_capture_on_commit_callbacks)
    with time_machine.travel(at(6, 9), tick=False):
        remind(agreed_order, seller, django_capture_on_commit_callbacks)

    assert Reminder.objects.filter(kind=ReminderKind.MANUAL).count() == 2
    assert len(mail.outbox) == 2


def test_the_buyer_cannot_send_a_reminder(agreed_order, buyer):
    with pytest.raises(NotAllowed):
        services.reminder_request(order_id=agreed_order.pk, actor=buyer)


def test_a_paid_order_gets_no_reminder(agreed_order, buyer, seller):
    pay_received(agreed_order, buyer, seller, "5150.00")

    with pytest.raises(InvalidTransition):
        services.reminder_request(order_id=agreed_order.pk, actor=seller)


def test_an_order_with_nothing_due_yet_gets_no_reminder(buyer, seller, product):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.READY_TO_SHIP, product=product
    )

    with pytest.raises(InvalidTransition):
        services.reminder_request(order_id=order.pk, actor=seller)


def test_a_reminder_delivered_twice_sends_one_email(
    agreed_order, seller, django_capture_on_commit_callbacks
):
    reminder = remind(agreed_order, seller, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_deliver(reminder_id=reminder.pk) is False

    assert len(mail.outbox) == 1


def test_no_email_goes_to_a_buyer_who_switched_reminders_off(
    agreed_order, seller, buyer, django_capture_on_commit_callbacks
):
    buyer.notification_preferences.create(kind=Kind.PAYMENT_REMINDER, email=False)

    remind(agreed_order, seller, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.filter(user=buyer, kind=Kind.PAYMENT_REMINDER).exists()


# --- The reminder plan -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2025, 3, 3), None),
        (datetime.date(2025, 3, 4), (ReminderKind.AFTER_AGREEMENT, datetime.date(2025, 3, 4))),
        (datetime.date(2025, 3, 10), (ReminderKind.AFTER_AGREEMENT, datetime.date(2025, 3, 4))),
        (datetime.date(2025, 3, 14), (ReminderKind.BEFORE_DEADLINE, datetime.date(2025, 3, 14))),
        (datetime.date(2025, 3, 17), (ReminderKind.DEADLINE, datetime.date(2025, 3, 17))),
        (datetime.date(2025, 3, 18), None),
    ],
)
def test_the_reminder_plan_names_the_reminder_due_each_day(today, expected):
    plan = services.reminder_plan(due_from=AGREED, due_at=at(17, 10), today=today)

    assert plan == expected


def test_the_sweep_reminds_a_day_after_agreement_three_days_before_and_on_the_deadline(
    agreed_order, django_capture_on_commit_callbacks
):
    for day in range(3, 18):
        sweep(at(day, 6), django_capture_on_commit_callbacks)
        sweep(at(day, 18), django_capture_on_commit_callbacks)

    sent = list(Reminder.objects.order_by("due_on").values_list("kind", "due_on"))
    assert sent == [
        (ReminderKind.AFTER_AGREEMENT, datetime.date(2025, 3, 4)),
        (ReminderKind.BEFORE_DEADLINE, datetime.date(2025, 3, 14)),
        (ReminderKind.DEADLINE, datetime.date(2025, 3, 17)),
    ]
    reminders = [m for m in mail.outbox if m.subject.startswith("Payment reminder")]
    assert len(reminders) == 3


def awaiting_orders(count, buyer, seller, capture, *, agreed=AGREED):
    """``count`` orders agreed at ``agreed``, with their payment plans (made after commit)."""
    with time_machine.travel(agreed, tick=False), capture(execute=True):
        orders = [
            make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
            for _ in range(count)
        ]
    mail.outbox.clear()
    return orders


@pytest.fixture
def queued(monkeypatch):
    """The batches the sweep queues, as (order ids, lease), instead of running them."""
    calls = []
    monkeypatch.setattr(
        tasks.reminders_batch, "apply_async", lambda args, **options: calls.append(tuple(args))
    )
    return calls


def test_an_agreed_order_is_first_due_for_the_sweep_on_the_day_after_agreement(agreed_order):
    assert agreed_order.payment_plan.next_reminder_at == datetime.datetime(2025, 3, 4, tzinfo=UTC)


def test_the_sweep_queues_the_due_orders_in_batches_of_the_batch_size(
    buyer, seller, settings, queued, django_capture_on_commit_callbacks
):
    settings.REMINDER_BATCH_SIZE = 2
    orders = awaiting_orders(5, buyer, seller, django_capture_on_commit_callbacks)

    result = sweep(at(4), django_capture_on_commit_callbacks)

    ids = sorted(order.pk for order in orders)
    assert [batch for batch, _lease in queued] == [ids[0:2], ids[2:4], ids[4:5]]
    assert result == {"orders": 5, "batches": 3}


def test_the_sweep_leaves_orders_whose_next_reminder_is_not_due(
    buyer, seller, queued, django_capture_on_commit_callbacks
):
    due = awaiting_orders(2, buyer, seller, django_capture_on_commit_callbacks)
    awaiting_orders(2, buyer, seller, django_capture_on_commit_callbacks, agreed=at(4, 1))

    sweep(at(4, 12), django_capture_on_commit_callbacks)

    assert [batch for batch, _lease in queued] == [sorted(order.pk for order in due)]


def test_the_sweep_queues_nothing_when_nothing_is_due(
    agreed_order, queued, django_capture_on_commit_callbacks
):
    result = sweep(at(3, 23), django_capture_on_commit_callbacks)

    assert queued == []
    assert result == {"orders": 0, "batches": 0}


def test_the_sweep_never_queues_an_order_again_while_its_batch_is_pending(
    agreed_order, settings, queued, django_capture_on_commit_callbacks
):
    settings.REMINDER_QUEUE_LEASE_SECONDS = 1800
    sweep(at(4, 12), django_capture_on_commit_callbacks)
    sweep(at(4, 12) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks)
    sweep(at(4, 12) + datetime.timedelta(minutes=29), django_capture_on_commit_callbacks)

    assert [batch for batch, _lease in queued] == [[agreed_order.pk]]
    assert Reminder.objects.count() == 0


def test_an_order_whose_batch_was_lost_is_queued_again_once_the_lease_expires(
    agreed_order, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_QUEUE_LEASE_SECONDS = 1800
    with time_machine.travel(at(4), tick=False):
        services.reminders_sweep()  # its after-commit enqueue is lost, as if the broker failed

    sweep(at(4) + datetime.timedelta(minutes=31), django_capture_on_commit_callbacks)

    assert Reminder.objects.get().claimed_at is not None
    assert len(mail.outbox) == 1


def test_a_batch_delivered_twice_sends_the_reminder_once(
    agreed_order, queued, django_capture_on_commit_callbacks
):
    sweep(at(4), django_capture_on_commit_callbacks)
    [(ids, lease)] = queued

    for _ in range(2):
        with (
            time_machine.travel(at(4, 13), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.reminders_batch(ids, lease)

    assert Reminder.objects.filter(claimed_at__isnull=False).count() == 1
    assert len(mail.outbox) == 1


def test_a_batch_that_waited_past_its_lease_leaves_the_order_to_the_newer_batch(
    agreed_order, settings, queued, django_capture_on_commit_callbacks
):
    settings.REMINDER_QUEUE_LEASE_SECONDS = 1800
    sweep(at(4, 12), django_capture_on_commit_callbacks)
    sweep(at(4, 13), django_capture_on_commit_callbacks)
    (old_ids, old_lease), (new_ids, new_lease) = queued

    with (
        time_machine.travel(at(4, 14), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.reminders_batch(old_ids, old_lease)["orders"] == 0
        assert tasks.reminders_batch(new_ids, new_lease)["reminders"] == 1

    assert len(mail.outbox) == 1


def test_after_its_reminder_the_order_is_next_due_on_the_next_reminder_day(
    agreed_order, django_capture_on_commit_callbacks
):
    sweep(at(4), django_capture_on_commit_callbacks)

    agreed_order.payment_plan.refresh_from_db()
    assert agreed_order.payment_plan.next_reminder_at == datetime.datetime(2025, 3, 14, tzinfo=UTC)


def test_after_the_deadline_reminder_the_order_is_next_due_at_the_deadline(
    agreed_order, django_capture_on_commit_callbacks
):
    sweep(at(17, 6), django_capture_on_commit_callbacks)

    agreed_order.payment_plan.refresh_from_db()
    assert agreed_order.payment_plan.next_reminder_at == at(17, 10)


def test_an_order_marked_overdue_leaves_the_schedule(
    agreed_order, django_capture_on_commit_callbacks
):
    sweep(at(17, 11), django_capture_on_commit_callbacks)

    agreed_order.payment_plan.refresh_from_db()
    assert agreed_order.payment_plan.next_reminder_at is None


def test_a_paid_order_leaves_the_schedule(
    agreed_order, buyer, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay_received(agreed_order, buyer, seller, "5150.00")

    agreed_order.payment_plan.refresh_from_db()
    assert agreed_order.payment_plan.next_reminder_at is None


def test_a_manual_reminder_whose_task_was_lost_is_sent_by_the_sweep_after_the_lease(
    agreed_order, seller, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_QUEUE_LEASE_SECONDS = 1800
    sweep(at(4), django_capture_on_commit_callbacks)  # the reminder after agreement
    mail.outbox.clear()
    with time_machine.travel(at(5, 9), tick=False):
        services.reminder_request(order_id=agreed_order.pk, actor=seller)  # task lost

    sweep(at(5, 9) + datetime.timedelta(minutes=31), django_capture_on_commit_callbacks)

    assert Reminder.objects.get(kind=ReminderKind.MANUAL).claimed_at is not None
    assert len(mail.outbox) == 1


def test_a_failing_reminder_does_not_hold_up_the_rest_of_its_batch(
    buyer, seller, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = awaiting_orders(2, buyer, seller, django_capture_on_commit_callbacks)
    deliver = services.reminder_deliver

    def fail_first(*, reminder_id):
        if Reminder.objects.get(pk=reminder_id).order_id == first.pk:
            raise RuntimeError("boom")
        return deliver(reminder_id=reminder_id)

    monkeypatch.setattr(services, "reminder_deliver", fail_first)
    sweep(at(4), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    first.payment_plan.refresh_from_db()
    assert first.payment_plan.next_reminder_at > at(4)  # its run lease: retried after it
    assert Reminder.objects.get(order=first).claimed_at is None


@pytest.mark.parametrize("due", [0, 1, 30])
def test_the_sweep_runs_the_same_statements_however_many_orders_are_due(
    due,
    buyer,
    seller,
    settings,
    queued,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    settings.REMINDER_BATCH_SIZE = 10
    awaiting_orders(due, buyer, seller, django_capture_on_commit_callbacks)
    awaiting_orders(3, buyer, seller, django_capture_on_commit_callbacks, agreed=at(10))

    # the claiming UPDATE ... RETURNING, inside its savepoint
    with time_machine.travel(at(4), tick=False), django_assert_num_queries(3):
        result = services.reminders_sweep()

    assert result["orders"] == due


# --- Overdue ---------------------------------------------------------------------------------


def test_an_unpaid_order_past_its_deadline_is_marked_overdue_and_both_sides_are_told(
    agreed_order, buyer, seller, django_capture_on_commit_callbacks
):
    sweep(at(17, 11), django_capture_on_commit_callbacks)

    agreed_order.refresh_from_db()
    assert agreed_order.overdue_at == at(17, 11)
    assert agreed_order.status == OrderStatus.AWAITING_PAYMENT
    told = set(Notification.objects.filter(kind=Kind.ORDER_OVERDUE).values_list("user", flat=True))
    assert told == {buyer.pk, seller.pk}


def test_an_order_is_marked_overdue_only_once(agreed_order, django_capture_on_commit_callbacks):
    sweep(at(18), django_capture_on_commit_callbacks)
    sweep(at(19), django_capture_on_commit_callbacks)

    assert agreed_order.events.filter(type="overdue").count() == 1


def test_an_order_within_its_deadline_is_not_overdue(agreed_order):
    with time_machine.travel(at(17, 9), tick=False):
        assert services.payment_overdue_mark(order_id=agreed_order.pk) is False


def test_the_seller_may_cancel_an_overdue_order(
    agreed_order, seller, django_capture_on_commit_callbacks
):
    sweep(at(18), django_capture_on_commit_callbacks)
    agreed_order.refresh_from_db()

    order = order_services.order_cancel_overdue(
        order_id=agreed_order.pk, actor=seller, version=agreed_order.version, reason="Not paid"
    )

    assert order.status == OrderStatus.CANCELLED


def test_the_seller_cannot_cancel_before_the_payment_is_overdue(agreed_order, seller):
    with pytest.raises(InvalidTransition):
        order_services.order_cancel_overdue(
            order_id=agreed_order.pk, actor=seller, version=agreed_order.version, reason="Slow"
        )


def test_the_buyer_cannot_cancel_an_overdue_order(
    agreed_order, buyer, django_capture_on_commit_callbacks
):
    sweep(at(18), django_capture_on_commit_callbacks)
    agreed_order.refresh_from_db()

    with pytest.raises(NotAllowed):
        order_services.order_cancel_overdue(
            order_id=agreed_order.pk, actor=buyer, version=agreed_order.version, reason="Oops"
        )
