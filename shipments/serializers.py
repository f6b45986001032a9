from django.urls import reverse
from rest_framework import serializers

from common.serializers import IdField, VersionField
from shipments.models import DocumentKind, Shipment, ShipmentDocument, ShipmentLine

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class ShipmentLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="order_line.name")
    unit = serializers.CharField(source="order_line.unit")

    class Meta:
        model = ShipmentLine
        fields = ("order_line_id", "name", "quantity", "unit")


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download (the order's parties only).")

    class Meta:
        model = ShipmentDocument
        fields = ("id", "kind", "name", "content_type", "uploaded_at", "url")

    def get_url(self, document) -> str:
        return reverse("api-shipment-document-file", args=[document.pk])


class ShipmentSerializer(serializers.ModelSerializer):
    lines = ShipmentLineSerializer(many=True)
    documents = DocumentSerializer(many=True)
    received_by = serializers.CharField(
        source="received_by.display_name", allow_null=True, default=None
    )

    class Meta:
        model = Shipment
        fields = (
            "id",
            "order_id",
            "sequence",
            "carrier",
            "tracking_number",
            "transport_document_number",
            "ship_date",
            "created_at",
            "deemed_receipt_on",
            "received_on",
            "received_by",
            "deemed",
            "lines",
            "documents",
        )


class ProgressSerializer(serializers.Serializer):
    order_line_id = serializers.IntegerField(source="line.pk")
    name = serializers.CharField(source="line.name")
    unit = serializers.CharField(source="line.unit")
    ordered = serializers.DecimalField(**QUANTITY)
    shipped = serializers.DecimalField(**QUANTITY)
    received = serializers.DecimalField(**QUANTITY)


class OrderShipmentsSerializer(serializers.Serializer):
    order_id = serializers.IntegerField(source="order.pk")
    order_status = serializers.CharField(source="order.status")
    order_version = serializers.IntegerField(source="order.version")
    progress = ProgressSerializer(many=True)
    shipments = ShipmentSerializer(many=True)


class ShipmentLineInputSerializer(serializers.Serializer):
    order_line_id = IdField()
    quantity = serializers.DecimalField(**QUANTITY, min_value=0)


class ShipmentInputSerializer(serializers.Serializer):
    version = VersionField(help_text="The order's version you were shown.")
    carrier = serializers.CharField(max_length=200)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    transport_document_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="B/L or AWB number."
    )
    ship_date = serializers.DateField(help_text="Between the agreement and today.")
    lines = ShipmentLineInputSerializer(many=True, allow_empty=False, max_length=200)


class ReceiptInputSerializer(serializers.Serializer):
    version = VersionField(help_text="The order's version you were shown.")


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(
        help_text="A PDF or an image (PNG, JPEG, GIF, WebP), 10 MB at most."
    )
