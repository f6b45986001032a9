"""Chat load over real WebSockets (the protocol of docs/chat.md), signed in by session cookie.

Each rig negotiation k has a writer (buyer member k: the chat limit counts per user) and a
listener (one seller member, a socket per negotiation). Latency is measured from the send of
a `message` frame to its arrival at the listener's socket, in this process, on one clock.
The ceiling is a raw Redis PUBLISH -> SUBSCRIBE round trip at the same rate, measured at the
same time on the same event loop (so the client's own delays count on both sides).
"""

import asyncio
import contextlib
import json
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

OPEN_CONCURRENCY = 16
GRACE_SECONDS = 10


@dataclass
class Pair:
    negotiation_id: int
    writer_cookie: str
    listener_cookie: str


@dataclass
class ChatResult:
    sent: int = 0
    acked: int = 0
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    closes: Counter = field(default_factory=Counter)
    open_failures: int = 0
    in_flight: int = 0  # sent, still unanswered when a closed-loop run ended
    raw_latencies_ms: list[float] = field(default_factory=list)
    server_cpu_seconds: float = 0.0  # the server's CPU time while the writers wrote

    @property
    def refused(self) -> int:
        return sum(self.errors.values())

    @property
    def unanswered(self) -> int:
        return max(0, self.sent - self.acked - self.refused - self.in_flight)

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def raw_p50(self) -> float:
        return percentile(self.raw_latencies_ms, 50)

    @property
    def raw_p99(self) -> float:
        return percentile(self.raw_latencies_ms, 99)

    @property
    def acked_per_second(self) -> float:
        return self.acked / self.seconds if self.seconds else 0.0


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(pct) - 1))]


class Socket:
    """One chat socket: opened, `hello` sent, `ready` awaited; frames go to ``on_frame``."""

    def __init__(self, *, base: str, negotiation_id: int, cookie: str, cookie_name: str):
        self.url = f"{base.replace('http://', 'ws://')}/ws/negotiations/{negotiation_id}/chat/"
        self.origin = base
        self.headers = {"Cookie": f"{cookie_name}={cookie}"}
        self.ws = None
        self.reader = None
        self.on_frame = None
        self.closing = False
        # The close code when the server closed the socket before we did.
        self.server_close_code = None

    async def open(self, last_id: int, timeout: float = 60) -> None:
        self.ws = await connect(
            self.url,
            origin=self.origin,
            additional_headers=self.headers,
            compression=None,
            proxy=None,
            open_timeout=timeout,
            ping_interval=None,
            max_queue=None,
        )
        await self.ws.send(json.dumps({"type": "hello", "last_id": last_id}))
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame.get("type") == "ready":
                    break
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                if self.on_frame is not None:
                    self.on_frame(json.loads(raw), time.perf_counter())
        except ConnectionClosed:
            pass
        if not self.closing:
            self.server_close_code = self.ws.close_code

    async def send(self, frame: dict) -> bool:
        try:
            await self.ws.send(json.dumps(frame))
            return True
        except ConnectionClosed:
            return False

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader


async def _open_all(specs: list[tuple], last_id: int, result: ChatResult) -> list:
    """Opens the sockets (base, negotiation, cookie, cookie name), a few at a time; None for
    the ones that fail."""
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def one(spec):
        base, negotiation_id, cookie, cookie_name = spec
        socket = Socket(
            base=base, negotiation_id=negotiation_id, cookie=cookie, cookie_name=cookie_name
        )
        async with gate:
            try:
                await socket.open(last_id)
                return socket
            except (OSError, TimeoutError, ConnectionClosed, Exception):
                result.open_failures += 1
                return None

    return await asyncio.gather(*(one(spec) for spec in specs))


async def _close_all(sockets, result: ChatResult) -> None:
    await asyncio.gather(*(s.close() for s in sockets if s is not None), return_exceptions=True)
    for s in sockets:
        if s is not None and s.server_close_code is not None:
            result.closes[s.server_close_code] += 1


