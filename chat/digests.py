"""The unread-message e-mail digest: who is away from a conversation gets one e-mail per batch.

What the words mean here (docs/chat.md#e-mail-digests):

- A message counts when a member of the other side wrote it (text or attachment) and both
  sides see it. System messages are order events, which have their own notifications.
- Unread, for one user: its id is above the user's read marker (``ReadMarker.last_read_id``)
  and above the last message of the user's previous digest of that conversation. Read markers
  are per user: a colleague reading the conversation does not read it for you.
- Away (offline): the user has no chat socket open on the conversation (a ``Presence`` row
  with a recent heartbeat) and made no request on the site (``User.last_active_at``) within
  CHAT_DIGEST_DELAY_SECONDS. Someone who is around sees the unread badges; once they leave
  without reading, a later sweep mails the batch.
- A batch: the user's unread messages of one conversation. It is due when its first message is
  CHAT_DIGEST_DELAY_SECONDS old; the e-mail holds every unread message up to the sweep, so a
  conversation that goes on while the user is away makes one e-mail per delay, not one per
  message. Messages older than CHAT_DIGEST_MAX_AGE_HOURS are left to the inbox.

Exactly once: each batch is claimed by a ``ChatDigest`` row named by (user, conversation, first
message), inserted with ON CONFLICT DO NOTHING; the e-mail (a notification of kind
``chat_digest`` in the outbox) is created in the same transaction. A second delivery of the
sweep finds the batch digested; a concurrent one loses the insert and sends nothing.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Side, User
from chat.models import ChatDigest, Message, Presence, ReadMarker
from chat.selectors import other_side, presence_cutoff
from inquiries.models import Negotiation
from notifications.models import Kind, NotificationPreference
from notifications.services import Message as Notice
from notifications.services import notifications_send

# Messages quoted in one e-mail (the newest ones); the rest are counted.
SHOWN_MESSAGES = 10
EXCERPT_CHARS = 500


@dataclass
class _Batch:
    negotiation_id: int
    user_id: int
    message_ids: list[int]


def _due_batches(*, now: datetime.datetime) -> tuple[list[_Batch], dict[int, Negotiation]]:
    """The batches due now, in a constant number of queries (six)."""
    cutoff = now - datetime.timedelta(seconds=settings.CHAT_DIGEST_DELAY_SECONDS)
    horizon = now - datetime.timedelta(hours=settings.CHAT_DIGEST_MAX_AGE_HOURS)
    # Ids, sides and times only: the bodies are loaded for the batches that are sent.
    rows = list(
        Message.objects.filter(
            kind__in=[Message.Kind.TEXT, Message.Kind.ATTACHMENT],
            audience="",
            created_at__gt=horizon,
        )
        .order_by("pk")
        .values_list("pk", "negotiation_id", "side", "created_at")
    )
    by_negotiation: dict[int, list[tuple]] = {}
    for row in rows:
        by_negotiation.setdefault(row[1], []).append(row)
    # Only conversations whose oldest counted message has waited long enough.
    waiting = {n: msgs for n, msgs in by_negotiation.items() if msgs[0][3] <= cutoff}
    if not waiting:
        return [], {}
    negotiations = Negotiation.objects.select_related("buyer_company", "seller_company").in_bulk(
        list(waiting)
    )
    company_sides = {}
    for negotiation in negotiations.values():
        company_sides[negotiation.buyer_company_id] = Side.BUYER
        company_sides[negotiation.seller_company_id] = Side.SELLER
    opted_out = NotificationPreference.objects.filter(kind=Kind.CHAT_DIGEST, email=False)
    users = list(
        User.objects.filter(company_id__in=list(company_sides), is_active=True)
        .exclude(email="")
        .filter(Q(last_active_at__isnull=True) | Q(last_active_at__lt=cutoff))
        .exclude(pk__in=opted_out.values("user_id"))
        .values_list("pk", "company_id")
    )
    user_ids = [pk for pk, _company in users]
    negotiation_ids = list(negotiations)
    read = {
        (n, u): last
        for n, u, last in ReadMarker.objects.filter(
            negotiation_id__in=negotiation_ids, user_id__in=user_ids
        ).values_list("negotiation_id", "user_id", "last_read_id")
    }
    digested = {
        (row["negotiation_id"], row["user_id"]): row["last"]
        for row in ChatDigest.objects.filter(
            negotiation_id__in=negotiation_ids, user_id__in=user_ids
        )
        .values("negotiation_id", "user_id")
        .annotate(last=Max("last_message_id"))
        .order_by()
    }
    present = set(
        Presence.objects.filter(
            negotiation_id__in=negotiation_ids,
            user_id__in=user_ids,
            seen_at__gte=presence_cutoff(),
        ).values_list("negotiation_id", "user_id")
    )
    members: dict[int, list[int]] = {}
    for pk, company_id in users:
        members.setdefault(company_id, []).append(pk)
    batches = []
    for negotiation_id, negotiation in negotiations.items():
        for side, company_id in (
            (Side.BUYER, negotiation.buyer_company_id),
            (Side.SELLER, negotiation.seller_company_id),
        ):
            for user_id in members.get(company_id, []):
                if (negotiation_id, user_id) in present:
                    continue
                seen = max(
                    read.get((negotiation_id, user_id), 0),
                    digested.get((negotiation_id, user_id), 0),
                )
                unread = [
                    row
                    for row in waiting[negotiation_id]
                    if row[0] > seen and row[2] == other_side(side)
                ]
                if unread and unread[0][3] <= cutoff:
                    batches.append(_Batch(negotiation_id, user_id, [row[0] for row in unread]))
    return batches, negotiations


@transaction.atomic
def chat_digests_sweep(*, now: datetime.datetime | None = None) -> dict:
    """The periodic sweep (every minute): claims the due batches and queues one e-mail each.

    A constant number of queries however many conversations, users and messages (about a
    dozen). Returns how many batches were due and how many this run sent.
    """
    now = now or timezone.now()
    batches, negotiations = _due_batches(now=now)
    if not batches:
        return {"due": 0, "sent": 0}
    run = uuid.uuid4()
    ChatDigest.objects.bulk_create(
        [
            ChatDigest(
                negotiation_id=batch.negotiation_id,
                user_id=batch.user_id,
                first_message_id=batch.message_ids[0],
                last_message_id=batch.message_ids[-1],
                message_count=len(batch.message_ids),
                run=run,
            )
            for batch in batches
        ],
        ignore_conflicts=True,
    )
    due = len(batches)
    won = set(ChatDigest.objects.filter(run=run).values_list("negotiation_id", "user_id"))
    batches = [b for b in batches if (b.negotiation_id, b.user_id) in won]
    if not batches:
        return {"due": due, "sent": 0}
    shown_ids = {pk for batch in batches for pk in batch.message_ids[-SHOWN_MESSAGES:]}
    # Each message quoted once, however many members of the side get it.
    quotes = {
        pk: _quote(message)
        for pk, message in Message.objects.select_related("sender").in_bulk(list(shown_ids)).items()
    }
    users = User.objects.only("pk", "company_id").in_bulk([b.user_id for b in batches])
    links = {
        pk: reverse("inquiries:workspace", args=[pk]) + "#pane-chat"
        for pk in {batch.negotiation_id for batch in batches}
    }
    notices = []
    for batch in batches:
        negotiation = negotiations[batch.negotiation_id]
        user = users[batch.user_id]
        counterpart = (
            negotiation.seller_company
            if user.company_id == negotiation.buyer_company_id
            else negotiation.buyer_company
        )
        count = len(batch.message_ids)
        title = ngettext(
            "%(count)d unread message from %(company)s",
            "%(count)d unread messages from %(company)s",
            count,
        ) % {"count": count, "company": counterpart.legal_name}
        quoted = [quotes[pk] for pk in batch.message_ids[-SHOWN_MESSAGES:]]
        notices.append(
            Notice(
                company_id=user.company_id,
                user_id=user.pk,
                kind=Kind.CHAT_DIGEST,
                title=title,
                body=_("Negotiation #%(number)s with %(company)s.")
                % {"number": negotiation.pk, "company": counterpart.legal_name},
                url=links[negotiation.pk],
                email_template="chat_digest",
                email_context={
                    "counterpart": counterpart.legal_name,
                    "negotiation_id": negotiation.pk,
                    "count": count,
                    "more": count - len(quoted),
                    "messages": quoted,
                },
            )
        )
    notifications_send(messages=notices)
    return {"due": due, "sent": len(notices)}


def _quote(message: Message) -> dict:
    at = timezone.localtime(message.created_at)
    return {
        "sender": message.sender.display_name if message.sender else "",
        # ISO-like and with the zone: read the same way in every language (and fast to make).
        "at": f"{at:%Y-%m-%d %H:%M} {at.tzname()}",
        "body": Truncator(message.body).chars(EXCERPT_CHARS),
        "attachment": message.attachment_name,
    }
