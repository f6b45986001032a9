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
- ``screenshot(page, name, full_page=True)``: saves ``test-artifacts/<name>.png`` (the full
  page, or what the viewport shows with ``full_page=False``); with
  ``UPDATE_SCREENSHOTS=1`` in the environment it is also copied to ``docs/screenshots/``.
"""

import contextlib
import os
import shutil
from pathlib import Path

# pytest-playwright's sync API runs an event loop in the main thread for the whole session;
# Django's sync ORM refuses to run there unless told it is safe (it is: nothing else runs).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from common.testing import (  # noqa: E402
    child_database_url,
    session_key_for,
    start_asgi_server,
    stop_process,
)

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


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


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """Base URL of the ASGI app running in a child process against the test database."""
    from django.db import connection

    with django_db_blocker.unblock():
        database_url = child_database_url(connection.settings_dict)
    process, url = start_asgi_server(
        database_url=database_url,
        log_path=ARTIFACTS / "live_server.log",
        env={
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        },
    )
    try:
        yield url
    finally:
        stop_process(process)


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

    def sign_in(page, user):
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_key_for(user),
                    "url": live_url,
                }
            ]
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
        # Let the page's last requests (an HTMX completion refresh, a draft save) finish first:
        # on PostgreSQL the flush after the test deadlocks with a request still writing.
        for page in context.pages:
            with contextlib.suppress(Exception):
                page.wait_for_load_state("networkidle", timeout=5_000)
        context.close()


@pytest.fixture
def buyer_page(page_for, buyer):
    return page_for(buyer)


@pytest.fixture
def seller_page(page_for, seller):
    return page_for(seller)


@pytest.fixture
def screenshot():
    def save(page, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path

    return save
