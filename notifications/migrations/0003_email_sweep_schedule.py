"""E-mails sent before the outbox existed are marked sent; the outbox sweep runs every minute
(django-celery-beat, editable in the admin)."""

from django.db import migrations

TASK_NAME = "notifications: e-mail sweep"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(emailed_at__isnull=False).update(email_state="sent")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "notifications.tasks.emails_sweep",
            "interval": schedule,
            "enabled": True,
            "description": "Queues again the e-mails whose lease expired unsent.",
        },
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_email_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
