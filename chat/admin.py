from django.contrib import admin

from chat.models import Message, ReadMarker


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "negotiation", "seq", "kind", "sender", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["sender", "negotiation__buyer_company", "negotiation__seller_company"]
    raw_id_fields = ["negotiation", "sender", "order", "order_event"]
    search_fields = ["body"]
    readonly_fields = [
        "negotiation",
        "seq",
        "kind",
        "sender",
        "side",
        "body",
        "client_id",
        "attachment",
        "attachment_name",
        "attachment_type",
        "attachment_size",
        "order",
        "order_version",
        "order_event",
        "created_at",
    ]

    def has_add_permission(self, request):
        # Messages are written through chat.services only (ordering lock, broadcast).
        return False


@admin.register(ReadMarker)
class ReadMarkerAdmin(admin.ModelAdmin):
    list_display = ["negotiation", "user", "side", "last_read_id", "updated_at"]
    raw_id_fields = ["negotiation", "user"]
    list_select_related = ["user"]
