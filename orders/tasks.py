"""Celery tasks: thin interfaces over the orders services. Each is idempotent: what it does is
claimed by a conditional UPDATE first, so a redelivered message does nothing twice."""

from celery import shared_task

from orders import expiry

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**TASK_OPTIONS)
def offers_sweep() -> dict:
    return expiry.offers_sweep()
