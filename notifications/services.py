"""Writes to the notification centre, and the e-mail that goes out for each notification."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.db import update_returning
from common.errors import NotFound, ValidationFailed
from common.files import private_storage
from common.i18n import in_language_of, resolve, resolve_all
from common.realtime import group_send
from notifications.models import EmailState, Kind, Notification, NotificationPreference


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
    """A notification for every active member of a company, or for one of them (user_id).

    ``title``, ``body`` and the ``email_context`` values may be lazy texts (common.i18n
    ``lazy_format``, ``later``, gettext_lazy): each member's copy is then written in that
    member's language. Plain strings are stored as they are.
    """

    company_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    order_id: int | None = None
    email_template: str = "notification"
    email_context: dict = field(default_factory=dict)
    exclude_user_id: int | None = None
    user_id: int | None = None


@transaction.atomic
def notifications_send(*, messages: list[Message]) -> list[Notification]:
    """Bulk-creates the notifications, those to e-mail already in the outbox (pending, with a
    queue lease) for the members who did not switch that kind off; one task each is queued
    after commit. Three queries however many members and messages.
    """
    if not messages:
        return []
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(
        company_id__in={m.company_id for m in messages}, is_active=True
    ).only("pk", "company_id", "email", "language"):
        members.setdefault(user.company_id, []).append(user)
    recipients = [
        (message, user)
        for message in messages
        for user in members.get(message.company_id, [])
        if user.pk != message.exclude_user_id and message.user_id in (None, user.pk)
    ]
    if not recipients:
        return []
    switched_off = set(
        NotificationPreference.objects.filter(
            user_id__in={user.pk for _, user in recipients}, email=False
        ).values_list("user_id", "kind")
    )
    lease = timezone.now() + datetime.timedelta(seconds=settings.EMAIL_QUEUE_LEASE_SECONDS)
    notifications = []
    for message, user in recipients:
        email = bool(user.email) and (user.pk, message.kind) not in switched_off
        with in_language_of(user):
            title, body = str(resolve(message.title)), str(resolve(message.body))
            email_context = resolve_all(message.email_context)
        notifications.append(
            Notification(
                user=user,
                kind=message.kind,
                title=title[:200],
                body=body,
                url=message.url,
                order_id=message.order_id,
                email_template=message.email_template,
                email_context=email_context,
                email_state=EmailState.PENDING if email else EmailState.NONE,
                email_lease_until=lease if email else None,
            )
        )
    Notification.objects.bulk_create(notifications)
    _push_on_commit(n.user_id for n in notifications)
    _enqueue_emails([n.pk for n in notifications if n.email_state == EmailState.PENDING])
    return notifications


def _enqueue_emails(notification_ids: list[int]) -> None:
    if not notification_ids:
        return
    from notifications.tasks import notification_email_send

    def enqueue():
        for pk in notification_ids:
            notification_email_send.delay(pk)

    transaction.on_commit(enqueue)


def notification_email_deliver(*, notification_id: int) -> bool:
    """Sends the notification's e-mail once: pending -> sending -> sent, each step committed.

    The claim (pending -> sending) carries a lease of EMAIL_SEND_LEASE_SECONDS: a task
    delivered twice finds nothing to claim; a worker that dies holding the claim leaves it to
    expire, and the e-mail sweep queues the e-mail again. The one window for a duplicate: the
    worker dies (or the database is lost) after the mail server accepted the message and
    before 'sent' is recorded; the e-mail is then sent again after the lease. A failed send
    goes back to pending for the task's retry (or the sweep), until EMAIL_MAX_ATTEMPTS.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, email_state=EmailState.PENDING
    ).update(
        email_state=EmailState.SENDING,
        email_lease_until=now + datetime.timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS),
        email_attempts=F("email_attempts") + 1,
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        with in_language_of(notification.user):
            email = _email(notification)
        email.send()
    except Exception:
        given_up = notification.email_attempts >= settings.EMAIL_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id, email_state=EmailState.SENDING).update(
            email_state=EmailState.FAILED if given_up else EmailState.PENDING,
            email_lease_until=None if given_up else _queue_lease(timezone.now()),
        )
        raise
    Notification.objects.filter(pk=notification_id, email_state=EmailState.SENDING).update(
        email_state=EmailState.SENT, email_lease_until=None, emailed_at=timezone.now()
    )
    return True


def _queue_lease(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.EMAIL_QUEUE_LEASE_SECONDS)


@transaction.atomic
def emails_sweep(*, now: datetime.datetime | None = None) -> dict:
    """The outbox sweep (every minute): queues again every e-mail whose lease expired unsent,
    queued but never claimed (its task was lost) or claimed by a worker that died, with a new
    queue lease so the next sweep does not queue it twice; gives up, as failed, those that
    used up EMAIL_MAX_ATTEMPTS. Two statements, however many notifications.
    """
    now = now or timezone.now()
    expired = Notification.objects.filter(
        email_state__in=[EmailState.PENDING, EmailState.SENDING], email_lease_until__lte=now
    )
    failed = expired.filter(email_attempts__gte=settings.EMAIL_MAX_ATTEMPTS).update(
        email_state=EmailState.FAILED, email_lease_until=None
    )
    requeued = sorted(
        update_returning(
            expired.filter(email_attempts__lt=settings.EMAIL_MAX_ATTEMPTS),
            "id",
            email_state=EmailState.PENDING,
            email_lease_until=_queue_lease(now),
        )
    )
    _enqueue_emails(requeued)
    return {"requeued": len(requeued), "failed": failed}


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
    # Private files the e-mail carries (the contract PDF): {path, filename, content_type}.
    for item in notification.email_context.get("attachments", []):
        with private_storage().open(item["path"], "rb") as file:
            message.attach(item["filename"], file.read(), item["content_type"])
    return message


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Marks one of the actor's notifications read (the first time counts)."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is None:
        raise NotFound(_("No such notification."))
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
        raise ValidationFailed(
            {
                "email_kinds": [
                    _("Unknown notification kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}
                ]
            }
        )
    NotificationPreference.objects.filter(user=actor).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=actor, kind=kind, email=False)
        for kind in Kind.values
        if kind not in email_kinds
    )
