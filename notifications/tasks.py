import smtplib

from celery import shared_task

from notifications import services

# Mail server trouble is worth retrying; a template error is not. The backoff stays below the
# broker's visibility timeout, so a retry waiting for its time is not delivered twice.
RETRY_ON = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def notification_email_send(notification_id: int) -> bool:
    return services.notification_email_deliver(notification_id=notification_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def emails_sweep() -> dict:
    return services.emails_sweep()
