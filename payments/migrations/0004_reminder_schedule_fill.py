"""Existing orders awaiting payment are due for the sweep at once: its first run takes them in
batches, each batch sends what is due today and stores the order's real next reminder time
(the schedule rule stays in payments/services.py, not copied here). The sweep runs every five
minutes now that a run with nothing due costs one indexed statement."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "payments: reminder sweep"


def fill(apps, schema_editor):
    PaymentPlan = apps.get_model("payments", "PaymentPlan")
    PaymentPlan.objects.filter(order__status="awaiting_payment").update(
        next_reminder_at=timezone.now()
    )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.filter(name=TASK_NAME).update(interval=schedule)


def back_to_every_15_minutes(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.filter(name=TASK_NAME).update(interval=schedule)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(fill, back_to_every_15_minutes)]
