"""Benchmarks: latency and SQL query counts of the busiest pages and API calls.

Builds a throwaway database (SQLite in a temporary folder, or the database DATABASE_URL names,
in which case it must be empty and disposable), fills it with a seller who has many
negotiations in every state and one order with many lines, revisions and events, then times
each request with Django's test client (in process: no network, no server).

    .venv/bin/python scripts/benchmark.py [--negotiations 400] [--rounds 30] [--repeat 20]

Prints a Markdown table: median and 95th percentile in milliseconds, and the number of SQL
queries per request. docs/performance.md records a run.
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negotiations", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=30, help="revision rounds on one order")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per row")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["VAR_DIR"] = scratch
    os.environ["DJANGO_SETTINGS_MODULE"] = "negotiation_portal.settings"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    logging.disable(logging.WARNING)

    from negotiation_portal.celery import app as celery_app

    # Notification e-mails and reminders run in process, written to memory, not sent.
    celery_app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    buyer, seller, order = build_data(args.negotiations, args.rounds)
    rows = [
        ("Seller inbox page (page 1 of all)", seller, "/negotiations/"),
        ("Seller inbox, Waiting for me tab", seller, "/negotiations/?state=buyer_confirmed"),
        ("Workspace page (big order)", seller, f"/negotiations/{order.negotiation_id}/"),
        ("Revision history page", seller, f"/orders/{order.pk}/history/"),
        ("API: order detail (big order)", seller, f"/api/v1/orders/{order.pk}/"),
        ("API: negotiation list", seller, "/api/v1/negotiations/"),
        ("API: diff first to last version", seller, f"/api/v1/orders/{order.pk}/diff/?from=3"),
        ("Product list page", buyer, "/products/"),
    ]
    print(
        f"{args.negotiations} negotiations; one order with {order.lines.count()} lines, "
        f"{order.revisions.count()} revisions, {order.events.count()} events; "
        f"{connection.vendor}; {args.repeat} requests a row"
    )
    print()
    print("| Request | median ms | p95 ms | SQL queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, user, url in rows:
        median, p95, queries = measure(user, url, args.repeat)
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
    median, queries = measure_sweep()
    print(f"| Reminder sweep over every order awaiting payment | {median:.1f} | – | {queries} |")


def build_data(negotiations: int, rounds: int):
    from accounts.tests.factories import BuyerFactory, SellerFactory
    from catalog.tests.factories import ProductFactory
    from orders import services
    from orders import terms as order_terms
    from orders.models import Order, OrderStatus
    from orders.tests.factories import complete_values, make_order

    seller = SellerFactory(username="bench-seller")
    buyers = [BuyerFactory(username=f"bench-buyer-{n}") for n in range(5)]
    for _ in range(30):
        ProductFactory(seller=seller.company)
    states = list(OrderStatus)
    for n in range(negotiations):
        make_order(buyer=buyers[n % 5], seller=seller, status=states[n % len(states)])

    order = make_order(buyer=buyers[0], seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    for index in range(rounds):
        order = Order.objects.prefetch_related("lines").get(pk=order.pk)
        actor = buyers[0] if order.status == OrderStatus.SELLER_CONFIRMED else seller
        values = complete_values(order)
        lines = order_terms.from_order(order)["lines"]
        if len(lines) < order_terms.MAX_LINES - 1:
            lines += [
                {"name": f"Item {index}-{k}", "quantity": "10", "unit": "set", "unit_price": "2.5"}
                for k in range(2)
            ]
        values["lines"] = lines
        services.order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
    return buyers[0], seller, Order.objects.get(pk=order.pk)


def measure(user, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    response = client.get(url)  # warm up: template loading, caches, last-active stamp
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, len(queries)


def measure_sweep() -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments import services

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        services.reminders_sweep()
    return (time.perf_counter() - started) * 1000, len(queries)


if __name__ == "__main__":
    main()
