from rest_framework import serializers

from common.serializers import IdField, PriceField
from inquiries.models import Inquiry, Negotiation
from inquiries.services import INQUIRY_FIELDS
from orders.models import OrderStatus
from orders.serializers import CompanyBriefSerializer

NEGOTIATION_STATES = [("inquiry", "Inquiry (no order yet)"), *OrderStatus.choices]


class NegotiationFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=NEGOTIATION_STATES,
        required=False,
        help_text="`inquiry` (no order yet) or an order state.",
    )
    counterpart = serializers.CharField(
        max_length=100, required=False, help_text="Part of the other company's name."
    )
    since = serializers.DateField(required=False, help_text="Last activity on or after.")
    until = serializers.DateField(required=False, help_text="Last activity on or before.")


class InquiryInputSerializer(serializers.ModelSerializer):
    product_id = IdField(required=False, allow_null=True, help_text="The product asked about.")
    seller_company_id = IdField(
        required=False,
        allow_null=True,
        help_text="The seller written to, when the inquiry is not about one product.",
    )

    class Meta:
        model = Inquiry
        fields = ("product_id", "seller_company_id", *INQUIRY_FIELDS)
        extra_kwargs = {"unit": {"required": False}}


class InquirySerializer(serializers.ModelSerializer):
    negotiation_id = serializers.IntegerField()
    product_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField(source="product.name", default=None, allow_null=True)
    target_price = PriceField(currency="target_currency", allow_null=True)
    buyer_company = CompanyBriefSerializer(source="negotiation.buyer_company")
    seller_company = CompanyBriefSerializer(source="negotiation.seller_company")
    sender = serializers.CharField(source="sender.display_name")
    destination_country = serializers.CharField(source="destination_country.code")
    unread = serializers.BooleanField(source="is_unread")

    class Meta:
        model = Inquiry
        fields = (
            "id",
            "negotiation_id",
            "product_id",
            "product_name",
            "buyer_company",
            "seller_company",
            "sender",
            "subject",
            "message",
            "quantity",
            "unit",
            "target_price",
            "target_currency",
            "destination_country",
            "created_at",
            "read_at",
            "unread",
        )


class NegotiationOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()


class NegotiationSerializer(serializers.ModelSerializer):
    buyer_company = CompanyBriefSerializer()
    seller_company = CompanyBriefSerializer()
    product_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField(
        source="product.name", default=None, allow_null=True, help_text="None for RFQ-born ones."
    )
    inquiry_id = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()

    class Meta:
        model = Negotiation
        fields = (
            "id",
            "origin",
            "buyer_company",
            "seller_company",
            "product_id",
            "product_name",
            "inquiry_id",
            "order",
            "created_at",
            "last_activity_at",
        )

    def get_inquiry_id(self, negotiation) -> int | None:
        inquiry = getattr(negotiation, "inquiry", None)
        return inquiry.pk if inquiry else None

    def get_order(self, negotiation) -> NegotiationOrderSerializer(allow_null=True):
        from orders.selectors import order_is_visible

        order = getattr(negotiation, "order", None)
        if order is None or not order_is_visible(self.context["request"].user, order):
            return None
        return NegotiationOrderSerializer(order).data