async def _raw_probe(redis_url: str, rate: float, seconds: float, out: list[float]) -> None:
    """PUBLISH at ``rate`` per second for ``seconds``; the subscriber records each round trip."""
    channel = f"bench:probe:{uuid.uuid4().hex}"
    subscriber = aioredis.from_url(redis_url)
    publisher = aioredis.from_url(redis_url)
    pubsub = subscriber.pubsub()
    await pubsub.subscribe(channel)
    expected = max(1, round(rate * seconds))

    async def listen():
        got = 0
        async for item in pubsub.listen():
            if item["type"] != "message":
                continue
            sent = float(item["data"])
            out.append((time.perf_counter() - sent) * 1000)
            got += 1
            if got >= expected:
                return

    listener = asyncio.create_task(listen())
    started = time.perf_counter()
    for k in range(expected):
        await _sleep_until(started + k / rate)
        await publisher.publish(channel, repr(time.perf_counter()))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(listener, GRACE_SECONDS)
    await pubsub.unsubscribe(channel)
    await pubsub.aclose()
    await subscriber.aclose()
    await publisher.aclose()


async def _sleep_until(at: float) -> None:
    delay = at - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


async def _delivery(
    *,
    writer_base: str,
    listener_base: str,
    pairs: list[Pair],
    cookie_name: str,
    last_id: int,
    rate: float,
    seconds: float,
    redis_url: str,
    per_writer: float = 1.0,
) -> ChatResult:
    """Open loop: ``rate`` messages a second in all, each writer ``per_writer`` a second; the
    listener of each negotiation is on ``listener_base`` (another process, or the same)."""
    result = ChatResult()
    writers_needed = max(1, round(rate / per_writer))
    pairs = pairs[:writers_needed]
    interval = len(pairs) / rate
    run = uuid.uuid4().hex[:8]
    sent_at: dict[str, float] = {}
    acked: set[str] = set()
    seen: dict[str, int] = {}

    listeners = await _open_all(
        [(listener_base, p.negotiation_id, p.listener_cookie, cookie_name) for p in pairs],
        last_id,
        result,
    )
    writers = await _open_all(
        [(writer_base, p.negotiation_id, p.writer_cookie, cookie_name) for p in pairs],
        last_id,
        result,
    )

    def on_listener_frame(frame, now):
        if frame.get("type") != "message":
            return
        cid = (frame.get("message") or {}).get("client_id") or ""
        if cid not in sent_at:
            return
        seen[cid] = seen.get(cid, 0) + 1
        if seen[cid] == 1:
            result.latencies_ms.append((now - sent_at[cid]) * 1000)
        else:
            result.duplicates += 1

    def on_writer_frame(frame, now):
        kind = frame.get("type")
        if kind == "ack" and frame.get("client_id") in sent_at:
            if frame.get("created", True):
                acked.add(frame["client_id"])
                result.ack_ms.append((now - sent_at[frame["client_id"]]) * 1000)
        elif kind == "error":
            result.errors[frame.get("code", "?")] += 1

    for s in listeners:
        if s is not None:
            s.on_frame = on_listener_frame
    for s in writers:
        if s is not None:
            s.on_frame = on_writer_frame

    async def write(k: int, socket: Socket):
        # Writer k starts k/rate seconds in: together they send evenly, ``rate`` a second.
        n = 0
        while True:
            at = begin + k / rate + n * interval
            if at - begin >= seconds:
                return
            await _sleep_until(at)
            cid = f"{run}-{k}-{n}"
            sent_at[cid] = time.perf_counter()
            if not await socket.send({"type": "message", "client_id": cid, "body": f"bench {cid}"}):
                return
            result.sent += 1
            n += 1

    begin = time.perf_counter()
    probe = asyncio.create_task(_raw_probe(redis_url, rate, seconds, result.raw_latencies_ms))
    await asyncio.gather(
        *(write(k, s) for k, s in enumerate(writers) if s is not None and listeners[k] is not None)
    )
    result.seconds = time.perf_counter() - begin
    # Let what was sent arrive, up to the grace period.
    deadline = time.perf_counter() + GRACE_SECONDS
    while time.perf_counter() < deadline and len(seen) + result.refused < result.sent:
        await asyncio.sleep(0.2)
    await probe
    result.acked = len(acked)
    result.delivered = len(seen)
    # Lost: sent and not refused, yet not at the listener by the end of the grace period.
    result.lost = max(0, result.sent - result.delivered - result.refused)
    await _close_all([*writers, *listeners], result)
    return result


