from rest_framework import serializers

from common.serializers import MoneyField
from payments.models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    submitted_by = serializers.CharField(source="submitted_by.display_name", read_only=True)

    class Meta:
        model = Payment
        fields = (
            "id",
            "provider",
            "status",
            "amount",
            "currency",
            "reference",
            "card_last4",
            "reason",
            "submitted_by",
            "created_at",
            "decided_at",
        )


class SummarySerializer(serializers.Serializer):
    order_id = serializers.IntegerField(source="order.pk")
    order_status = serializers.CharField(source="order.status")
    currency = serializers.CharField(source="amounts.currency")
    total = MoneyField(source="amounts.total", currency="amounts.currency")
    initial_percent = serializers.IntegerField(source="amounts.initial_percent")
    initial = MoneyField(source="amounts.initial", currency="amounts.currency")
    balance = MoneyField(source="amounts.balance", currency="amounts.currency")
    balance_due = serializers.CharField(source="amounts.balance_due")
    received = MoneyField(source="amounts.received", currency="amounts.currency")
    pending = MoneyField(source="amounts.pending", currency="amounts.currency")
    outstanding = MoneyField(source="amounts.outstanding", currency="amounts.currency")
    due_now = MoneyField(source="amounts.due_now", currency="amounts.currency")
    deadline = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    bank_details = serializers.DictField()
    bank_changed_at = serializers.DateTimeField(allow_null=True)
    current_bank_details = serializers.DictField(
        help_text="The seller's details as changed after agreement ({} if unchanged): verify "
        "them with the seller by phone before paying to them."
    )
    next_reminder_at = serializers.DateTimeField(allow_null=True)
    payments = PaymentSerializer(many=True)


class PaymentInputSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40)
    amount = serializers.CharField(
        max_length=40,
        help_text='Digits with an optional decimal point ("1545.00"; "1,545.00" also reads), at '
        "most the currency's minor unit digits; no sign or exponent.",
    )
    currency = serializers.CharField(max_length=3)
    idempotency_key = serializers.RegexField(
        r"^[A-Za-z0-9_-]{8,64}$",
        min_length=8,
        max_length=64,
        help_text="Required: here or in the Idempotency-Key header (which wins). A retry with "
        "the same key returns the first payment.",
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    slip = serializers.FileField(required=False)
    card_number = serializers.CharField(max_length=30, required=False, allow_blank=True)


class ReminderSerializer(serializers.Serializer):
    reminder_id = serializers.IntegerField()


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
