"""Test helpers for tests that run the ASGI app in child processes (browser and Redis tests).

Only imported by tests; nothing here runs in the portal itself.
"""

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER_START_TIMEOUT = 30
# As in production (Dockerfile): open sockets and requests get this long after SIGTERM, then
# uvicorn cancels what is left and exits; a deploy never waits on a hung task.
GRACEFUL_SHUTDOWN_SECONDS = 5


def child_database_url(settings_dict: dict) -> str | None:
    """DATABASE_URL under which a child process sees the current test database.

    None for an in-memory SQLite database, which no other process can see.
    """
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        name = str(settings_dict["NAME"] or "")
        if not name or name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(settings_dict["NAME"])))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_asgi_server(*, database_url: str, log_path: Path, env: dict | None = None):
    """uvicorn with the portal's ASGI app (HTTP and WebSockets) on a free loopback port.

    Returns ``(process, base_url)`` once ``/healthz`` answers; raises with the server's log if
    it exits or does not answer in time.
    """
    port = free_port()
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "negotiation_portal.settings",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    for name in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        child_env.pop(name, None)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "negotiation_portal.asgi:application"),
                *("--ws", "auto", "--lifespan", "off", "--no-server-header"),
                *("--host", "127.0.0.1"),
                *("--port", str(port)),
                *("--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)),
            ],
            cwd=ROOT,
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The server exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"The server did not answer /healthz:\n{log_path.read_text()}")


def stop_process(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def session_key_for(user) -> str:
    """A session in the database signed in as ``user``, as a login would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def start_celery_worker(*, env: dict, log_path: Path, name: str = "worker") -> subprocess.Popen:
    """A Celery worker (solo pool: one process, so SIGKILL kills the task it runs) with the
    portal's settings and ``env`` on top; returns once it says it is ready."""
    child_env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "CONN_MAX_AGE": "0", **env}
    child_env.pop("EMAIL_HOST", None)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "negotiation_portal", "worker"),
                *("--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"),
                *("-n", f"{name}@%h"),
            ],
            cwd=ROOT,
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The worker exited with {process.returncode}:\n{log_path.read_text()}"
            )
        if " ready." in log_path.read_text():
            return process
        time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"The worker did not get ready:\n{log_path.read_text()}")


class StallingProxy:
    """A TCP relay to ``target`` (host, port) on a free loopback port that can stall: after
    ``stall()`` it keeps every connection open and relays nothing, as a Redis or database
    that stopped answering would. Threads only; ``close()`` ends it."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.stalled = threading.Event()
        self.closed = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._relay, args=(source, sink), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        while not self.closed.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            while self.stalled.is_set() and not self.closed.is_set():
                time.sleep(0.05)  # hold the data: the other side waits for an answer
            try:
                sink.sendall(data)
            except OSError:
                return

    def stall(self) -> None:
        self.stalled.set()

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def run_together(calls, *, hold: dict | None = None, held: int = 0, jitter: float = 0.0) -> list:
    """Runs the calls in threads started together (the race tests on PostgreSQL); returns each
    one's result or the exception it raised, in order. Each thread closes its connection.

    ``hold`` is the state of a hold-after-read fixture: while the calls run, its "barrier"
    makes ``held`` of them wait after their read until all of those have read (0: none wait).
    Calls that do not hold start after up to ``jitter`` seconds, so each side sometimes wins.
    """
    from django.db import connection

    start = threading.Barrier(len(calls))
    if hold is not None:
        hold["barrier"] = threading.Barrier(held) if held else None
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=10)
            if jitter:
                time.sleep(random.uniform(0, jitter))
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if hold is not None:
        hold["barrier"] = None
    assert not any(thread.is_alive() for thread in threads)
    return results
