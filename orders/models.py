import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Company, Side
from catalog.models import Product, Unit
from common.files import PrivateUploadTo, private_storage
from common.validators import validate_currency
from fx.models import Source as RateSource
from inquiries.models import Negotiation


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELLER_CONFIRMED = "seller_confirmed", _("Confirmed by seller")
    BUYER_CONFIRMED = "buyer_confirmed", _("Confirmed by buyer")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    READY_TO_SHIP = "ready_to_ship", _("Ready to ship")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Incoterm(models.TextChoices):
    """The eleven Incoterms 2020 rules."""

    EXW = "EXW", "EXW – Ex Works"
    FCA = "FCA", "FCA – Free Carrier"
    CPT = "CPT", "CPT – Carriage Paid To"
    CIP = "CIP", "CIP – Carriage and Insurance Paid To"
    DAP = "DAP", "DAP – Delivered at Place"
    DPU = "DPU", "DPU – Delivered at Place Unloaded"
    DDP = "DDP", "DDP – Delivered Duty Paid"
    FAS = "FAS", "FAS – Free Alongside Ship"
    FOB = "FOB", "FOB – Free on Board"
    CFR = "CFR", "CFR – Cost and Freight"
    CIF = "CIF", "CIF – Cost, Insurance and Freight"


class ShippingMethod(models.TextChoices):
    SEA = "sea", _("Sea freight")
    AIR = "air", _("Air freight")
    EXPRESS = "express", _("Express")
    RAIL = "rail", _("Rail")
    ROAD = "road", _("Road")


class PaymentMethod(models.TextChoices):
    TT = "tt", _("T/T (bank transfer)")
    LC = "lc", _("L/C (letter of credit)")
    CARD = "card", _("Card")
    OTHER = "other", _("Other")


class BalanceDue(models.TextChoices):
    BEFORE_SHIPMENT = "before_shipment", _("before shipment")
    AFTER_SHIPMENT = "after_shipment", _("after shipment")
    AFTER_DELIVERY = "after_delivery", _("after delivery")

    @classmethod
    def counted_from_event(cls) -> tuple[str, ...]:
        """The choices whose balance falls due N days (``balance_due_days``) after an event."""
        return (cls.AFTER_SHIPMENT, cls.AFTER_DELIVERY)


# What the business allows: a year to pay, two years to deliver.
MAX_PAYMENT_DEADLINE_DAYS = 365
MAX_LEAD_DAYS = 730
# The party whose turn it is hears this long before an offer expires.
OFFER_NOTICE = datetime.timedelta(days=1)


