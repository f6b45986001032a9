"""Celery tasks: thin interfaces over the chat's services; each is idempotent."""

from celery import shared_task

from chat import digests


@shared_task(acks_late=True, reject_on_worker_lost=True)
def chat_digests_sweep() -> dict:
    return digests.chat_digests_sweep()
