"""The payment reminder sweep with many orders awaiting payment (issue 11's sweep rows).

Needs an empty, disposable PostgreSQL database in DATABASE_URL and Redis in REDIS_URL (the
sweep queues its batches on the real broker; the queue is purged afterwards, so run no worker
on that Redis meanwhile):

    eval "$(scripts/services.sh start)"
    createdb -h 127.0.0.1 -p PORT -U postgres sweep
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/sweep .venv/bin/python \\
        scripts/sweep_benchmark.py [--orders 100000]

Builds one real order awaiting payment through the services, copies it in bulk (negotiation,
order, agreed revision, payment plan), then times ``payments.tasks.reminders_sweep`` on the
first run (every order due, as after the data migration), in steady state (nothing due, and
1 % due), and one batch task in process.
"""

import argparse
import datetime
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name an empty PostgreSQL database")
    os.environ["DJANGO_SETTINGS_MODULE"] = "negotiation_portal.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    logging.disable(logging.WARNING)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    started = time.perf_counter()
    order_ids = bulk_awaiting_orders(args.orders)
    print(
        f"built {len(order_ids)} orders awaiting payment in {time.perf_counter() - started:.1f} s"
    )
    report(order_ids)


def bulk_awaiting_orders(count: int) -> list[int]:
    """``count`` orders awaiting payment, agreed now: one through the services, the rest
    bulk copies of it (each with its own negotiation, agreed revision and payment plan)."""
    from django.db import transaction

    from accounts.tests.factories import BuyerFactory, SellerFactory
    from catalog.tests.factories import ProductFactory
    from inquiries.models import Negotiation
    from orders.models import Order, OrderStatus, Revision
    from orders.tests.factories import make_order
    from payments.models import PaymentPlan
    from payments.tests.factories import set_bank_details

    seller = SellerFactory()
    buyer = BuyerFactory()
    set_bank_details(seller)
    template = make_order(
        buyer=buyer,
        seller=seller,
        status=OrderStatus.AWAITING_PAYMENT,
        product=ProductFactory(seller=seller.company),
    )
    negotiation = Negotiation.objects.filter(pk=template.negotiation_id).values().get()
    order = Order.objects.filter(pk=template.pk).values().get()
    revision = (
        Revision.objects.filter(order_id=template.pk, version=template.agreed_version)
        .values()
        .get()
    )
    plan = PaymentPlan.objects.filter(order_id=template.pk).values().get()
    for row in (negotiation, order, revision, plan):
        row.pop("id")
    ids = [template.pk]
    step = 5_000
    for start in range(1, count, step):
        size = min(step, count - start)
        with transaction.atomic():
            negotiations = Negotiation.objects.bulk_create(
                Negotiation(**negotiation) for _ in range(size)
            )
            orders = Order.objects.bulk_create(
                Order(**{**order, "negotiation_id": n.pk}) for n in negotiations
            )
            Revision.objects.bulk_create(Revision(**{**revision, "order_id": o.pk}) for o in orders)
            PaymentPlan.objects.bulk_create(
                PaymentPlan(**{**plan, "order_id": o.pk}) for o in orders
            )
        ids += [o.pk for o in orders]
    return ids


def timed(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return time.perf_counter() - started, len(queries), result


def report(order_ids: list[int]) -> None:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from negotiation_portal.celery import app as celery_app
    from payments import services, tasks
    from payments.models import PaymentPlan

    plans = PaymentPlan.objects.filter(order_id__in=order_ids)
    now = timezone.now()
    rows = []

    # First run: every order due (the data migration makes them so).
    plans.update(next_reminder_at=now - datetime.timedelta(minutes=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE payments_paymentplan")
    seconds, queries, result = timed(tasks.reminders_sweep)
    rows.append((f"first run, {len(order_ids):,} due", seconds, queries, result))
    lease = PaymentPlan.objects.values_list("next_reminder_at", flat=True).get(
        order_id=order_ids[0]
    )

    # Steady state: the batches stored each order's next reminder day.
    tomorrow = now + datetime.timedelta(days=1)
    plans.update(next_reminder_at=tomorrow)
    for _ in range(3):
        seconds, queries, result = timed(tasks.reminders_sweep)
        rows.append(("steady state, nothing due", seconds, queries, result))
    due = order_ids[:: max(1, len(order_ids) // 1000)]
    PaymentPlan.objects.filter(order_id__in=due).update(next_reminder_at=now)
    seconds, queries, result = timed(tasks.reminders_sweep)
    rows.append((f"steady state, {len(due):,} due", seconds, queries, result))
    celery_app.control.purge()

    print("| Sweep | seconds | SQL statements | result |")
    print("|---|---|---|---|")
    for name, seconds, queries, result in rows:
        print(f"| {name} | {seconds:.3f} | {queries} | {result} |")

    # One batch, in process (e-mails queued as tasks run eagerly into memory).
    celery_app.conf.task_always_eager = True
    batch = order_ids[: settings.REMINDER_BATCH_SIZE]
    PaymentPlan.objects.filter(order_id__in=batch).update(next_reminder_at=lease)
    seconds, queries, result = timed(
        lambda: services.reminders_batch_run(
            order_ids=batch, lease=lease, now=now + datetime.timedelta(days=1)
        )
    )
    per = seconds / max(1, result["reminders"])
    print(
        f"\nOne batch of {len(batch)} orders: {seconds:.1f} s, {queries} statements, {result}"
        f" ({per * 1000:.0f} ms a reminder, e-mails included)"
    )


if __name__ == "__main__":
    main()
