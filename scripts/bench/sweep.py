"""The reminder sweep, timed in process against PostgreSQL, with Celery sending to the Redis
broker for real (not eager): the time to plan and queue, not to deliver."""

import time
from dataclasses import dataclass


@dataclass
class SweepRun:
    seconds: float
    reminders_new: int
    broker_messages: int
    returned: str  # what the task returned, lists given by their length


def run_sweep() -> SweepRun:
    """One run of the periodic task ``payments.tasks.reminders_sweep`` (its body, in this
    process, as a worker would run it when beat sends it)."""
    from negotiation_portal.celery import app
    from payments.models import Reminder
    from payments.tasks import reminders_sweep

    app.conf.task_always_eager = False
    before = Reminder.objects.count()
    queued = broker_length()
    started = time.perf_counter()
    answer = reminders_sweep()
    seconds = time.perf_counter() - started
    return SweepRun(
        seconds=seconds,
        reminders_new=Reminder.objects.count() - before,
        broker_messages=broker_length() - queued,
        returned=summary(answer),
    )


def summary(answer) -> str:
    if not isinstance(answer, dict):
        return repr(answer)
    parts = []
    for key, value in answer.items():
        count = len(value) if isinstance(value, list | tuple | set) else value
        parts.append(f"{key} {count:,}" if isinstance(count, int) else f"{key} {count}")
    return ", ".join(parts)


def deliver_all() -> int:
    """What the workers would have done before the next run: every queued reminder claimed
    (sent) and the broker emptied. Returns the number of reminders claimed."""
    from django.utils import timezone

    from payments.models import Reminder

    claimed = Reminder.objects.filter(claimed_at__isnull=True).update(claimed_at=timezone.now())
    purge_broker()
    return claimed


def broker_length() -> int:
    """Messages waiting in the broker's queues."""
    from negotiation_portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.channel().client
        return sum(client.llen(key) for key in _queue_keys(app))


def purge_broker() -> None:
    from negotiation_portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.channel().client
        for key in _queue_keys(app):
            client.delete(key)


def _queue_keys(app) -> list[str]:
    names = {app.conf.task_default_queue or "celery"}
    names.update(q.name for q in (app.conf.task_queues or []))
    return sorted(names)
