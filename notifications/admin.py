from django.contrib import admin

from notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at", "email_state", "emailed_at")
    list_filter = ("kind", "email_state")
    list_select_related = ("user",)
    raw_id_fields = ("user", "order")
    readonly_fields = (
        "created_at",
        "email_state",
        "email_lease_until",
        "email_attempts",
        "emailed_at",
    )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
