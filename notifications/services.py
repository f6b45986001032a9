"""Writes to the notification centre, and the e-mail that goes out for each notification."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from common.errors import NotFound, ValidationFailed
from common.realtime import group_send
from notifications.models import Kind, Notification, NotificationPreference


def notifications_group(user_id: int) -> str:
    """The channel-layer group of a user's notifications sockets (notifications.consumers)."""
    return f"notifications-{user_id}"


def _push_on_commit(user_ids) -> None:
    """Once the change is committed, every open page of these users reloads its bell."""
    user_ids = sorted(set(user_ids))

    def push():
        for user_id in user_ids:
            group_send(notifications_group(user_id), {"type": "notifications.changed"})

    transaction.on_commit(push)


@dataclass(frozen=True)
class Message:
    """A notification for every active member of a company."""

    company_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    order_id: int | None = None
    email_template: str = "notification"
    email_context: dict = field(default_factory=dict)
    exclude_user_id: int | None = None


@transaction.atomic
def notifications_send(*, messages: list[Message]) -> list[Notification]:
    """Bulk-creates the notifications; e-mails are queued after commit, one task each, for the
    members who did not switch that kind off. Three queries however many members and messages.
    """
    if not messages:
        return []
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(
        company_id__in={m.company_id for m in messages}, is_active=True
    ).only("pk", "company_id", "email"):
        members.setdefault(user.company_id, []).append(user)
    notifications = [
        Notification(
            user=user,
            kind=message.kind,
            title=message.title[:200],
            body=message.body,
            url=message.url,
            order_id=message.order_id,
            email_template=message.email_template,
            email_context=message.email_context,
        )
        for message in messages
        for user in members.get(message.company_id, [])
        if user.pk != message.exclude_user_id
    ]
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications)
    _push_on_commit(n.user_id for n in notifications)
    switched_off = set(
        NotificationPreference.objects.filter(
            user_id__in={n.user_id for n in notifications}, email=False
        ).values_list("user_id", "kind")
    )
    to_email = [
        n.pk for n in notifications if n.user.email and (n.user_id, n.kind) not in switched_off
    ]
    if to_email:
        from notifications.tasks import notification_email_send

        def enqueue():
            for pk in to_email:
                notification_email_send.delay(pk)

        transaction.on_commit(enqueue)
    return notifications


def notification_email_deliver(*, notification_id: int) -> bool:
    """Sends the notification's e-mail once: the row is claimed before sending, so a task that
    is delivered twice sends nothing the second time. A failed send releases the claim so that
    the retry can send it; a worker that dies after sending never sends it again.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        _email(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


def _email(notification: Notification) -> EmailMultiAlternatives:
    context = {
        **notification.email_context,
        "notification": notification,
        "user": notification.user,
        "site_url": settings.SITE_URL.rstrip("/"),
        "link": _absolute(notification.url),
    }
    name = f"emails/{notification.email_template}"
    subject = " ".join(render_to_string(f"{name}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{name}.txt", context),
        to=[notification.user.email],
    )
    message.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    return message


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Marks one of the actor's notifications read (the first time counts)."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        ):
            _push_on_commit([actor.pk])  # the user's other open pages
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, actor) -> int:
    marked = Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _push_on_commit([actor.pk])
    return marked


@transaction.atomic
def notification_preferences_set(*, actor, email_kinds: list[str]) -> None:
    """E-mail goes out for exactly the kinds listed; the others are switched off."""
    unknown = sorted(set(email_kinds) - set(Kind.values))
    if unknown:
        raise ValidationFailed({"email_kinds": [f"Unknown kind: {', '.join(unknown)}."]})
    NotificationPreference.objects.filter(user=actor).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=actor, kind=kind, email=False)
        for kind in Kind.values
        if kind not in email_kinds
    )