class Order(models.Model):
    """A letter of intent and, once both sides confirm, the order.

    ``version`` is bumped by every write; each write is a conditional UPDATE on the expected
    status and version (see orders/services.py), so no change is ever based on unseen terms.
    """

    CONFIRMED_BY_BOTH_STATES = (
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.READY_TO_SHIP,
        OrderStatus.PARTLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    )
    OPEN_STATES = (OrderStatus.DRAFT, OrderStatus.SELLER_CONFIRMED, OrderStatus.BUYER_CONFIRMED)
    # One side confirmed and waits for the other: an offer, valid until ``valid_until``.
    OFFER_STATES = (OrderStatus.SELLER_CONFIRMED, OrderStatus.BUYER_CONFIRMED)

    negotiation = models.OneToOneField(Negotiation, on_delete=models.PROTECT, related_name="order")
    status = models.CharField(
        _("state"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    # The number people see: how many different terms were sent to the other side (0 while
    # the seller's draft was never sent). ``version`` counts every write, for the conditional
    # updates; payments and draft saves bump it but not this one.
    terms_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Shipping
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    shipping_method = models.CharField(
        _("shipping method"), max_length=10, choices=ShippingMethod.choices, blank=True
    )
    origin_country = CountryField(_("origin country"), blank=True)
    origin_port = models.CharField(_("origin port or city"), max_length=200, blank=True)
    destination_country = CountryField(_("destination country"), blank=True)
    destination_address = models.CharField(
        _("destination port or address"), max_length=500, blank=True
    )
    shipping_fee = models.DecimalField(
        _("shipping fee"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    packaging = models.CharField(_("packaging"), max_length=500, blank=True)
    delivery_lead_days = models.PositiveIntegerField(
        _("delivery (days after payment)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_LEAD_DAYS)],
    )
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)

    # Payment
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    initial_payment_percent = models.PositiveSmallIntegerField(
        _("initial payment (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    balance_due = models.CharField(
        _("balance due"), max_length=20, choices=BalanceDue.choices, blank=True
    )
    # With the balance due after shipment or after delivery: how many days after that event.
    balance_due_days = models.PositiveIntegerField(
        _("days until the balance is due (after the event)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PAYMENT_DEADLINE_DAYS)],
    )
    payment_deadline_days = models.PositiveIntegerField(
        _("payment deadline (days after both confirm)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PAYMENT_DEADLINE_DAYS)],
    )

    # Contacts
    buyer_contact_name = models.CharField(_("buyer contact name"), max_length=200, blank=True)
    buyer_contact_email = models.EmailField(_("buyer contact e-mail"), blank=True)
    buyer_contact_phone = models.CharField(_("buyer contact phone"), max_length=40, blank=True)
    seller_contact_name = models.CharField(_("seller contact name"), max_length=200, blank=True)
    seller_contact_email = models.EmailField(_("seller contact e-mail"), blank=True)
    seller_contact_phone = models.CharField(_("seller contact phone"), max_length=40, blank=True)

    # The seal of the agreed terms, written when both sides have confirmed.
    agreed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    agreed_digest = models.CharField(max_length=64, blank=True, editable=False)
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    payment_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    initial_paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(max_length=1000, blank=True, editable=False)
    # How many attachments are part of the terms now (issue 14 point 3), kept by
    # orders.attachments in the order's conditional UPDATE: orders without any never query them.
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)

    # Issue 14 point 2: the current unilateral confirmation may be confirmed as is until
    # ``valid_until`` (None outside seller_confirmed / buyer_confirmed). The sweep claims the
    # notice a day before and the expiry once each; the other side may ask for an extension
    # once per confirmation. A new confirmation (or an extension) clears all three.
    valid_until = models.DateTimeField(_("confirmation valid until"), null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    extension_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(shipping_fee__isnull=True) | Q(shipping_fee__gte=0),
                name="order_shipping_fee_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(initial_payment_percent__isnull=True)
                | Q(initial_payment_percent__lte=100),
                name="order_initial_payment_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=(
                        "awaiting_payment",
                        "ready_to_ship",
                        "partly_shipped",
                        "shipped",
                        "delivered",
                        "completed",
                    )
                )
                | ~Q(agreed_digest=""),
                name="order_agreed_is_sealed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            # The expiry sweep reads only open confirmations, by date.
            models.Index(
                fields=["valid_until"],
                condition=Q(status__in=("seller_confirmed", "buyer_confirmed")),
                name="order_open_offer_valid_until",
            ),
        ]

    def __str__(self):
        return self.number

    def offer_expired(self, now: datetime.datetime | None = None) -> bool:
        """The current unilateral confirmation is past its validity: the other side can no
        longer confirm it as is (orders.services refuses it)."""
        return (
            self.status in self.OFFER_STATES
            and self.valid_until is not None
            and self.valid_until <= (now or timezone.now())
        )

    def offer_expires_soon(self, now: datetime.datetime | None = None) -> bool:
        """Within the last OFFER_NOTICE before expiry (when the sweep tells the other side)."""
        now = now or timezone.now()
        return (
            self.status in self.OFFER_STATES
            and self.valid_until is not None
            and now < self.valid_until <= now + OFFER_NOTICE
        )

    @property
    def number(self) -> str:
        return f"LOI-{self.pk:06d}" if self.pk else "LOI-new"

    @property
    def waiting_for(self) -> str | None:
        """The side that must act next, or None when nobody has to."""
        return {
            OrderStatus.DRAFT: Side.SELLER,
            OrderStatus.SELLER_CONFIRMED: Side.BUYER,
            OrderStatus.BUYER_CONFIRMED: Side.SELLER,
            OrderStatus.AWAITING_PAYMENT: Side.BUYER,
        }.get(self.status)

    def current_attachments(self) -> list["OrderAttachment"]:
        """The attachments that are part of the terms now, oldest first (no query without any;
        one, or none when prefetched, with some)."""
        if not self.attachment_count:
            return []
        prefetch_related_objects([self], "attachments")
        return [a for a in self.attachments.all() if a.removed_at is None]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # A line keeps its key across versions, so that diffs match lines by identity.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("item"), max_length=200, blank=True)
    specification = models.TextField(_("specification"), max_length=2000, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"), _("Quantity must be greater than zero."))],
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.0001"), _("Unit price must be greater than zero."))
        ],
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "key"], name="order_line_key_unique"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="order_line_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gt=0),
                name="order_line_unit_price_positive",
            ),
        ]

    def __str__(self):
        return self.name


class OrderAttachment(models.Model):
    """A document attached to the letter of intent (specification sheet, artwork, proforma
    invoice): part of the terms, by name and SHA-256 (orders.terms.canonical).

    Never deleted: a removed attachment keeps its row and file (``removed_at``), because the
    revisions and seals that named it still do.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        upload_to=PrivateUploadTo("orders/{order_id}", "content_type", "name"),
        storage=private_storage,
        max_length=300,
    )
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_side = models.CharField(max_length=6, choices=Side.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # The order version the upload made; the version its removal made, if removed.
    added_version = models.PositiveIntegerField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at", "pk"]
        constraints = [
            # The same content is attached at most once at a time.
            models.UniqueConstraint(
                fields=["order", "sha256"],
                condition=Q(removed_at__isnull=True),
                name="order_attachment_current_unique",
            )
        ]

    def __str__(self):
        return f"{self.order} {self.name}"

    def as_terms(self) -> dict:
        """The attachment as the terms name it (orders.terms.ATTACHMENT_FIELDS)."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
        }