async def _throughput(
    *,
    base: str,
    pairs: list[Pair],
    cookie_name: str,
    last_id: int,
    seconds: float,
    per_writer: float,
    cpu_clock=None,
) -> ChatResult:
    """Closed loop on one process: every writer sends its next message when the last one is
    acknowledged, no faster than ``per_writer`` a second (under the chat limit); listeners on
    the same process. The result's acked/s is what the process handled."""
    result = ChatResult()
    run = uuid.uuid4().hex[:8]
    listeners = await _open_all(
        [(base, p.negotiation_id, p.listener_cookie, cookie_name) for p in pairs], last_id, result
    )
    writers = await _open_all(
        [(base, p.negotiation_id, p.writer_cookie, cookie_name) for p in pairs], last_id, result
    )
    waiting: dict[str, asyncio.Future] = {}
    sent_at: dict[str, float] = {}
    seen: set[str] = set()

    def on_writer_frame(frame, now):
        cid = frame.get("client_id")
        future = waiting.pop(cid, None) if cid else None
        if frame.get("type") == "error":
            result.errors[frame.get("code", "?")] += 1
        if future is not None and not future.done():
            future.set_result((frame, now))

    def on_listener_frame(frame, now):
        if frame.get("type") == "message":
            cid = (frame.get("message") or {}).get("client_id") or ""
            if cid in sent_at:
                if cid in seen:
                    result.duplicates += 1
                seen.add(cid)
                result.latencies_ms.append((now - sent_at[cid]) * 1000)

    for s in writers:
        if s is not None:
            s.on_frame = on_writer_frame
    for s in listeners:
        if s is not None:
            s.on_frame = on_listener_frame

    loop = asyncio.get_running_loop()
    cpu_begin = cpu_clock() if cpu_clock else 0.0
    begin = time.perf_counter()
    end = begin + seconds
    last_ack = begin

    async def write(k: int, socket: Socket):
        nonlocal last_ack
        n = 0
        await _sleep_until(begin + k / len(pairs) / per_writer)
        while time.perf_counter() < end:
            cid = f"{run}-{k}-{n}"
            n += 1
            future = loop.create_future()
            waiting[cid] = future
            sent_at[cid] = time.perf_counter()
            if not await socket.send({"type": "message", "client_id": cid, "body": f"bench {cid}"}):
                return
            result.sent += 1
            # The last message sent before the end may take the grace period to be answered.
            wait = max(0.1, end - time.perf_counter()) + GRACE_SECONDS
            try:
                frame, now = await asyncio.wait_for(future, wait)
            except TimeoutError:
                result.in_flight += 1
                return
            if frame.get("type") == "ack":
                result.acked += 1
                result.ack_ms.append((now - sent_at[cid]) * 1000)
                last_ack = max(last_ack, now)
            await _sleep_until(sent_at[cid] + 1 / per_writer)

    await asyncio.gather(
        *(write(k, s) for k, s in enumerate(writers) if s is not None and listeners[k] is not None)
    )
    if cpu_clock:
        result.server_cpu_seconds = cpu_clock() - cpu_begin
    # Throughput over the time it took to answer what was sent in the window.
    result.seconds = max(seconds, last_ack - begin)
    result.delivered = len(seen)
    await asyncio.sleep(1)
    await _close_all([*writers, *listeners], result)
    return result


def delivery(**kwargs) -> ChatResult:
    return asyncio.run(_delivery(**kwargs))


def throughput(**kwargs) -> ChatResult:
    return asyncio.run(_throughput(**kwargs))
