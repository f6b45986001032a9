from rest_framework import serializers

from common.serializers import MoneyField
from payments import selectors
from payments.models import Instalment, Payment, Refund


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


class InstalmentSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="The words the pages use for it.")
    amount = MoneyField()
    paid_amount = MoneyField()
    outstanding = MoneyField()

    class Meta:
        model = Instalment
        fields = (
            "id",
            "kind",
            "label",
            "due_event",
            "due_days",
            "before_shipment",
            "amount",
            "currency",
            "due_at",
            "paid_amount",
            "outstanding",
            "state",
            "paid_at",
            "overdue_at",
        )
        extra_kwargs = {
            "due_event": {
                "help_text": '"agreement" (the initial payment), "before_shipment", '
                '"after_shipment" or "after_delivery".'
            },
            "due_at": {"help_text": "Null while its event (shipment, delivery) has not happened."},
        }

    def get_label(self, instalment) -> str:
        return selectors.instalment_label(instalment)


class RefundSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    marked_by = serializers.CharField(
        source="marked_by.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Refund
        fields = (
            "id",
            "amount",
            "currency",
            "state",
            "reason",
            "created_at",
            "marked_by",
            "marked_at",
        )


class SummarySerializer(serializers.Serializer):
    order_id = serializers.IntegerField(source="order.pk")
    order_status = serializers.CharField(source="order.status")
    currency = serializers.CharField(source="amounts.currency")
    total = MoneyField(source="amounts.total", currency="amounts.currency")
    received = MoneyField(
        source="amounts.received",
        currency="amounts.currency",
        help_text="Every received payment, including money owed or sent back as refunds.",
    )
    paid = MoneyField(
        source="amounts.paid",
        currency="amounts.currency",
        help_text="What the instalments hold: received money less refunds.",
    )
    pending = MoneyField(source="amounts.pending", currency="amounts.currency")
    outstanding = MoneyField(source="amounts.outstanding", currency="amounts.currency")
    due_now = MoneyField(
        source="amounts.due_now",
        currency="amounts.currency",
        help_text="What is left of the instalment to pay next (the earliest unpaid one with a "
        "due date).",
    )
    deadline = serializers.DateTimeField(
        allow_null=True, help_text="The due date of the instalment to pay next."
    )
    overdue = serializers.BooleanField()
    instalments = InstalmentSerializer(many=True)
    refunds = RefundSerializer(many=True)
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


class CancelForNonPaymentInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2147483647)
    reason = serializers.CharField(max_length=1000)
