"""E-mails survive a killed worker: real Celery workers on the Redis broker (CI's Redis pass,
with PostgreSQL), one killed with SIGKILL in the middle of a batch of e-mails."""

import signal
import time
from pathlib import Path

import pytest
from django.db import connection

from accounts.tests.factories import BuyerFactory
from common.testing import child_database_url, start_celery_worker, stop_process
from negotiation_portal.celery import app as celery_app
from notifications import services
from notifications.models import EmailState, Kind, Notification
from notifications.services import Message

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEND_LEASE_SECONDS = 3


def _recipients(outbox: Path) -> list[str]:
    """The To: address of every e-mail the file backend wrote (one file per message)."""
    addresses = []
    for path in outbox.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                addresses.append(line[4:].strip())
    return addresses


def _wait_for(condition, timeout=90.0, every=0.2, then=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if then:
            then()
        time.sleep(every)
    return False


def test_every_email_is_sent_when_a_worker_is_killed_in_the_middle_of_a_batch(
    buyer, tmp_path, settings
):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    members = [buyer, *BuyerFactory.create_batch(23, company=buyer.company)]
    env = {
        "DATABASE_URL": child_database_url(connection.settings_dict),
        "EMAIL_BACKEND": "notifications.tests.slow_email_backend.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "EMAIL_SEND_LEASE_SECONDS": str(SEND_LEASE_SECONDS),
        "SLOW_EMAIL_SECONDS": "1",
        "VAR_DIR": str(tmp_path / "var"),
    }
    settings.EMAIL_QUEUE_LEASE_SECONDS = 60  # for the sweep run here; the workers keep theirs
    celery_app.conf.task_always_eager = False
    first = start_celery_worker(env=env, log_path=tmp_path / "first.log", name="first")
    try:
        services.notifications_send(
            messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="Due")]
        )
        # Killed while it holds a claimed e-mail (sending takes a second with the slow backend).
        assert _wait_for(
            lambda: (
                len(_recipients(outbox)) >= 5
                and Notification.objects.filter(email_state=EmailState.SENDING).exists()
            ),
            every=0.05,
        ), "the first worker sent nothing"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(_recipients(outbox)) < len(members), "the worker finished before it was killed"
    assert Notification.objects.filter(email_state=EmailState.SENDING).count() == 1

    second = start_celery_worker(
        env={**env, "SLOW_EMAIL_SECONDS": "0"}, log_path=tmp_path / "second.log", name="second"
    )
    try:
        # The e-mail sweep (every minute in production) brings back the e-mail whose claim
        # died with the first worker, once its send lease has expired.
        everyone = {member.email for member in members}
        assert _wait_for(
            lambda: set(_recipients(outbox)) == everyone,
            every=1.0,
            then=services.emails_sweep,
        ), f"missing: {everyone - set(_recipients(outbox))}"
    finally:
        stop_process(second)

    # At most one duplicate: the worker died between sending and recording it as sent.
    assert len(_recipients(outbox)) <= len(members) + 1
    assert _wait_for(
        lambda: not Notification.objects.exclude(email_state=EmailState.SENT).exists(), timeout=10
    )
