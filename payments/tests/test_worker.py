"""A real Celery worker process on the Redis broker (CI's Redis pass, with PostgreSQL)."""

import time
from pathlib import Path

import pytest
from django.db import connection

from common.testing import child_database_url, start_celery_worker, stop_process
from negotiation_portal.celery import app as celery_app
from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments import services
from payments.tasks import reminder_send
from payments.tests.factories import set_bank_details

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        "DATABASE_URL": child_database_url(connection.settings_dict),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "VAR_DIR": str(tmp_path / "var"),
    }
    celery_app.conf.task_always_eager = False
    process = start_celery_worker(env=env, log_path=tmp_path / "worker.log")
    try:
        yield outbox
    finally:
        stop_process(process)


def _reminder_emails(outbox: Path) -> list[str]:
    texts = (path.read_text(errors="replace") for path in outbox.glob("*.log"))
    return [text for text in texts if "Subject: Payment reminder" in text]


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_sends_the_reminder_once_even_when_the_task_is_delivered_twice(
    worker, buyer, seller, product
):
    set_bank_details(seller)
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
    )

    # Queued on commit (no surrounding transaction here): the worker picks it up.
    reminder = services.reminder_request(order_id=order.pk, actor=seller)

    assert _wait_for(lambda: len(_reminder_emails(worker)) == 1), "no reminder e-mail arrived"
    [email] = _reminder_emails(worker)
    assert f"To: {buyer.email}" in email
    assert f"/payments/orders/{order.pk}/pay/" in email

    duplicate = reminder_send.delay(reminder.pk)

    assert duplicate.get(timeout=60) is False
    time.sleep(1)
    assert len(_reminder_emails(worker)) == 1
