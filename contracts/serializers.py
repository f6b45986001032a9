from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts import render
from contracts.models import Contract, ContractState


class ContractSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(
        source="terms_version", help_text="The version number people see (Version 2)."
    )
    agreed_version = serializers.IntegerField(
        help_text="The order version that was sealed (its revision's `version`)."
    )
    pdf_url = serializers.SerializerMethodField(help_text="Null until the PDF is ready.")
    verify_url = serializers.SerializerMethodField(
        help_text="The public verification page the PDF's QR code links to."
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=settings.LANGUAGES),
        read_only=True,
        help_text="The languages the PDF is written in, side by side: the seller's, then the "
        "buyer's (one when they share it).",
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "version",
            "agreed_version",
            "digest",
            "sealed_at",
            "state",
            "file_sha256",
            "file_size",
            "pdf_url",
            "verify_url",
            "seller_language",
            "buyer_language",
            "languages",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, contract) -> str | None:
        if contract.state != ContractState.READY:
            return None
        url = reverse("api-order-contract-pdf", args=[contract.order_id, contract.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_verify_url(self, contract) -> str:
        return render.verify_url(contract.token)


class VerificationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["match", "altered", "unknown"],
        help_text="match: a sealed agreement; altered: a file naming a known seal whose content "
        "was changed; unknown: no sealed agreement.",
    )
    matches = serializers.BooleanField()
    version = serializers.IntegerField(allow_null=True)
    sealed_at = serializers.DateTimeField(allow_null=True)
    superseded = serializers.BooleanField(help_text="A later amended version replaced this one.")
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=settings.LANGUAGES),
        help_text="The languages the matching PDF is written in (empty unless a match).",
    )


class VerifyFileInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The contract PDF to check.")
