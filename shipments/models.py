"""Shipments of an agreed order: what left, how, with which documents, and its receipt."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import PrivateUploadTo, private_storage
from orders.models import Order, OrderLine


class Shipment(models.Model):
    """One consignment the seller sent; the buyer confirms its receipt, or the receipt sweep
    deems it received ``deemed_receipt_on`` (SHIPMENT_DEEMED_RECEIPT_DAYS after the ship date).
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    # 1, 2, 3 ... within the order: the number both sides talk about.
    sequence = models.PositiveSmallIntegerField()
    carrier = models.CharField(_("carrier"), max_length=200)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    transport_document_number = models.CharField(_("B/L or AWB number"), max_length=100, blank=True)
    ship_date = models.DateField(_("ship date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deemed_receipt_on = models.DateField(_("deemed received on"))
    receipt_notice_sent_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    # None for a receipt the sweep deemed.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deemed = models.BooleanField(default=False)
    # When the receipt sweep next has work for this shipment (its advance notice, then its
    # deemed receipt); None once received. While a batch holds the shipment it is that batch's
    # lease: after it, the sweep takes the shipment again (the batch was lost).
    next_sweep_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="shipment_sequence_unique"),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(next_sweep_at__isnull=True),
                name="shipment_received_leaves_the_sweep",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_sweep_at"],
                condition=Q(next_sweep_at__isnull=False),
                name="shipment_next_sweep",
            )
        ]

    def __str__(self):
        return f"{self.order} shipment {self.sequence}"

    @property
    def is_received(self) -> bool:
        return self.received_at is not None


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )

    class Meta:
        ordering = ["shipment", "order_line__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.shipment}: {self.quantity} of line {self.order_line_id}"


class DocumentKind(models.TextChoices):
    COMMERCIAL_INVOICE = "commercial_invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading / air waybill")


class ShipmentDocument(models.Model):
    """A shipping document (PDF or image), private: served only to the order's parties."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        storage=private_storage,
        upload_to=PrivateUploadTo("shipments/{shipment_id}", "content_type", "name"),
        max_length=200,
    )
    content_type = models.CharField(max_length=50)
    name = models.CharField(max_length=200)  # the client's file name
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shipment", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="shipment_document_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.shipment} {self.kind}"
