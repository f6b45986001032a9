"""HTTP load with wrk (scripts/bench/wrk.lua): one run, and A/B runs interleaved."""

import json
import os
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    timeouts: int
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        ok = sum(n for status, n in self.statuses.items() if 200 <= status < 300)
        return ok / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def count(self, status: int) -> int:
        return self.statuses.get(status, 0)


def wrk_path() -> str:
    path = shutil.which("wrk") or "/usr/bin/wrk"
    if not Path(path).exists():
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    return path


def run_wrk(
    *,
    url: str,
    paths: list[str],
    cookie: str,
    seconds: float,
    connections: int,
    threads: int = 2,
    timeout: float = 30,
) -> WrkResult:
    """wrk on ``url`` for ``seconds``, ``connections`` open connections, the paths in turn."""
    env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_PATHS": ",".join(paths)}
    command = [
        wrk_path(),
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={round(timeout)}s",
        "-s",
        str(LUA),
        url,
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in out.splitlines() if line.startswith("BENCH-JSON "))
    data = json.loads(line.removeprefix("BENCH-JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"],
        timeouts=data["timeout"],
        statuses={int(k): v for k, v in data["statuses"].items()},
    )


@dataclass
class Comparison:
    """Interleaved runs A, B, A, B ...: the ratio of A's successful req/s to B's, per pair."""

    a: list[WrkResult]
    b: list[WrkResult]

    @property
    def ratios(self) -> list[float]:
        return [x.rps / y.rps if y.rps else 0.0 for x, y in zip(self.a, self.b, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.ratios), max(self.ratios)

    def errors(self, side: str = "a") -> int:
        runs = self.a if side == "a" else self.b
        return sum(r.non_2xx + r.socket_errors + r.timeouts for r in runs)


def timed_get(url: str, cookie: str, timeout: float = 120) -> tuple[int, float]:
    """One GET with the cookie: (status, seconds until the whole body arrived)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - started


def interleave(*, pairs: int, run_a, run_b) -> Comparison:
    a, b = [], []
    for _ in range(pairs):
        a.append(run_a())
        b.append(run_b())
    return Comparison(a=a, b=b)
