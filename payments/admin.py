from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from orders.admin import ImmutableAdmin
from payments import services
from payments.models import (
    BankAccount,
    BankAccountChange,
    Instalment,
    Payment,
    PaymentPlan,
    Refund,
    Reminder,
)


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ("company", "beneficiary", "bank_name", "swift_bic", "updated_at")
    list_select_related = ("company",)
    raw_id_fields = ("company",)
    # Changes go through the sellers' page, which records and announces them.
    readonly_fields = (
        "company",
        "beneficiary",
        "bank_name",
        "account_number",
        "swift_bic",
        "bank_address",
        "updated_at",
    )


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(admin.ModelAdmin):
    list_display = ("company", "changed_by", "changed_at")
    list_select_related = ("company", "changed_by")
    readonly_fields = ("company", "changed_by", "changed_at", "old", "new")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order", "provider", "status", "amount", "currency", "created_at")
    list_filter = ("status", "provider")
    list_select_related = ("order",)
    raw_id_fields = ("order", "submitted_by", "decided_by")
    readonly_fields = (
        "status",
        "amount",
        "currency",
        "idempotency_key",
        "decided_at",
        "created_at",
    )


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin):
    list_display = ("order", "created_at", "next_reminder_at", "next_manual_reminder_at")
    list_select_related = ("order",)
    raw_id_fields = ("order",)
    readonly_fields = (
        "bank_details",
        "created_at",
        "next_reminder_at",
        "shipped_on",
        "received_on",
    )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("order", "kind", "due_on", "claimed_at", "skipped")
    list_filter = ("kind", "skipped")
    list_select_related = ("order",)
    raw_id_fields = ("order", "instalment", "requested_by")
    readonly_fields = ("claimed_at", "created_at")


@admin.register(Instalment)
class InstalmentAdmin(ImmutableAdmin):
    """Read-only: payments.services computes the instalments from the terms and payments."""

    list_display = ("order", "kind", "amount", "currency", "due_at", "paid_amount", "state")
    list_filter = ("state", "kind", "due_event")
    list_select_related = ("order",)
    raw_id_fields = ("order",)


@admin.register(Refund)
class RefundAdmin(ImmutableAdmin):
    """Read-only, but for the action that marks owed refunds refunded (through the service)."""

    list_display = ("order", "amount", "currency", "state", "reason", "created_at", "marked_by")
    list_filter = ("state", "reason")
    list_select_related = ("order", "marked_by")
    raw_id_fields = ("order", "marked_by")
    actions = ("mark_refunded",)

    @admin.action(description=_("Mark the selected refunds refunded"))
    def mark_refunded(self, request, queryset):
        done = 0
        for refund in queryset:
            try:
                services.refund_mark_refunded(refund_id=refund.pk, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{refund}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)d refunds marked refunded.") % {"n": done})