class Revision(models.Model):
    """An immutable snapshot of the complete terms as one side confirmed them."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    # The order's terms_version these terms were sent as (a confirmation without changes
    # keeps the number of the terms it confirms).
    terms_version = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_side = models.CharField(max_length=6, choices=Side.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    terms = models.JSONField()
    digest = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    # Until when the other side could confirm these terms as is (None: the agreement itself).
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="revision_version_unique")
        ]

    def __str__(self):
        return f"{self.order} v{self.version}"


class OrderEvent(models.Model):
    class Type(models.TextChoices):
        CREATED = "created", _("Letter of intent drafted")
        STARTED = "started", _("Order started by the buyer")
        DRAFT_SAVED = "draft_saved", _("Draft saved")
        CONFIRMED = "confirmed", _("Confirmed")
        MODIFIED = "modified", _("Modified and confirmed")
        AGREED = "agreed", _("Both parties confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
        PAID = "paid", _("Paid in full")
        OVERDUE = "overdue", _("Payment overdue")
        READY_TO_SHIP = "ready_to_ship", _("Paid what is due before shipment")
        SHIPPED = "shipped", _("Shipment sent")
        RECEIVED = "received", _("Shipment received")
        DELIVERED = "delivered", _("Everything received")
        COMPLETED = "completed", _("Completed")
        AMENDMENT_PROPOSED = "amendment_proposed", _("Amendment proposed")
        AMENDMENT_ACCEPTED = "amendment_accepted", _("Amendment accepted")
        AMENDMENT_REJECTED = "amendment_rejected", _("Amendment rejected")
        AMENDMENT_WITHDRAWN = "amendment_withdrawn", _("Amendment withdrawn")
        REFUND_OWED = "refund_owed", _("Refund owed")
        EXPIRED = "offer_expired", _("Confirmation expired")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENDED = "offer_extended", _("Confirmation extended")
        # Issue 14 point 1: offers made in the chat (orders/offers.py).
        OFFER_MADE = "offer_made", _("Offer made")
        OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
        OFFER_DECLINED = "offer_declined", _("Offer declined")
        OFFER_WITHDRAWN = "offer_withdrawn", _("Offer withdrawn")
        OFFER_STALE = "offer_stale", _("Offer out of date")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_side = models.CharField(max_length=6, choices=Side.choices, blank=True)
    version = models.PositiveIntegerField()
    terms_version = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self):
        return f"{self.order} {self.type} v{self.version}"


class Amendment(models.Model):
    """A change of the agreed terms proposed by one side; the other side accepts or rejects it.

    ``terms`` are the complete proposed terms in the canonical form revisions store. Accepted,
    they become the order's new sealed version (``agreed_version``, ``digest``); the seal they
    replace stays in ``previous_agreed_version`` / ``previous_digest`` (its revision still
    hashes to it). An amendment never changes once decided; a changed proposal is a new row.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # Still open when the order was cancelled or completed: nobody may answer it any more.
        LAPSED = "lapsed", _("Lapsed")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    # The order version the proposer saw, and the one the proposal itself made (what an
    # answer must have seen).
    based_on_version = models.PositiveIntegerField()
    proposed_version = models.PositiveIntegerField()
    terms = models.JSONField()
    digest = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=1000)
    # orders.terms.diff of the agreed terms against the proposed ones.
    diff = models.JSONField(default=list)
    total = models.DecimalField(max_digits=18, decimal_places=4)
    previous_total = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    previous_agreed_version = models.PositiveIntegerField(null=True, blank=True)
    previous_digest = models.CharField(max_length=64, blank=True)
    agreed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state="open"),
                name="amendment_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=Q(state__in=("open", "accepted", "rejected", "withdrawn", "lapsed")),
                name="amendment_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(agreed_version__isnull=False),
                name="amendment_accepted_is_sealed",
            ),
        ]

    def __str__(self):
        return f"{self.order} amendment {self.pk} ({self.state})"


