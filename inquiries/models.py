from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Company
from catalog.models import Product, Unit
from common.validators import validate_currency


class Negotiation(models.Model):
    """A business opportunity between one buyer company and one seller company."""

    class Origin(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        START_ORDER = "start_order", _("Start Order")
        RFQ = "rfq", _("Request for quotation")

    buyer_company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="negotiations_as_buyer"
    )
    seller_company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="negotiations_as_seller"
    )
    origin = models.CharField(max_length=12, choices=Origin.choices)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer_company=models.F("seller_company")),
                name="negotiation_two_companies",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.buyer_company} ↔ {self.seller_company}"


class Inquiry(models.Model):
    negotiation = models.OneToOneField(
        Negotiation, on_delete=models.CASCADE, related_name="inquiry"
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="inquiries"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inquiries_sent"
    )
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    target_price = models.DecimalField(
        _("target unit price"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    destination_country = CountryField(_("destination country"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inquiry_quantity_positive"),
            models.CheckConstraint(
                condition=Q(target_price__isnull=True) | Q(target_price__gt=0),
                name="inquiry_target_price_positive",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
