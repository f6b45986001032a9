"""Real concurrency on PostgreSQL: two sweeps running at once claim each expiry and each
notice once (the claim's condition is checked again on the row another sweep changed)."""

import datetime
from functools import partial

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from orders import expiry
from orders.models import Order, OrderEvent, OrderStatus
from orders.tests.factories import make_order
from shipments.tests.test_race import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_at_once_expire_and_announce_each_offer_once(buyer, seller, product):
    now = timezone.now()
    orders = [
        make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product)
        for _ in range(6)
    ]
    for index, order in enumerate(orders):
        hours = -1 if index % 2 else 5  # half expired, half in their last day
        Order.objects.filter(pk=order.pk).update(valid_until=now + datetime.timedelta(hours=hours))
    sweep = partial(expiry.offers_sweep_batch, now=now, size=2)

    results = _race(sweep, sweep, sweep, sweep)

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r["expired"] for r in results) <= 3
    expiry.offers_sweep(now=now)
    assert OrderEvent.objects.filter(type=OrderEvent.Type.EXPIRED).count() == 3
    assert Notification.objects.filter(user=buyer, kind=Kind.OFFER_EXPIRING).count() == 3
    assert Notification.objects.filter(user=buyer, kind=Kind.OFFER_EXPIRED).count() == 3
