"""Shipments in the admin: read-only. Shipments and receipts change the order's state, so they
are made only through the services (the seller's and buyer's pages and the API, the sweep)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from shipments.models import Shipment, ShipmentDocument, ShipmentLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ("order_line", "quantity")
    readonly_fields = fields


class ShipmentDocumentInline(ReadOnlyInline):
    model = ShipmentDocument
    fields = ("kind", "download", "content_type", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description="file")
    def download(self, document):
        # Staff pass the same access check as the parties (order_visibility lets staff see all).
        return format_html(
            '<a href="{}">{}</a>', reverse("shipments:document", args=[document.pk]), document.name
        )


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "carrier",
        "tracking_number",
        "ship_date",
        "deemed_receipt_on",
        "received_on",
        "deemed",
    )
    list_filter = ("deemed", "ship_date")
    list_select_related = ("order",)
    search_fields = ("tracking_number", "transport_document_number", "carrier")
    raw_id_fields = ("order", "created_by", "received_by")
    inlines = (ShipmentLineInline, ShipmentDocumentInline)
