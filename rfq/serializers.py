"""API input and output shapes. Input is only parsed here; the rules are in rfq/services.py."""

from django.urls import reverse
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Unit
from common.choices import COUNTRY_CHOICES
from common.filters import QuantityFilterField
from common.money import money_string
from common.serializers import (
    MONEY_SCHEMA,
    ConflictSerializer,
    IdField,
    PriceField,
    VersionField,
)
from fx.serializers import RateSerializer
from orders.models import MAX_LEAD_DAYS, Incoterm
from rfq.models import RFQ, Quotation


class RFQFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, default=False, help_text="Only RFQs still taking quotations."
    )
    state = serializers.ChoiceField(choices=RFQ.State.choices, required=False)
    category = IdField(required=False)
    destination_country = serializers.ChoiceField(choices=COUNTRY_CHOICES, required=False)
    min_quantity = QuantityFilterField()
    max_quantity = QuantityFilterField()
    deadline_before = serializers.DateField(
        required=False, help_text="Quotation deadline before this date."
    )
    q = serializers.CharField(
        max_length=100, required=False, help_text="Search product name and requirements."
    )


class QuotationFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Quotation.State.choices, required=False)


class RFQInputSerializer(serializers.Serializer):
    product_name = serializers.CharField(max_length=200)
    category_id = IdField()
    requirements = serializers.CharField(max_length=2000)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.ChoiceField(choices=Unit.choices)
    target_unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True
    )
    currency = serializers.CharField(
        max_length=3, help_text="ISO 4217; quotations in it are totalled and compared."
    )
    destination_country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    incoterm = serializers.ChoiceField(choices=Incoterm.choices, required=False, allow_blank=True)
    required_by = serializers.DateField()
    quotation_deadline = serializers.DateTimeField()
    audience = serializers.ChoiceField(choices=RFQ.Audience.choices, default=RFQ.Audience.PUBLIC)
    invited_seller_ids = serializers.ListField(
        child=IdField(), required=False, max_length=50, help_text="For audience `invited`."
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="multipart/form-data only: PDF or images, at most five.",
    )


class QuotationInputSerializer(serializers.Serializer):
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4)
    currency = serializers.CharField(max_length=3, help_text="ISO 4217.")
    moq = serializers.DecimalField(max_digits=14, decimal_places=3)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=MAX_LEAD_DAYS)
    incoterm = serializers.ChoiceField(choices=Incoterm.choices)
    valid_until = serializers.DateField()
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    attachment = serializers.FileField(required=False, help_text="multipart/form-data only.")


class QuotationReviseSerializer(QuotationInputSerializer):
    """A revision names the version it is based on; fields left out keep their value."""

    version = VersionField()


class VersionSerializer(serializers.Serializer):
    version = VersionField(help_text="The quotation version you decided on.")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("rfq:attachment", args=[attachment.rfq_id, attachment.pk])


class CompanySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    country = CountryField()
    verified = serializers.BooleanField()
    member_since = serializers.DateTimeField(source="created_at")


class RFQSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    buyer_company = serializers.CharField(source="buyer_company.legal_name")
    destination_country = CountryField()
    taking_quotations = serializers.BooleanField()
    target_unit_price = PriceField(allow_null=True)
    quotation_count = serializers.SerializerMethodField()
    my_quotation_id = serializers.SerializerMethodField()
    my_quotation_state = serializers.SerializerMethodField()

    class Meta:
        model = RFQ
        fields = [
            "id",
            "product_name",
            "category_id",
            "category",
            "buyer_company",
            "requirements",
            "quantity",
            "unit",
            "target_unit_price",
            "currency",
            "destination_country",
            "incoterm",
            "required_by",
            "quotation_deadline",
            "audience",
            "state",
            "version",
            "taking_quotations",
            "negotiation_id",
            "created_at",
            "closed_at",
            "quotation_count",
            "my_quotation_id",
            "my_quotation_state",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_quotation_count(self, rfq):
        """Buyers and staff only; sellers never learn how many competitors quoted."""
        return getattr(rfq, "quotation_count", None)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_my_quotation_id(self, rfq):
        return getattr(rfq, "my_quotation_id", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_my_quotation_state(self, rfq):
        return getattr(rfq, "my_quotation_state", None)


class RFQDetailSerializer(RFQSerializer):
    attachments = AttachmentSerializer(many=True)

    class Meta(RFQSerializer.Meta):
        fields = [*RFQSerializer.Meta.fields, "attachments"]


class QuotationSerializer(serializers.ModelSerializer):
    seller = CompanySummarySerializer(source="seller_company")
    unit_price = PriceField()
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Quotation
        fields = [
            "id",
            "rfq_id",
            "seller",
            "unit_price",
            "currency",
            "moq",
            "lead_time_days",
            "incoterm",
            "valid_until",
            "message",
            "attachment_name",
            "attachment_url",
            "state",
            "version",
            "revision",
            "created_at",
            "updated_at",
            "decided_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_attachment_url(self, quotation):
        if not quotation.attachment:
            return None
        return reverse("rfq:quotation_attachment", args=[quotation.pk])


class RevisionChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="unit_price, currency, moq, lead_time_days, ...")
    label = serializers.CharField()
    before = serializers.CharField(help_text="As text; empty when there was none.")
    after = serializers.CharField(help_text="As text; empty when there is none.")


class QuotationRevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 as submitted, then one per revision.")
    created_at = serializers.DateTimeField()
    terms = serializers.DictField(child=serializers.CharField(allow_blank=True))
    changes = RevisionChangeSerializer(
        many=True, help_text="Against the revision before; empty for revision 1."
    )


class ComparisonRowSerializer(QuotationSerializer):
    total = serializers.SerializerMethodField()
    comparison_currency = serializers.SerializerMethodField()
    total_converted = serializers.SerializerMethodField()
    rate = serializers.SerializerMethodField()
    ranked = serializers.SerializerMethodField()
    moq_above_quantity = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta(QuotationSerializer.Meta):
        fields = [
            *QuotationSerializer.Meta.fields,
            "total",
            "comparison_currency",
            "total_converted",
            "rate",
            "ranked",
            "moq_above_quantity",
            "changes",
        ]

    def _row(self, quotation):
        return self.context["rows"][quotation.pk]

    @extend_schema_field(MONEY_SCHEMA)
    def get_total(self, quotation):
        """For the RFQ's quantity, in the quotation's own currency (as quoted)."""
        return money_string(self._row(quotation).total, quotation.currency)

    @extend_schema_field(serializers.CharField())
    def get_comparison_currency(self, quotation):
        """The currency the comparison ranks and totals in (``?currency=``, default the
        buyer company's)."""
        return self._row(quotation).currency

    @extend_schema_field(RevisionChangeSerializer(many=True))
    def get_changes(self, quotation):
        """What the latest revision changed against the one before (empty if never revised)."""
        return self._row(quotation).changes

    @extend_schema_field({**MONEY_SCHEMA, "nullable": True})
    def get_total_converted(self, quotation):
        """The total in the comparison currency at ``rate``; null when no rate is known."""
        row = self._row(quotation)
        return money_string(row.converted_total, row.currency)

    @extend_schema_field(RateSerializer(allow_null=True))
    def get_rate(self, quotation):
        """The rate used (quotation currency into the comparison currency); null if unknown."""
        rate = self._row(quotation).rate
        if rate is None:
            return None
        return RateSerializer(
            {
                "base": rate.base,
                "quote": rate.quote,
                "rate": rate.rate,
                "date": rate.date,
                "sources": list(rate.sources),
            }
        ).data

    @extend_schema_field(serializers.BooleanField())
    def get_ranked(self, quotation):
        """False: no known rate into the comparison currency; listed after the ranked ones."""
        return self._row(quotation).ranked

    @extend_schema_field(serializers.BooleanField())
    def get_moq_above_quantity(self, quotation):
        return self._row(quotation).moq_above_quantity


class AcceptedSerializer(QuotationSerializer):
    negotiation_id = serializers.IntegerField(source="rfq.negotiation_id")
    workspace_url = serializers.SerializerMethodField()

    class Meta(QuotationSerializer.Meta):
        fields = [*QuotationSerializer.Meta.fields, "negotiation_id", "workspace_url"]

    def get_workspace_url(self, quotation) -> str:
        return reverse("inquiries:workspace", args=[quotation.rfq.negotiation_id])


class RFQConflictSerializer(ConflictSerializer):
    current_state = serializers.CharField(required=False)
    quotation_id = serializers.IntegerField(required=False)
