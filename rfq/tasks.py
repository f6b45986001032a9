from celery import shared_task

from rfq import services


@shared_task(acks_late=True)
def quotation_outcome_notify(quotation_id: int) -> bool:
    """Tells the quoting seller what became of the quotation (idempotent; see the service)."""
    return services.quotation_notify_outcome(quotation_id=quotation_id)


@shared_task
def rfq_expire_sweep() -> dict[str, int]:
    """Scheduled every five minutes (django-celery-beat, migration 0002)."""
    return services.rfq_expire_sweep()
