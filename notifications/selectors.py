from django.db.models import QuerySet

from notifications.models import Kind, Notification, NotificationPreference


def notifications_for_user(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_preferences(user) -> list[tuple[str, str, bool]]:
    """(kind, label, e-mail on) for every kind, in the order of the choices."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return [(kind, label, kind not in off) for kind, label in Kind.choices]
