"""Profile the inbox, the API order detail and the RFQ comparison with cProfile.

Builds a throwaway database (SQLite in a temporary folder, or the empty, disposable database
DATABASE_URL names) with one seller holding 1,001 negotiations in every state, one order with
20 revisions, and an RFQ with 1,000 quotations; then requests each page with Django's test
client, in process, and prints per page the median time, the SQL query count, the cProfile
total and the functions with the most cumulative time.

    .venv/bin/python scripts/profile_pages.py [--negotiations 1001] [--quotations 1000]
        [--repeat 10] [--top 12]

It measures one process without a server: use it to find where a page spends its time and to
compare before and after a change on the same machine, not as a throughput figure.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negotiations", type=int, default=1001)
    parser.add_argument("--quotations", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20, help="revisions on the big order")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    parser.add_argument("--top", type=int, default=12, help="profile lines per page")
    parser.add_argument(
        "--bench-data",
        action="store_true",
        help="build (or, with --reuse, find) the data set of `make bench` (scripts/bench/data.py) "
        "instead, and profile the workspace and the RFQ with 10 quotations too",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="DATABASE_URL already holds the data of an earlier run: measure only",
    )
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="portal-profile-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/profile.sqlite3")
    os.environ["VAR_DIR"] = scratch
    # The benchmark's settings are the shipped ones plus its bare view (the ceiling).
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        "scripts.bench.settings" if args.bench_data else "negotiation_portal.settings"
    )

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

    celery_app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    started = time.perf_counter()
    small_rfq = None
    if args.bench_data:
        seller, order, buyer, rfq, small_rfq = bench_data(args)
    elif args.reuse:
        seller, order, buyer, rfq = find_data()
    else:
        seller, order = build_negotiations(args.negotiations, args.rounds)
        buyer, rfq = build_rfq(args.quotations)
    print(
        f"data: {args.negotiations + 1} negotiations of one seller, an order with "
        f"{order.revisions.count()} revisions and {order.events.count()} events, an RFQ with "
        f"{rfq.quotations.count()} quotations; {connection.vendor}; built in "
        f"{time.perf_counter() - started:.0f} s"
    )
    rows = [
        ("Seller inbox (all)", seller, "/negotiations/"),
        ("API order detail (20 revisions)", seller, f"/api/v1/orders/{order.pk}/"),
        ("RFQ comparison (1,000 quotations)", buyer, f"/rfq/{rfq.pk}/"),
    ]
    if small_rfq is not None:
        rows[1:1] = [
            ("Workspace (big order, seller)", seller, f"/negotiations/{order.negotiation_id}/")
        ]
        rows.append(("RFQ comparison (10 quotations)", buyer, f"/rfq/{small_rfq.pk}/"))
        rows.append(("Bare view (the benchmark's ceiling)", seller, "/__bench__/bare/"))
    print("| Request | median ms | SQL queries | profiled ms |")
    print("| --- | ---: | ---: | ---: |")
    reports = []
    for label, user, url in rows:
        median, queries, profiled, report = measure(user, url, args.repeat, args.top)
        print(f"| {label} | {median:.1f} | {queries} | {profiled:.1f} |")
        reports.append((label, report))
    for label, report in reports:
        print(f"\n## {label}\n{report}")


def bench_data(args):
    """The benchmark's data set (without the sweep's orders and the chat rig)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from orders.models import Order
    from rfq.models import RFQ

    if not args.reuse:
        from scripts.bench import data

        data.build(sweep_orders=1, chat_pairs=1, progress=print)
    users = get_user_model().objects
    seller = users.get(username="bench-seller")
    buyer = users.get(username="bench-rfq-buyer")
    order = (
        Order.objects.filter(negotiation__seller_company_id=seller.company_id)
        .annotate(n=Count("revisions"))
        .order_by("-n")
        .first()
    )
    big, small = (
        RFQ.objects.filter(buyer_company_id=buyer.company_id)
        .annotate(n=Count("quotations"))
        .order_by("-n")
    )
    return seller, order, buyer, big, small


def find_data():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from orders.models import Order
    from rfq.models import RFQ

    users = get_user_model().objects
    seller = users.get(username="profile-seller")
    buyer = users.get(username="profile-rfq-buyer")
    order = Order.objects.annotate(n=Count("revisions")).order_by("-n").first()
    rfq = RFQ.objects.get(buyer_company_id=buyer.company_id)
    return seller, order, buyer, rfq


def build_negotiations(negotiations: int, rounds: int):
    from accounts.tests.factories import BuyerFactory, SellerFactory
    from orders import services
    from orders.models import Order, OrderStatus
    from orders.tests.factories import complete_values, make_order

    seller = SellerFactory(username="profile-seller")
    buyers = [BuyerFactory(username=f"profile-buyer-{n}") for n in range(5)]
    states = list(OrderStatus)
    for n in range(negotiations):
        make_order(buyer=buyers[n % 5], seller=seller, status=states[n % len(states)])
    order = make_order(buyer=buyers[0], seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    for _ in range(rounds):
        order = Order.objects.prefetch_related("lines").get(pk=order.pk)
        actor = buyers[0] if order.status == OrderStatus.SELLER_CONFIRMED else seller
        values = complete_values(order)
        services.order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
    return seller, Order.objects.get(pk=order.pk)


def build_rfq(quotations: int):
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Company
    from accounts.tests.factories import BuyerFactory
    from rfq.models import Quotation
    from rfq.tests.factories import RFQFactory

    buyer = BuyerFactory(username="profile-rfq-buyer")
    rfq = RFQFactory(buyer_company=buyer.company, created_by=buyer)
    companies = Company.objects.bulk_create(
        Company(legal_name=f"Profile Seller {n:04d} Ltd.", side="seller", country="CN")
        for n in range(quotations)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"profile-quoter-{n}", company=company)
        for n, company in enumerate(companies)
    )
    valid = timezone.localdate() + datetime.timedelta(days=30)
    Quotation.objects.bulk_create(
        Quotation(
            rfq=rfq,
            seller_company=company,
            author=user,
            unit_price=Decimal("4.00") + Decimal(n % 97) / 100,
            currency="USD" if n % 5 else "EUR",
            moq=Decimal("500"),
            lead_time_days=20 + n % 30,
            incoterm="FOB",
            valid_until=valid,
            message="Our best price.",
        )
        for n, (company, user) in enumerate(zip(companies, users, strict=True))
    )
    return buyer, rfq


def measure(user, url: str, repeat: int, top: int) -> tuple[float, int, float, str]:
    from django.db import connection
    from django.test import Client

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    client = Client()
    client.force_login(user)
    response = client.get(url)  # warm up: templates, caches, the last-active stamp
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        statements.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.runcall(client.get, url)
    profiled = (time.perf_counter() - started) * 1000
    out = io.StringIO()
    # Own time first (where the time goes), then the project's functions by cumulative time.
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(rf"^{ROOT}/(?!\.venv)", top)
    report = "\n".join(
        line.replace(str(ROOT) + "/", "")
        for line in out.getvalue().splitlines()
        if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced"))
    )
    return statistics.median(timings), len(statements), profiled, report


if __name__ == "__main__":
    main()
