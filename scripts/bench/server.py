"""The portal served as in production: the Dockerfile's command (uvicorn), HTTP on loopback."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The last line of a logged traceback: "package.module.SomeError: message".
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): (.*)$")
FALLBACK_COMMAND = [
    "uvicorn",
    "negotiation_portal.asgi:application",
    "--host",
    "127.0.0.1",
    "--port",
    "8000",
    "--ws",
    "auto",
    "--lifespan",
    "off",
]


def production_command() -> list[str]:
    """The web command of the Dockerfile's CMD (exec form), so that the benchmark serves what
    is shipped: server options such as a concurrency limit come with it."""
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD\s+(\[.*?\])\s*$", text.replace("\\\n", " "), re.M | re.S)
    if match:
        try:
            command = json.loads(match.group(1))
        except ValueError:
            command = None
        if command and Path(command[0]).name == "uvicorn":
            return command
    return list(FALLBACK_COMMAND)


def _set_option(command: list[str], name: str, value: str) -> list[str]:
    command = list(command)
    for k, arg in enumerate(command):
        if arg == name and k + 1 < len(command):
            command[k + 1] = value
            return command
        if arg.startswith(name + "="):
            command[k] = f"{name}={value}"
            return command
    return [*command, name, value]


class Server:
    """One uvicorn server (``workers`` processes) on 127.0.0.1:port with the given environment."""

    def __init__(
        self, *, port: int, env: dict, log: Path, workers: int = 1, profile: Path | None = None
    ):
        command = production_command()
        command[0] = str(Path(sys.executable).parent / "uvicorn")
        command = _set_option(command, "--host", "127.0.0.1")
        command = _set_option(command, "--port", str(port))
        if workers > 1:
            command = _set_option(command, "--workers", str(workers))
        if profile is not None:
            # cProfile for the event loop and the worker threads (scripts/bench/profiled.py).
            profiler = str(ROOT / "scripts" / "bench" / "profiled.py")
            command = [sys.executable, profiler, str(profile), "-m", "uvicorn", *command[1:]]
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.env = env
        self.process = None

    def start(self, timeout: float = 60) -> "Server":
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz within {timeout} s; see {self.log}")

    def pids(self) -> list[int]:
        """The server process and its children (uvicorn's worker processes)."""
        if self.process is None:
            return []
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def log_mark(self) -> int:
        """Where the log ends now; ``errors_since`` reads what was logged after."""
        return self.log.stat().st_size if self.log.exists() else 0

    def errors_since(self, mark: int, top: int = 2) -> str:
        """The most frequent exception lines the server logged since ``mark`` (the causes of
        its 500s), e.g. 'OperationalError: ... too many clients ... × 49'."""
        with self.log.open("rb") as f:
            f.seek(mark)
            text = f.read().decode(errors="replace")
        causes: dict[str, int] = {}
        lines = text.splitlines()
        for k, line in enumerate(lines):
            match = EXCEPTION_LINE.match(line)
            following = next((n for n in lines[k + 1 :] if n.strip()), "")
            # A chained exception is printed before the one it caused: count the last only.
            if match and not following.startswith(("The above exception", "During handling")):
                message = " ".join(match.group(2).split())
                # PostgreSQL's reason comes last ("connection to server ... failed: FATAL: ...").
                message = message[message.find("FATAL:") :] if "FATAL:" in message else message
                cause = f"{match.group(1).rsplit('.', 1)[-1]}: {message}"[:100]
                causes[cause] = causes.get(cause, 0) + 1
        ranked = sorted(causes.items(), key=lambda item: -item[1])[:top]
        return "; ".join(f"{cause} × {n}" for cause, n in ranked)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server's processes have used so far: on a shared
        machine, CPU per message holds where messages per second do not."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """Resident memory of the worker processes (the supervisor too when there is only one
        process), in MB."""
        pids = self.pids()
        workers = pids[1:] or pids
        total = 0
        for pid in workers:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def stop(self, grace: float = 10) -> None:
        """SIGTERM, then SIGINT (uvicorn can wait for background tasks forever), then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGINT, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue
