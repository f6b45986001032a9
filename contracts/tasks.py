"""Celery tasks: thin interfaces over contracts/services.py; idempotent (the row is claimed)."""

from celery import shared_task

from contracts import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    ignore_result=True,
)
def contract_render(self, contract_id: int) -> bool:
    try:
        return services.contract_render(
            contract_id=contract_id, give_up=self.request.retries >= self.max_retries
        )
    except Exception as exc:
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def contracts_sweep() -> int:
    return services.contracts_sweep()
