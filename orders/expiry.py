"""The expiry sweep of offers (issue 14 point 2): unilateral confirmations past their
``valid_until``. The rule itself (an expired confirmation cannot be confirmed as is) is a guard
in orders/services.py and needs no sweep; the sweep only tells the parties, once each: the side
whose turn it is a day before (``OFFER_NOTICE``), and both sides when it expired.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from common.db import update_returning
from orders.models import OFFER_NOTICE, Order, OrderEvent
from orders.signals import offers_swept


def offers_sweep(*, now: datetime.datetime | None = None) -> dict:
    """The periodic sweep: claims and announces due offers, OFFER_SWEEP_BATCH_SIZE notices and
    expiries a transaction, until none is left. A constant number of queries per batch."""
    now = now or timezone.now()
    size = settings.OFFER_SWEEP_BATCH_SIZE
    result = {"notices": 0, "expired": 0, "batches": 0}
    while True:
        batch = offers_sweep_batch(now=now, size=size)
        if not batch["notices"] and not batch["expired"]:
            return result
        result["batches"] += 1
        result["notices"] += batch["notices"]
        result["expired"] += batch["expired"]
        if batch["notices"] < size and batch["expired"] < size:
            return result


def _claim(due, size: int, **values) -> list[int]:
    """Sets ``values`` on at most ``size`` rows of ``due`` and returns their ids. The outer
    filter repeats the claim's condition: under PostgreSQL's READ COMMITTED a row another sweep
    claimed meanwhile is checked again and left out, so each row is claimed once."""
    chosen = due.order_by("valid_until", "pk").values("pk")[:size]
    return update_returning(due.filter(pk__in=Subquery(chosen)), "id", **values)


@transaction.atomic
def offers_sweep_batch(*, now: datetime.datetime, size: int) -> dict:
    """One batch: claims (a conditional UPDATE each) the offers whose notice is due and those
    that expired, records an 'offer expired' event for each expiry, and lets the receivers of
    ``offers_swept`` tell the parties, all in this transaction: a second sweep or a redelivered
    task finds nothing left to claim, and a failure rolls the claims back for the next one."""
    offers = Order.objects.filter(status__in=Order.OFFER_STATES)
    notices = _claim(
        offers.filter(
            valid_until__gt=now,
            valid_until__lte=now + OFFER_NOTICE,
            expiry_notice_sent_at__isnull=True,
        ),
        size,
        expiry_notice_sent_at=now,
    )
    expired = _claim(
        offers.filter(valid_until__lte=now, expired_at__isnull=True), size, expired_at=now
    )
    if not notices and not expired:
        return {"notices": 0, "expired": 0}
    orders = {
        order.pk: order
        for order in Order.objects.filter(pk__in=[*notices, *expired]).select_related("negotiation")
    }
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order=orders[pk],
            type=OrderEvent.Type.EXPIRED,
            version=orders[pk].version,
            terms_version=orders[pk].terms_version,
            status=orders[pk].status,
            data={"valid_until": orders[pk].valid_until.isoformat()},
        )
        for pk in expired
    )
    offers_swept.send(
        sender=Order,
        expiring=[orders[pk] for pk in notices],
        expired=[orders[pk] for pk in expired],
    )
    return {"notices": len(notices), "expired": len(expired)}
