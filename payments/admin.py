from django.contrib import admin

from payments.models import BankAccount, BankAccountChange, Payment, PaymentPlan, Reminder


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
    readonly_fields = ("bank_details", "created_at", "next_reminder_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("order", "kind", "due_on", "claimed_at", "skipped")
    list_filter = ("kind", "skipped")
    list_select_related = ("order",)
    raw_id_fields = ("order", "requested_by")
    readonly_fields = ("claimed_at", "created_at")
