"""Browser tests: Playwright driving Debian's Chromium against a live ASGI server.

Run them in their own invocation, never together with the main suite (pytest-playwright keeps
an event loop running in the main thread, which breaks async tests and the sync ORM)::

    cd /work/main && .venv/bin/pytest browser_tests -q

Without /usr/bin/chromium every test is skipped with one clear reason and the install command
(``apt-get install -y chromium``).

Fixtures (use them in any ``browser_tests/test_*.py``):

- The test database is a file: on SQLite ``var/browser_test_<pid>.sqlite3`` (our override of
  pytest-django's ``django_db_modify_db_settings``), on PostgreSQL pytest-django's usual
  ``test_<dbname>``. Every test here runs with ``transactional_db`` (autouse), so what a test
  creates is committed and visible to the server, and the tables are emptied after each test.
- ``live_url`` (session): the base URL (``http://127.0.0.1:<port>``) of
  ``uvicorn negotiation_portal.asgi:application --ws auto`` started in a child process against
  the test database (HTTP and WebSockets; Celery tasks run eagerly in it, e-mail goes to
  locmem). Started once, after the test database exists; stopped at the end of the session.
  Its output is in ``test-artifacts/live_server.log``.
- ``browser_type_launch_args`` (session): launches ``/usr/bin/chromium`` headless with the flags
  these machines need.
- ``login(page, user)``: signs ``user`` in by giving the page's browser context a session
  cookie created in the test database (no login form involved, so it works for any user).
- ``page_for(user)``: a new browser context (its own cookies, like a separate person), logged
  in as ``user``, with ``base_url`` set to ``live_url``; returns a Playwright ``Page``. Contexts
  are closed after the test. ``buyer_page`` and ``seller_page`` are that for the root
  conftest's ``buyer`` and ``seller`` personas: two people in two browsers.
- ``screenshot(page, name)``: saves ``test-artifacts/<name>.png`` (full page); with
  ``UPDATE_SCREENSHOTS=1`` in the environment it is also copied to ``docs/screenshots/``.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

# pytest-playwright's sync API runs an event loop in the main thread for the whole session;
# Django's sync ORM refuses to run there unless told it is safe (it is: nothing else runs).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SERVER_START_TIMEOUT = 30


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = not Path(CHROMIUM).exists()
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed ({CHROMIUM}): apt-get install -y chromium"
    )
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(skip)


def _is_sqlite(settings_dict: dict) -> bool:
    return settings_dict["ENGINE"] == "django.db.backends.sqlite3"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, so that the server's process sees it."""
    from django.conf import settings
    from django.db import connections

    if _is_sqlite(settings.DATABASES["default"]):
        name = str(settings.VAR_DIR / f"browser_test_{os.getpid()}.sqlite3")
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        for settings_dict in (settings.DATABASES["default"], connections["default"].settings_dict):
            settings_dict.setdefault("TEST", {})
            settings_dict["TEST"]["NAME"] = name


@pytest.fixture(autouse=True)
def _committed_data(transactional_db):
    """Data must be committed for the server's process to see it."""


def _database_url() -> str:
    """DATABASE_URL for the server: the test database, which exists once django_db_setup ran."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if _is_sqlite(settings_dict):
        return f"sqlite:///{settings_dict['NAME']}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(settings_dict["NAME"])))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The live server exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The live server did not answer /healthz:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """Base URL of the ASGI app running in a child process against the test database."""
    with django_db_blocker.unblock():
        database_url = _database_url()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "negotiation_portal.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "live_server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "negotiation_portal.asgi:application",
                "--ws",
                "auto",
                "--lifespan",
                "off",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(url, process, log_path)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def login(live_url):
    """``login(page, user)``: the page's browser context is now signed in as ``user``."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    def sign_in(page, user):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_url}]
        )
        return page

    return sign_in


@pytest.fixture
def page_for(browser, live_url, login):
    """``page_for(user)``: a page in a fresh browser context, signed in as ``user``."""
    contexts = []

    def open_page(user=None, **context_args):
        context = browser.new_context(base_url=live_url, **context_args)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def buyer_page(page_for, buyer):
    return page_for(buyer)


@pytest.fixture
def seller_page(page_for, seller):
    return page_for(seller)


@pytest.fixture
def screenshot():
    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path

    return save
