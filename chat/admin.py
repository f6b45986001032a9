from django.contrib import admin

from chat.models import ChatDigest, Message, QuickReply, ReadMarker


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


@admin.register(ChatDigest)
class ChatDigestAdmin(admin.ModelAdmin):
    """What the digest sweep sent; written only by the sweep (each row is a batch's claim)."""

    list_display = ["id", "user", "negotiation", "message_count", "created_at"]
    list_select_related = ["user"]
    raw_id_fields = ["negotiation", "user"]
    readonly_fields = [
        "negotiation",
        "user",
        "first_message_id",
        "last_message_id",
        "message_count",
        "run",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuickReply)
class QuickReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "updated_at"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by"]
    search_fields = ["title", "body", "company__legal_name"]
