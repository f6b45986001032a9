"""Celery tasks: thin interfaces over shipments/services.py. Each re-checks the state in its
service and is idempotent, so a redelivered message does nothing twice."""

import datetime

from celery import shared_task

from shipments import services

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**TASK_OPTIONS)
def receipts_sweep() -> dict:
    return services.receipts_sweep()


# Nobody waits for a batch's result.
@shared_task(**TASK_OPTIONS, ignore_result=True)
def receipts_batch(shipment_ids: list[int], lease: str) -> dict:
    return services.receipts_batch_run(
        shipment_ids=shipment_ids, lease=datetime.datetime.fromisoformat(lease)
    )
