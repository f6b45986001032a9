"""The periodic receipt sweep, kept in the database (django-celery-beat) and editable in the
admin. The sweep is idempotent, so running it often only makes notices more punctual."""

from django.db import migrations

TASK_NAME = "shipments: receipt sweep"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "shipments.tasks.receipts_sweep",
            "interval": schedule,
            "enabled": True,
            "description": "Announces and records the deemed receipt of unconfirmed shipments.",
        },
    )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0001_shipments_receipts_documents"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
