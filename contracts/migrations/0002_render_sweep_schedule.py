"""The periodic contract sweep (django-celery-beat, editable in the admin): renders contracts
whose task was lost. Idempotent: a contract is rendered once whatever queues it."""

from django.db import migrations

TASK_NAME = "contracts: render sweep"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "contracts.tasks.contracts_sweep",
            "interval": schedule,
            "enabled": True,
            "description": "Renders the contract PDFs still pending five minutes after the seal.",
        },
    )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_contracts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
