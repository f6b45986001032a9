from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from common.files import PrivateUploadTo, private_storage
from orders.models import Order

BANK_FIELDS = ("beneficiary", "bank_name", "account_number", "swift_bic", "bank_address")


class BankAccount(models.Model):
    """The bank details a seller company is paid to by transfer (T/T)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="bank_account")
    beneficiary = models.CharField(_("beneficiary"), max_length=200)
    bank_name = models.CharField(_("bank name"), max_length=200)
    account_number = models.CharField(_("IBAN or account number"), max_length=64)
    swift_bic = models.CharField(_("SWIFT/BIC"), max_length=11)
    bank_address = models.CharField(_("bank address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"{self.company}: {self.bank_name}"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in BANK_FIELDS}


class BankAccountChange(models.Model):
    """Every change of a company's bank details: who, when, before and after."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(db_index=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.company} {self.changed_at:%Y-%m-%d %H:%M}"


class PaymentPlan(models.Model):
    """Per agreed order: the seller's bank details as they were at agreement, the gate
    that limits manual reminders (moved forward by a conditional UPDATE), and when the reminder
    sweep next has work for the order."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="payment_plan")
    bank_details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_manual_reminder_at = models.DateTimeField(null=True, blank=True)
    # The start of the next day with a scheduled reminder, or the deadline while the order is
    # not marked overdue; None once nothing is left (paid, cancelled, overdue and past the last
    # reminder). While a batch holds the order it is the batch's lease instead: the time after
    # which the sweep takes the order again, because that batch was lost or its worker died.
    next_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="paymentplan_next_reminder",
            )
        ]

    def __str__(self):
        return f"{self.order} payment plan"


class PaymentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    DECLINED = "declined", _("Declined")


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("payment method"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SUBMITTED
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    # One submission per key and order: a double click or a retried request finds the first.
    idempotency_key = models.CharField(max_length=64)
    reference = models.CharField(_("transfer reference"), max_length=100, blank=True)
    slip = models.FileField(
        _("remittance slip"),
        storage=private_storage,
        upload_to=PrivateUploadTo("payments/slips", "slip_content_type", "slip_name"),
        blank=True,
        max_length=200,
    )
    slip_content_type = models.CharField(max_length=50, blank=True)
    slip_name = models.CharField(max_length=200, blank=True)  # the client's file name
    card_last4 = models.CharField(max_length=4, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"], name="payment_idempotency_key_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.amount} {self.currency} {self.status}"


class ReminderKind(models.TextChoices):
    MANUAL = "manual", _("Reminder from the seller")
    AFTER_AGREEMENT = "after_agreement", _("One day after agreement")
    BEFORE_DEADLINE = "before_deadline", _("Three days before the deadline")
    DEADLINE = "deadline", _("On the deadline day")


class Reminder(models.Model):
    """A planned or manual payment reminder, recorded before it is sent.

    The unique (order, kind, due_on) key stops two sweeps from planning it twice; the
    conditional UPDATE of ``claimed_at`` stops two deliveries of the task from sending it twice.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "due_on"], name="reminder_order_kind_due_unique"
            )
        ]

    def __str__(self):
        return f"{self.order} {self.kind} {self.due_on}"
