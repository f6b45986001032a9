"""The load benchmark: every row of issue 11's table, each against a ceiling measured in the
same run (the machine is shared, so only ratios hold). `make bench` runs it.

    .venv/bin/python scripts/benchmark.py [--quick] [--sweep-orders N] [--pairs N]
                                          [--only sweep queries http chat] [--profile DIR]

1. Starts PostgreSQL and Redis with scripts/services.sh (and stops them at the end, unless
   they were already running), creates and migrates a fresh database (dropped at the end),
   and uses a Redis database of its own (13, flushed before and after).
2. Builds the data set (scripts/bench/data.py): a seller with 1,001 negotiations, an order
   with 20 revisions and 222 chat messages, an RFQ with 1,000 quotations, 100,000 orders
   awaiting payment, a chat rig of 250 negotiations.
3. Times the reminder sweep in process (Celery sending to Redis, not eager).
4. Serves the portal with the Dockerfile's command (uvicorn, production settings, HTTP on
   loopback) plus a bare JSON view (scripts/bench/urls.py: same middleware and session) and
   drives it with wrk, product and ceiling runs interleaved (A, B, A, B ...).
5. Drives the chat over WebSockets on two server processes sharing Redis, against a raw
   Redis PUBLISH -> SUBSCRIBE round trip measured at the same time.

Prints one table: per row the measurement, its spread, errors (500 and 503 apart), p50/p99
latency, the worker's resident memory, the goal and whether it is met.
"""

import argparse
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import loadgen  # noqa: E402
from scripts.bench.server import Server  # noqa: E402

REDIS_DB = 13
GROUPS = ["sweep", "queries", "http", "chat"]

PROFILES = {
    # seconds per run, unless named otherwise
    "full": {
        "errors": 30,
        "overload": 20,
        "pair": 10,
        "chat": 20,
        "sweep_orders": 100_000,
    },
    "quick": {
        "errors": 8,
        "overload": 10,
        "pair": 3,
        "chat": 10,
        "sweep_orders": 10_000,
    },
}
CONNECTIONS = 8
OVERLOAD_CONNECTIONS = 256
CHAT_PAIRS = 200
CHAT_WRITER_RATE = 1.8  # messages a second per writer in the throughput row (limit: 20 in 10 s)


@dataclass
class Row:
    what: str
    result: str
    goal: str
    met: bool | None
    spread: str = ""
    errors: str = ""
    latency: str = ""
    rss: str = ""


STARTED = time.monotonic()


def say(text: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(
        f"bench [{elapsed // 60:02.0f}:{elapsed % 60:02.0f}]: {text}", file=sys.stderr, flush=True
    )


# --- Services, database, environment -----------------------------------------------------------


def services_up() -> tuple[dict, bool]:
    """The DATABASE_URL / REDIS_URL of scripts/services.sh, and whether this run started them."""
    script = str(ROOT / "scripts" / "services.sh")
    env_out = subprocess.run([script, "env"], capture_output=True, text=True, check=False)  # noqa: S603
    started = env_out.returncode != 0
    if started:
        env_out = subprocess.run([script, "start"], capture_output=True, text=True, check=True)  # noqa: S603
    values = {}
    for line in env_out.stdout.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            values[name] = value
    return values, started


def services_down() -> None:
    subprocess.run([str(ROOT / "scripts" / "services.sh"), "stop"], check=False)  # noqa: S603


def with_path(url: str, path: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=path))


