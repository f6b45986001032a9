"""Smoke test of the benchmark's reminder-sweep data (scripts/bench/data.py), in a module of
its own: it commits for real, which cannot happen inside test_benchmark.py's module-wide
transaction."""

import pytest

from orders.models import Order, OrderStatus
from payments.models import Reminder
from payments.services import reminders_sweep
from scripts.bench import data


@pytest.mark.django_db(transaction=True)
def test_every_order_of_the_sweep_set_has_a_reminder_due_today():
    # No test transaction: what the services do on commit (such as the payment plan made at
    # agreement) exists before the template order is copied, as in the benchmark.
    data.sweep_set(count=5)
    sweep_orders = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT,
        negotiation__seller_company__members__username="bench-sweep-seller",
    )
    assert sweep_orders.count() == 5

    reminders_sweep()

    assert Reminder.objects.filter(order__in=sweep_orders).count() == 5
