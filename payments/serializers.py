from rest_framework import serializers

from payments.models import Payment


class PaymentSerializer(serializers.ModelSerializer):
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
    total = serializers.DecimalField(source="amounts.total", max_digits=18, decimal_places=4)
    initial_percent = serializers.IntegerField(source="amounts.initial_percent")
    initial = serializers.DecimalField(source="amounts.initial", max_digits=18, decimal_places=4)
    balance = serializers.DecimalField(source="amounts.balance", max_digits=18, decimal_places=4)
    balance_due = serializers.CharField(source="amounts.balance_due")
    received = serializers.DecimalField(source="amounts.received", max_digits=18, decimal_places=4)
    pending = serializers.DecimalField(source="amounts.pending", max_digits=18, decimal_places=4)
    outstanding = serializers.DecimalField(
        source="amounts.outstanding", max_digits=18, decimal_places=4
    )
    due_now = serializers.DecimalField(source="amounts.due_now", max_digits=18, decimal_places=4)
    deadline = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    bank_details = serializers.DictField()
    bank_changed_at = serializers.DateTimeField(allow_null=True)
    next_reminder_at = serializers.DateTimeField(allow_null=True)
    payments = PaymentSerializer(many=True)


class PaymentInputSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=40)
    amount = serializers.CharField(max_length=40)
    currency = serializers.CharField(max_length=3)
    idempotency_key = serializers.CharField(
        max_length=64,
        required=False,
        help_text="Or the Idempotency-Key header. A retry with the same key returns the first "
        "payment.",
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    slip = serializers.FileField(required=False)
    card_number = serializers.CharField(max_length=30, required=False, allow_blank=True)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