def admin_execute(database_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_path(database_url, "/postgres"), autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(*, database_url: str, redis_url: str, scratch: Path) -> dict:
    """Production settings (a SECRET_KEY switches them on), HTTP on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scripts.bench.settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "VAR_DIR": str(scratch / "var"),
        "MEDIA_ROOT": str(scratch / "media"),
        "STATIC_ROOT": str(scratch / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True
    )


# --- Measurements --------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def wrk_errors(results: list) -> str:
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    total = sum(statuses.values()) + sum(r.socket_errors + r.timeouts for r in results)
    non_2xx = sum(n for s, n in statuses.items() if not 200 <= s < 300)
    other = non_2xx - statuses.get(500, 0) - statuses.get(503, 0)
    sockets = sum(r.socket_errors + r.timeouts for r in results)
    pct = 100 * (non_2xx + sockets) / total if total else 0
    text = f"{non_2xx:,} non-2xx of {total:,} ({pct:.1f} %): 500 {statuses.get(500, 0):,}"
    text += f", 503 {statuses.get(503, 0):,}"
    if other:
        text += f", other {other:,}"
    if sockets:
        text += f"; {sockets:,} socket errors/timeouts"
    return text


def pg_connections(database_url: str, name: str) -> int:
    import psycopg

    with psycopg.connect(with_path(database_url, "/postgres"), autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchone()[0]


def with_causes(text: str, server, mark: int) -> str:
    causes = server.errors_since(mark)
    return f"{text}; server log: {causes}" if causes else text


def row_errors_at_8(server, paths, cookie, seconds, database_url, db_name) -> Row:
    mark = server.log_mark()
    result = loadgen.run_wrk(
        url=server.url, paths=paths, cookie=cookie, seconds=seconds, connections=CONNECTIONS
    )
    bad = result.non_2xx + result.socket_errors + result.timeouts
    conns = pg_connections(database_url, db_name)
    return Row(
        what=f"HTTP errors at {CONNECTIONS} connections, shipped settings ({seconds} s over "
        "inbox, workspace, API order, bare)",
        result=f"{bad:,} errors in {result.requests:,} requests; {result.rps:.0f} req/s; "
        f"{conns} PostgreSQL connections open after",
        goal="0 errors",
        met=bad == 0 and result.requests > 0,
        errors=with_causes(wrk_errors([result]), server, mark),
        latency=f"{ms(result.p50_ms)} / {ms(result.p99_ms)}",
        rss=f"{server.rss_mb():.0f}",
    )


def row_overload(server, path, cookie, seconds) -> Row:
    mark = server.log_mark()
    result = loadgen.run_wrk(
        url=server.url,
        paths=[path],
        cookie=cookie,
        seconds=seconds,
        connections=OVERLOAD_CONNECTIONS,
        timeout=30,
    )
    e500 = result.count(500)
    total = result.requests + result.socket_errors
    met = (
        result.requests > 0
        and e500 == 0
        and result.socket_errors + result.timeouts == 0
        and result.p99_ms <= 2000
    )
    return Row(
        what=f"HTTP 500s at {OVERLOAD_CONNECTIONS} connections for {seconds} s, workspace",
        result=f"500s {100 * e500 / total if total else 0:.1f} %, 503s "
        f"{100 * result.count(503) / total if total else 0:.1f} %; {result.rps:.1f} req/s served",
        goal="0 × 500 (excess gets a fast 503), no socket errors, p99 <= 2 s",
        met=met,
        errors=with_causes(wrk_errors([result]), server, mark),
        latency=f"{ms(result.p50_ms)} / {ms(result.p99_ms)}",
        rss=f"{server.rss_mb():.0f}",
    )


def row_ratio(server, *, what, path, bare, cookie, seconds, pairs, goal) -> Row:
    def run(p):
        return lambda: loadgen.run_wrk(
            url=server.url, paths=[p], cookie=cookie, seconds=seconds, connections=CONNECTIONS
        )

    mark = server.log_mark()
    comparison = loadgen.interleave(pairs=pairs, run_a=run(path), run_b=run(bare))
    low, high = comparison.spread
    p50 = sorted(r.p50_ms for r in comparison.a)[len(comparison.a) // 2]
    p99 = max(r.p99_ms for r in comparison.a)
    product_rps = sorted(r.rps for r in comparison.a)[len(comparison.a) // 2]
    bare_rps = sorted(r.rps for r in comparison.b)[len(comparison.b) // 2]
    return Row(
        what=what,
        result=f"{comparison.ratio:.2f} ({product_rps:.0f} / {bare_rps:.0f} req/s)",
        spread=f"{low:.2f}–{high:.2f} ({pairs} pairs)",
        goal=f">= {goal:.2f}",
        met=comparison.ratio >= goal,
        errors=with_causes(wrk_errors(comparison.a + comparison.b), server, mark),
        latency=f"{ms(p50)} / {ms(p99)}",
        rss=f"{server.rss_mb():.0f}",
    )


def row_rfq(server, *, big, small, bare, cookie, rounds, quotations) -> Row:
    """Single requests in turn (the page may take seconds): 1,000 quotations, 10, bare."""
    times: dict[str, list[float]] = {"big": [], "small": [], "bare": []}
    statuses: dict[int, int] = {}
    for _ in range(rounds):
        for key, path in (("big", big), ("small", small), ("bare", bare)):
            status, seconds = loadgen.timed_get(server.url + path, cookie)
            statuses[status] = statuses.get(status, 0) + 1
            times[key].append(seconds)
    vs_small = sorted(b / s for b, s in zip(times["big"], times["small"], strict=True))
    vs_bare = sorted(b / c for b, c in zip(times["big"], times["bare"], strict=True))
    median = vs_small[len(vs_small) // 2]
    big_ms = sorted(t * 1000 for t in times["big"])
    errors = sum(n for s, n in statuses.items() if not 200 <= s < 300)
    return Row(
        what=f"RFQ comparison with {quotations:,} quotations (buyer; single requests)",
        result=f"{big_ms[len(big_ms) // 2]:,.0f} ms: {median:.1f}× the time with 10 "
        f"quotations, {vs_bare[len(vs_bare) // 2]:,.0f}× the bare view",
        spread=f"{vs_small[0]:.1f}–{vs_small[-1]:.1f}× ({rounds} rounds)",
        goal="constant time: <= 1.5× the time with 10 quotations",
        met=errors == 0 and median <= 1.5,
        errors=f"{errors} non-2xx of {sum(statuses.values())}",
        latency=f"{ms(big_ms[len(big_ms) // 2])} / {ms(big_ms[-1])} (max)",
        rss=f"{server.rss_mb():.0f}",
    )


def row_queries(ds) -> Row:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(url):
        client = Client()
        client.force_login(ds.seller)
        response = client.get(url)  # warm-up: last-active stamp, caches
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    big = count(f"/negotiations/{ds.big_order.negotiation_id}/")
    small = count(f"/negotiations/{ds.small_order.negotiation_id}/")
    return Row(
        what="SQL queries, workspace (seller viewing the buyer's version)",
        result=f"{big} (big order: {ds.revisions} revisions, {ds.messages} messages); "
        f"{small} (small order)",
        goal="<= 10, the same for both",
        met=big <= 10 and big == small,
    )


# --- Run -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, 10,000 sweep orders")
    parser.add_argument("--sweep-orders", type=int, help="orders awaiting payment for the sweep")
    parser.add_argument("--pairs", type=int, default=3, help="A/B pairs per ratio row (>= 3)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=GROUPS,
        default=GROUPS,
        help="run only these groups of rows (default: all)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="chat servers under cProfile: DIR/chat-{a,b}-{loop,threads}.prof, and their logs",
    )
    args = parser.parse_args()
    profile = dict(PROFILES["quick" if args.quick else "full"])
    if args.sweep_orders:
        profile["sweep_orders"] = args.sweep_orders
    if not shutil.which("wrk") and not Path("/usr/bin/wrk").exists():
        raise SystemExit("bench: wrk is not installed (apt-get install -y wrk)")

    started_at = time.monotonic()
    services, started_services = services_up()
    scratch = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    db_name = f"bench_{int(time.time())}_{os.getpid()}"
    database_url = with_path(services["DATABASE_URL"], f"/{db_name}")
    redis_url = with_path(services["REDIS_URL"], f"/{REDIS_DB}")
    env = production_env(database_url=database_url, redis_url=redis_url, scratch=scratch)
    servers: list[Server] = []
    rows: list[Row] = []
    try:
        admin_execute(services["DATABASE_URL"], f'CREATE DATABASE "{db_name}"')
        os.environ.update(env)
        say(f"migrating {db_name}; collectstatic")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        flush_redis(redis_url)

        import django

        django.setup()
        from scripts.bench import data

        ds = data.build(sweep_orders=profile["sweep_orders"], chat_pairs=CHAT_PAIRS, progress=say)
        if "sweep" in args.only:
            rows += sweep_rows(ds)
        if "queries" in args.only:
            rows.append(row_queries(ds))
        if "http" in args.only:
            rows += http_rows(ds, env, scratch, servers, profile, args.pairs, database_url, db_name)
        if "chat" in args.only:
            rows += chat_rows(ds, env, scratch, servers, profile, redis_url, args.profile)
    finally:
        for server in servers:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (Django may not be set up yet)
            pass
        admin_execute(services["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        flush_redis(redis_url)
        shutil.rmtree(scratch, ignore_errors=True)
        if started_services:
            services_down()
    print_table(rows, profile, args, time.monotonic() - started_at)


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


def sweep_rows(ds) -> list[Row]:
    from scripts.bench import sweep

    say("reminder sweep: first run")
    first = sweep.run_sweep()
    sweep.deliver_all()
    say("reminder sweep: steady state")
    steady = sweep.run_sweep()
    sweep.purge_broker()
    return [
        Row(
            what=f"Reminder sweep, first run, {ds.sweep_orders:,} orders awaiting payment "
            "(each with a reminder due)",
            result=f"{first.seconds:.1f} s; task returned {first.returned}; "
            f"{first.reminders_new:,} reminder rows; {first.broker_messages:,} broker messages",
            goal="< 5 s, the due work queued",
            met=first.seconds < 5 and first.broker_messages > 0,
        ),
        Row(
            what="Reminder sweep, steady state (the next run, nothing new due)",
            result=f"{steady.seconds:.2f} s; task returned {steady.returned}; "
            f"{steady.broker_messages:,} broker messages",
            goal="< 0.5 s, nothing queued twice",
            met=steady.seconds < 0.5 and steady.broker_messages == 0,
        ),
    ]


def http_rows(ds, env, scratch, servers, profile, pairs, database_url, db_name) -> list[Row]:
    from django.conf import settings

    from scripts.bench.data import session_cookie
    from scripts.bench.urls import BARE_PATH

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(ds.seller)}"
    buyer_cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(ds.rfq_buyer)}"
    inbox = "/negotiations/"
    workspace = f"/negotiations/{ds.big_order.negotiation_id}/"
    api_order = f"/api/v1/orders/{ds.big_order.pk}/"
    rows = []

    def fresh_server() -> Server:
        for server in servers:
            server.stop()
        servers.clear()
        server = Server(port=free_port(), env=env, log=scratch / "server.log").start()
        servers.append(server)
        # Warm-up: imports, templates, the first connections.
        loadgen.run_wrk(
            url=server.url,
            paths=[inbox, workspace, api_order, BARE_PATH],
            cookie=cookie,
            seconds=1,
            connections=2,
        )
        return server

    say("HTTP: errors at 8 connections")
    server = fresh_server()
    rows.append(
        row_errors_at_8(
            server,
            [inbox, workspace, api_order, BARE_PATH],
            cookie,
            profile["errors"],
            database_url,
            db_name,
        )
    )
    say("HTTP: 256 connections on the workspace")
    server = fresh_server()
    rows.append(row_overload(server, workspace, cookie, profile["overload"]))
    say("HTTP: pages against the bare view")
    server = fresh_server()
    for what, path, goal in (
        ("Inbox req/s / bare view req/s", inbox, 0.30),
        ("Workspace req/s / bare view req/s", workspace, 0.30),
        ("API order detail req/s / bare view req/s", api_order, 0.60),
    ):
        rows.append(
            row_ratio(
                server,
                what=what,
                path=path,
                bare=BARE_PATH,
                cookie=cookie,
                seconds=profile["pair"],
                pairs=pairs,
                goal=goal,
            )
        )
    say("HTTP: RFQ comparison")
    rows.append(
        row_rfq(
            server,
            big=f"/rfq/{ds.rfq_big.pk}/",
            small=f"/rfq/{ds.rfq_small.pk}/",
            bare=BARE_PATH,
            cookie=buyer_cookie,
            rounds=pairs,
            quotations=ds.quotations,
        )
    )
    for s in servers:
        s.stop()
    servers.clear()
    return rows


def chat_rows(ds, env, scratch, servers, profile, redis_url, profile_dir=None) -> list[Row]:
    from django.conf import settings
    from django.db.models import Max

    from chat.models import Message
    from scripts.bench import chat
    from scripts.bench.data import session_cookie

    listener_cookie = session_cookie(ds.chat_listener)
    pairs = [
        chat.Pair(
            negotiation_id=n, writer_cookie=session_cookie(u), listener_cookie=listener_cookie
        )
        for n, u in zip(ds.chat_negotiations, ds.chat_senders, strict=True)
    ]
    window = getattr(settings, "CHAT_RATE_LIMIT", (20, 10))[1]
    if profile_dir is not None:
        profile_dir = profile_dir.resolve()
        profile_dir.mkdir(parents=True, exist_ok=True)

    def server(name: str) -> Server:
        return Server(
            port=free_port(),
            env=env,
            log=scratch / f"chat-{name}.log",
            profile=profile_dir / f"chat-{name}" if profile_dir is not None else None,
        ).start()

    a = server("a")
    servers.append(a)
    b = server("b")
    servers.append(b)
    name = settings.SESSION_COOKIE_NAME
    seconds = profile["chat"]
    rows = []

    def last_id() -> int:
        return Message.objects.aggregate(m=Max("id"))["m"] or 0

    say(f"chat: throughput of one process ({len(pairs)} writers)")
    result = chat.throughput(
        base=a.url,
        pairs=pairs,
        cookie_name=name,
        last_id=last_id(),
        seconds=seconds,
        per_writer=CHAT_WRITER_RATE,
        cpu_clock=a.cpu_seconds,
    )
    cpu_ms = result.server_cpu_seconds * 1000 / result.acked if result.acked else 0
    rows.append(
        Row(
            what=f"Chat messages one ASGI process handles ({len(pairs)} writers, closed loop, "
            f"up to {len(pairs) * CHAT_WRITER_RATE:.0f}/s offered, {seconds} s)",
            result=f"{result.acked_per_second:.0f} msg/s acknowledged ({result.acked:,} in "
            f"{result.seconds:.1f} s); server CPU {cpu_ms:.1f} ms a message (one core: "
            f"{1000 / cpu_ms if cpu_ms else 0:.0f} msg/s)",
            goal=">= 300 msg/s",
            met=result.acked_per_second >= 300,
            errors=chat_errors(result),
            latency=f"ack {ms(chat.percentile(result.ack_ms, 50))} / "
            f"{ms(chat.percentile(result.ack_ms, 99))}",
            rss=f"{a.rss_mb():.0f}",
        )
    )
    for rate in (50, 200):
        time.sleep(window)  # the writers' chat-limit windows close
        say(f"chat: delivery across two processes at {rate} msg/s")
        result = chat.delivery(
            writer_base=a.url,
            listener_base=b.url,
            pairs=pairs,
            cookie_name=name,
            last_id=last_id(),
            rate=rate,
            seconds=seconds,
            redis_url=redis_url,
        )
        ratio = result.p99 / result.raw_p99 if result.raw_p99 else float("inf")
        met = ratio <= 5
        goal = "<= 5×"
        if rate == 200:
            met = met and result.lost == 0 and result.duplicates == 0
            goal += ", 0 lost, 0 duplicated"
        rows.append(
            Row(
                what=f"Chat delivery p99, two processes / raw Redis PUBLISH->SUBSCRIBE p99, "
                f"{rate} msg/s",
                result=f"{ratio:,.0f}× ({ms(result.p99)} ms / {result.raw_p99:.2f} ms); "
                f"{result.delivered:,} of {result.sent:,} delivered within {chat.GRACE_SECONDS} s "
                f"after the run, {result.lost:,} lost, {result.duplicates:,} duplicated",
                goal=goal,
                met=met,
                errors=chat_errors(result),
                latency=f"{ms(result.p50)} / {ms(result.p99)} (raw {result.raw_p50:.2f} / "
                f"{result.raw_p99:.2f})",
                rss=f"{a.rss_mb():.0f} + {b.rss_mb():.0f}",
            )
        )
    for s in servers:
        s.stop()
    servers.clear()
    if profile_dir is not None:
        for name in ("a", "b"):
            shutil.copy(scratch / f"chat-{name}.log", profile_dir / f"chat-{name}.log")
    return rows


def chat_errors(result) -> str:
    parts = [f"{n:,} {code}" for code, n in sorted(result.errors.items())]
    parts += [f"{n:,} closed {code}" for code, n in sorted(result.closes.items())]
    if result.unanswered:
        parts.append(f"{result.unanswered:,} never acknowledged")
    if result.open_failures:
        parts.append(f"{result.open_failures:,} sockets failed to open")
    return ", ".join(parts) or "none"


def print_table(rows: list[Row], profile: dict, args, seconds: float) -> None:
    load = os.getloadavg()
    print()
    print(
        f"Machine: {os.cpu_count()} cores, load average {load[0]:.1f} at the end; Python "
        f"{platform.python_version()}; {'quick' if args.quick else 'full'} run "
        f"({seconds / 60:.1f} min); one uvicorn process per server (production command of "
        f"the Dockerfile); wrk with {CONNECTIONS} connections unless stated; "
        f"{args.pairs} interleaved pairs per ratio, {profile['pair']} s each."
    )
    print()
    print("| What | Measured | Spread | Errors | p50 / p99 ms | Worker RSS MB | Goal | Met |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        cells = [r.what, r.result, r.spread, r.errors, r.latency, r.rss, r.goal, met]
        print("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    missed = [r.what for r in rows if r.met is False]
    print()
    print(f"{len(rows) - len(missed)} of {len(rows)} rows meet their goal.")


if __name__ == "__main__":
    main()
