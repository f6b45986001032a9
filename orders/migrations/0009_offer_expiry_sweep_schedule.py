"""The periodic offer expiry sweep, kept in the database (django-celery-beat) and editable in
the admin. The sweep claims each notice and expiry once, so running it often only makes them
more punctual."""

from django.db import migrations

TASK_NAME = "orders: offer expiry sweep"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "orders.tasks.offers_sweep",
            "interval": schedule,
            "enabled": True,
            "description": "Tells the parties a day before a confirmation expires, and when "
            "it expired.",
        },
    )


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_offer_validity"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
