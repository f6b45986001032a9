"""Requests for quotation: a buyer asks, sellers quote, the buyer awards one quotation.

States and who moves them are in rfq/services.py; reads with the access check in
rfq/selectors.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Company
from catalog.models import Category, Unit
from common.files import PrivateUploadTo, private_storage
from common.validators import validate_currency
from inquiries.models import Negotiation
from orders.models import MAX_LEAD_DAYS, Incoterm


class RFQ(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        AWARDED = "awarded", _("Awarded")
        CLOSED = "closed", _("Closed without award")
        EXPIRED = "expired", _("Expired")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("All sellers of the category")
        INVITED = "invited", _("Chosen sellers only")

    buyer_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="rfqs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rfqs_created"
    )
    product_name = models.CharField(_("product name"), max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="rfqs")
    # As long as an order line's specification: the award copies it there whole.
    requirements = models.TextField(_("detailed requirements"), max_length=2000)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    target_unit_price = models.DecimalField(
        _("target unit price"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    destination_country = CountryField(_("destination country"))
    incoterm = models.CharField(
        _("Incoterm wanted"), max_length=3, choices=Incoterm.choices, blank=True
    )
    required_by = models.DateField(_("required by"))
    quotation_deadline = models.DateTimeField(_("quotation deadline"))
    audience = models.CharField(
        _("visible to"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC
    )
    invited_sellers = models.ManyToManyField(
        Company, blank=True, related_name="rfq_invitations", verbose_name=_("chosen sellers")
    )
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    negotiation = models.OneToOneField(
        Negotiation, on_delete=models.PROTECT, null=True, blank=True, related_name="rfq"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rfq_quantity_positive"),
            models.CheckConstraint(
                condition=Q(target_unit_price__isnull=True) | Q(target_unit_price__gt=0),
                name="rfq_target_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "awarded", "closed", "expired"]),
                name="rfq_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="awarded", negotiation__isnull=False)
                | (~Q(state="awarded") & Q(negotiation__isnull=True)),
                name="rfq_awarded_has_negotiation",
            ),
        ]
        indexes = [models.Index(fields=["state", "quotation_deadline"])]

    def __str__(self):
        return self.product_name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def taking_quotations(self) -> bool:
        return self.is_open and self.quotation_deadline > timezone.now()


class RFQAttachment(models.Model):
    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        storage=private_storage,
        upload_to=PrivateUploadTo("rfq", "content_type", "name"),
        max_length=200,
    )
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Quotation(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        DECLINED = "declined", _("Declined")
        ACCEPTED = "accepted", _("Accepted")
        LOST = "lost", _("Awarded elsewhere")
        CLOSED = "closed", _("RFQ closed without award")
        EXPIRED = "expired", _("Expired")

    # The buyer may still act on these; the seller may revise only a submitted one.
    LIVE_STATES = (State.SUBMITTED, State.SHORTLISTED)

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="quotations")
    seller_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="quotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quotations"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    moq = models.DecimalField(
        _("minimum order quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(0)],
    )
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"), validators=[MaxValueValidator(MAX_LEAD_DAYS)]
    )
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices)
    valid_until = models.DateField(_("valid until"))
    message = models.TextField(_("message"), max_length=2000, blank=True)
    attachment = models.FileField(
        _("attachment"),
        storage=private_storage,
        upload_to=PrivateUploadTo("rfq/quotations", "attachment_type", "attachment_name"),
        blank=True,
        max_length=200,
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=50, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    version = models.PositiveIntegerField(default=1)
    # The number of the seller's latest revision (QuotationRevision): 1 as submitted, then +1 per
    # revise. The version also moves with the buyer's decisions; this counts the seller's terms.
    revision = models.PositiveIntegerField(default=1, editable=False)
    # The state the seller was last told about by e-mail: the claim that keeps the
    # notification task idempotent.
    notified_state = models.CharField(max_length=12, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rfq", "seller_company"], name="quotation_one_per_seller"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gt=0), name="quotation_unit_price_positive"
            ),
            models.CheckConstraint(condition=Q(moq__gt=0), name="quotation_moq_positive"),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "submitted",
                        "shortlisted",
                        "declined",
                        "accepted",
                        "lost",
                        "closed",
                        "expired",
                    ]
                ),
                name="quotation_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"])]

    def __str__(self):
        return f"{self.seller_company} → {self.rfq}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES


# The terms a seller quotes and revises (rfq.services checks them) ...
QUOTATION_FIELDS = (
    "unit_price",
    "currency",
    "moq",
    "lead_time_days",
    "incoterm",
    "valid_until",
    "message",
)
# ... and what a revision keeps of them, in the order a diff lists them.
QUOTATION_TERMS = (*QUOTATION_FIELDS, "attachment_name")


class QuotationRevision(models.Model):
    """An immutable snapshot of a quotation's terms as the seller sent them: number 1 when it was
    submitted, then one per revision (the number is the quotation's version it became)."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # QUOTATION_TERMS as text: decimals as the database stores them, the date in ISO format.
    terms = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quotation revision")
        verbose_name_plural = _("quotation revisions")
        ordering = ["quotation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quotation", "number"], name="quotation_revision_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.quotation_id} revision {self.number}"
