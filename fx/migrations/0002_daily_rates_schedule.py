"""The daily fetch of the ECB reference rates, kept in the database (django-celery-beat) and
editable in the admin. The task does nothing unless FX_ECB_FEED_URL is set. The ECB publishes
around 16:00 CET on working days."""

from django.db import migrations

TASK_NAME = "fx: daily ECB reference rates"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="16", day_of_week="1-5", day_of_month="*", month_of_year="*",
        timezone="Europe/Berlin",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "fx.tasks.rates_fetch_daily",
            "crontab": schedule,
            "enabled": True,
            "description": "Imports the ECB's daily reference rates when FX_ECB_FEED_URL is set.",
        },
    )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fx", "0001_rates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
