from celery import shared_task

from fx import services


@shared_task
def rates_fetch_daily() -> dict[str, int] | None:
    """Scheduled daily (django-celery-beat, migration 0002); does nothing unless
    FX_ECB_FEED_URL is set. Idempotent: a second import of the same day changes nothing."""
    return services.rates_fetch_ecb()
