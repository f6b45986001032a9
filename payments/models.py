from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    # The events a balance may fall due after (orders.signals.goods_shipped / goods_received):
    # the first shipment's ship date, and the day everything ordered was received.
    shipped_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)

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


class InstalmentKind(models.TextChoices):
    INITIAL = "initial", _("Initial payment")
    BALANCE = "balance", _("Balance")


class InstalmentState(models.TextChoices):
    PENDING = "pending", _("Pending")  # its event has not happened: no due date yet
    DUE = "due", _("Due")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class Instalment(models.Model):
    """One part of an order's payment schedule, computed from the agreed terms by
    payments.services (never edited by hand): the initial payment and the balance.

    ``paid_amount`` is the received money allotted to it, earliest instalment first;
    ``due_at`` is set when its event happens (agreement, shipment, delivery).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="instalments")
    kind = models.CharField(_("instalment"), max_length=10, choices=InstalmentKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # The balance's event (orders.models.BalanceDue), or "agreement" for the initial payment.
    due_event = models.CharField(max_length=20)
    due_days = models.PositiveIntegerField(default=0)
    before_shipment = models.BooleanField(default=True)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    due_from = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid"), max_digits=18, decimal_places=4, default=Decimal(0)
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=InstalmentState.choices,
        default=InstalmentState.PENDING,
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="instalment_order_kind_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="instalment_amount_valid"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="instalment_paid_amount_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=InstalmentState.values), name="instalment_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.order} {self.kind}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def is_paid(self) -> bool:
        return self.state == InstalmentState.PAID


class RefundState(models.TextChoices):
    OWED = "owed", _("Owed")
    REFUNDED = "refunded", _("Refunded")


class RefundReason(models.TextChoices):
    CANCELLED = "cancelled", _("Order cancelled for non-payment after money was received")
    AMENDED = "amended", _("Amendment reduced the total below the amount paid")


class Refund(models.Model):
    """Money the seller owes the buyer back; marked refunded by the seller or staff."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(
        _("state"), max_length=10, choices=RefundState.choices, default=RefundState.OWED
    )
    reason = models.CharField(_("reason"), max_length=10, choices=RefundReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(state__in=RefundState.values), name="refund_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.order} refund {self.amount} {self.currency} {self.state}"


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
    AFTER_AGREEMENT = "after_agreement", _("One day after it became payable")
    BEFORE_DEADLINE = "before_deadline", _("Three days before the deadline")
    DEADLINE = "deadline", _("On the deadline day")


class Reminder(models.Model):
    """A planned or manual payment reminder, recorded before it is sent.

    The unique (order, kind, due_on) key stops two sweeps from planning it twice; the
    conditional UPDATE of ``claimed_at`` stops two deliveries of the task from sending it twice.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reminders")
    # The instalment it asks for (null for reminders sent before instalments existed).
    instalment = models.ForeignKey(
        Instalment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