class AgreedRate(models.Model):
    """The rate between the order's currency and one party's company currency, copied (not
    referenced) when a version of the order was sealed (both confirmed, or an amendment
    accepted): later rates never change what was shown as agreed. ``rate``
    is empty when no rate was known then; a party whose currency is the order's has no row."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="agreed_rates")
    agreed_version = models.PositiveIntegerField()
    side = models.CharField(max_length=6)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    order_currency = models.CharField(max_length=3)
    currency = models.CharField(max_length=3)
    # One unit of order_currency in currency; the order total converted and rounded with it.
    rate = models.DecimalField(max_digits=24, decimal_places=10, null=True)
    rate_date = models.DateField(null=True)
    # The sources of the rate (a cross rate has two), joined by "+".
    source = models.CharField(max_length=40, blank=True)
    total = models.DecimalField(max_digits=18, decimal_places=4)
    total_converted = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("agreed exchange rate")
        verbose_name_plural = _("agreed exchange rates")
        ordering = ["order", "agreed_version", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "agreed_version", "side"], name="fx_agreed_rate_once_per_seal"
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True, rate_date__isnull=True, total_converted__isnull=True)
                | Q(rate__gt=0, rate_date__isnull=False, total_converted__isnull=False),
                name="fx_agreed_rate_complete",
            ),
        ]

    def __str__(self):
        return f"{self.order_id} v{self.agreed_version} {self.side}: {self.currency}"

    @property
    def source_labels(self) -> str:
        labels = dict(RateSource.choices)
        return "; ".join(str(labels.get(s, s)) for s in self.source.split("+") if s)


class Offer(models.Model):
    """Some of the terms one side offers in the chat, against the order version it saw.

    ``values`` is the subset offered, in the shape ``order_modify`` takes (module fields by
    name; ``lines`` as ``{"key", "quantity"?, "unit_price"?}`` of existing lines). Accepted by
    the other side, it becomes that side's modification based on ``base_version``; refused as
    stale if the order has moved since. At most one open offer per side and order: a new one
    supersedes it. An offer never changes once decided.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Superseded")
        STALE = "stale", _("Out of date")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="offers")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    # The order version the proposer saw (what an accept must still find), and the version
    # number people see of those terms.
    base_version = models.PositiveIntegerField()
    base_terms_version = models.PositiveIntegerField(default=0)
    values = models.JSONField()
    # orders.terms.diff of the base terms against the offered ones.
    diff = models.JSONField(default=list)
    currency = models.CharField(max_length=3, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_note = models.CharField(_("note"), max_length=1000, blank=True)
    # The order version the accept made (the acceptor's confirmation).
    accepted_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "side"],
                condition=Q(state="open"),
                name="offer_one_open_per_side",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=("open", "accepted", "declined", "withdrawn", "superseded", "stale")
                ),
                name="offer_state_valid",
            ),
        ]

    def __str__(self):
        return f"{self.order} offer {self.pk} ({self.state})"
