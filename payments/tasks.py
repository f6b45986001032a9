"""Celery tasks: thin interfaces over payments/services.py. Each re-checks the state in its
service and is idempotent, so a redelivered message does nothing twice."""

import datetime

from celery import shared_task

from payments import services

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**TASK_OPTIONS)
def reminders_sweep() -> dict:
    return services.reminders_sweep()


# Nobody waits for a batch's result; storing none also spares the sweep a result
# subscription per queued batch.
@shared_task(**TASK_OPTIONS, ignore_result=True)
def reminders_batch(order_ids: list[int], lease: str) -> dict:
    return services.reminders_batch_run(
        order_ids=order_ids, lease=datetime.datetime.fromisoformat(lease)
    )


@shared_task(**TASK_OPTIONS)
def reminder_send(reminder_id: int) -> bool:
    # The e-mail itself goes out in notifications.tasks.notification_email_send, which
    # retries with backoff when the mail server fails.
    return services.reminder_deliver(reminder_id=reminder_id)
