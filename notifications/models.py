from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class Kind(models.TextChoices):
    NEW_INQUIRY = "new_inquiry", _("New inquiry")
    ORDER_CONFIRMED = "order_confirmed", _("Order confirmed by the other side")
    ORDER_MODIFIED = "order_modified", _("Order modified by the other side")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    PAYMENT_REMINDER = "payment_reminder", _("Payment reminder")
    PAYMENT_SUBMITTED = "payment_submitted", _("Payment submitted")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    PAYMENT_REJECTED = "payment_rejected", _("Payment rejected")
    ORDER_OVERDUE = "order_overdue", _("Order overdue")
    BANK_DETAILS_CHANGED = "bank_details_changed", _("Seller's bank details changed")
    RFQ_QUOTATION_OUTCOME = "rfq_quotation_outcome", _("What the buyer did with your quotation")
    SHIPMENT_SENT = "shipment_sent", _("Shipment sent")
    SHIPMENT_RECEIVED = "shipment_received", _("Shipment received")
    SHIPMENT_RECEIPT_NOTICE = "shipment_receipt_notice", _("Shipment about to be deemed received")
    OFFER_EXPIRING = "offer_expiring", _("A confirmation waiting for you is about to expire")
    OFFER_EXPIRED = "offer_expired", _("A confirmation expired")
    OFFER_EXTENSION = "offer_extension", _("Extension of a confirmation requested or granted")
    CHAT_DIGEST = "chat_digest", _("Unread chat messages while you were away")
    RFQ_NEW = "rfq_new", _("New request for quotation in your categories")
    RFQ_QUOTATION_RECEIVED = "rfq_quotation_received", _("New or revised quotation on your RFQ")


class EmailState(models.TextChoices):
    NONE = "", _("No e-mail")
    PENDING = "pending", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Given up")


class Notification(models.Model):
    """One message in a user's notification centre; e-mailed once unless switched off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The e-mail: templates/emails/<email_template>.{subject.txt,txt,html} with email_context.
    email_template = models.CharField(max_length=50, default="notification")
    email_context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail outbox: pending (queued) -> sending (claimed by a worker) -> sent, or back to
    # pending when a send failed or a lease expired. The lease is when the e-mail sweep may
    # queue it again: a pending e-mail whose task was lost, a sending one whose worker died.
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE, blank=True
    )
    email_lease_until = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["email_lease_until"],
                condition=Q(email_state__in=["pending", "sending"]),
                name="notification_email_lease",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.kind}"


class NotificationPreference(models.Model):
    """A user's choice to receive a kind by e-mail; no row means yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self):
        return f"{self.user} {self.kind} email={self.email}"
