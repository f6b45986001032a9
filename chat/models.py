from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import PrivateUploadTo, private_storage
from inquiries.models import Negotiation

BODY_MAX_LENGTH = 5000


class Conversation(models.Model):
    """The chat of one negotiation; its row is the lock that orders the messages.

    Every write locks this row first, so within a negotiation messages commit in the order of
    their ids, ``seq`` counts 1, 2, 3 ... without holes, and an ``after_id`` cursor never skips
    a message that commits late.
    """

    negotiation = models.OneToOneField(
        Negotiation, on_delete=models.CASCADE, primary_key=True, related_name="conversation"
    )
    last_seq = models.PositiveIntegerField(default=0)
    # What each side has been shown so far: messages private to one side (the seller's draft)
    # do not count for the other, so that both sides see their own gapless numbering.
    last_buyer_seq = models.PositiveIntegerField(default=0)
    last_seller_seq = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Chat of negotiation #{self.negotiation_id}"


# Named for migration 0001, which refers to it; the naming rule lives in common.files.
attachment_path = PrivateUploadTo("chat/{negotiation_id}", "attachment_type", "attachment_name")


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        SYSTEM = "system", _("System")
        ATTACHMENT = "attachment", _("Attachment")

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="messages")
    # Numbers per conversation without holes: ``seq`` counts every message (staff see them
    # all); ``buyer_seq``/``seller_seq`` count what that side sees (null when hidden from it).
    seq = models.PositiveIntegerField(editable=False)
    buyer_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    seller_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # "" when both sides see the message; a side's name when only that side (and staff) do.
    audience = models.CharField(max_length=6, blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chat_messages",
    )
    # The sender's side when the message was written ("" for system messages); unread counts
    # and read receipts compare sides, which stay right if the sender later changes company.
    side = models.CharField(max_length=6, blank=True)
    body = models.TextField(_("message"), max_length=BODY_MAX_LENGTH, blank=True)
    # System messages: the kind of event and its data, rendered in each reader's language
    # (chat.system_messages); ``body`` then holds the English sentence, the fallback.
    system_kind = models.CharField(max_length=40, blank=True, default="")
    system_data = models.JSONField(default=dict, blank=True)
    client_id = models.CharField(max_length=64, blank=True)
    attachment = models.FileField(
        upload_to=attachment_path, storage=private_storage, blank=True, max_length=300
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    order_version = models.PositiveIntegerField(null=True, blank=True)
    order_event = models.OneToOneField(
        "orders.OrderEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_message",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["negotiation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "sender", "client_id"],
                condition=Q(sender__isnull=False) & ~Q(client_id=""),
                name="chat_message_client_id_once",
            ),
            models.UniqueConstraint(fields=["negotiation", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["negotiation", "buyer_seq"], name="chat_message_buyer_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["negotiation", "seller_seq"], name="chat_message_seller_seq_unique"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["", "buyer", "seller"]), name="chat_message_audience"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["text", "system", "attachment"]), name="chat_message_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind="system", sender__isnull=True)
                | (~Q(kind="system") & Q(sender__isnull=False)),
                name="chat_message_system_has_no_sender",
            ),
        ]
        # The digest sweep looks at the messages of the last day or so.
        indexes = [models.Index(fields=["created_at"], name="chat_message_created")]

    def __str__(self):
        return f"#{self.negotiation_id}/{self.seq} {self.body[:40]}"


class ReadMarker(models.Model):
    """How far a user has read a conversation (the id of the last message seen)."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6)
    last_read_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "user"], name="chat_read_marker_once")
        ]
        indexes = [models.Index(fields=["negotiation", "side", "last_read_id"])]

    def __str__(self):
        return f"{self.user_id} read #{self.negotiation_id} up to {self.last_read_id}"


class Presence(models.Model):
    """One open chat socket; rows whose heartbeat is older than the timeout count as gone."""

    channel_name = models.CharField(max_length=200, unique=True)
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6)
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["negotiation", "side", "seen_at"])]

    def __str__(self):
        return f"{self.user_id} on #{self.negotiation_id}"


class ChatDigest(models.Model):
    """One e-mail digest of unread messages sent to one user for one conversation.

    The row is the claim: a batch is named by its first message, and the unique constraint lets
    only one sweep (or one delivery of the sweep task) send it. The next batch of the user in
    this conversation starts after ``last_message_id``.
    """

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_message_id = models.PositiveBigIntegerField()
    last_message_id = models.PositiveBigIntegerField()
    message_count = models.PositiveIntegerField()
    # The sweep run that inserted the row: after an INSERT ... ON CONFLICT DO NOTHING, the rows
    # carrying this run's token are the batches this run won.
    run = models.UUIDField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat digest")
        verbose_name_plural = _("chat digests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "negotiation", "first_message_id"], name="chat_digest_once"
            )
        ]
        indexes = [models.Index(fields=["run"], name="chat_digest_run")]

    def __str__(self):
        return f"Digest to {self.user_id} of #{self.negotiation_id} up to {self.last_message_id}"


QUICK_REPLY_TITLE_MAX_LENGTH = 80


class QuickReply(models.Model):
    """A seller company's saved snippet, inserted into the chat composer with one click."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="quick_replies"
    )
    title = models.CharField(_("title"), max_length=QUICK_REPLY_TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quick reply")
        verbose_name_plural = _("quick replies")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "title"], name="quick_reply_title_unique")
        ]

    def __str__(self):
        return self.title
