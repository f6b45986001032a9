from django.contrib import admin

from inquiries.models import Inquiry, Negotiation


class InquiryInline(admin.StackedInline):
    model = Inquiry
    extra = 0
    can_delete = False
    raw_id_fields = ("product", "sender")
    readonly_fields = ("created_at", "read_at")


@admin.register(Negotiation)
class NegotiationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "buyer_company",
        "seller_company",
        "origin",
        "order_status",
        "last_activity_at",
    )
    list_filter = (
        "origin",
        "order__status",
        "buyer_company__country",
        "seller_company__country",
        "created_at",
    )
    search_fields = ("=id", "buyer_company__legal_name", "seller_company__legal_name")
    list_select_related = ("buyer_company", "seller_company", "order")
    raw_id_fields = ("buyer_company", "seller_company", "product")
    readonly_fields = ("created_at", "last_activity_at")
    date_hierarchy = "created_at"
    inlines = (InquiryInline,)

    @admin.display(description="order", ordering="order__status")
    def order_status(self, negotiation):
        order = getattr(negotiation, "order", None)
        return order.get_status_display() if order else "—"


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("subject", "buyer", "seller", "quantity", "unit", "created_at", "read_at")
    list_filter = (
        "destination_country",
        "negotiation__seller_company__country",
        "created_at",
        ("read_at", admin.EmptyFieldListFilter),
    )
    search_fields = (
        "subject",
        "message",
        "negotiation__buyer_company__legal_name",
        "negotiation__seller_company__legal_name",
    )
    list_select_related = ("negotiation__buyer_company", "negotiation__seller_company")
    raw_id_fields = ("negotiation", "product", "sender")
    readonly_fields = ("created_at", "read_at")
    date_hierarchy = "created_at"

    @admin.display(ordering="negotiation__buyer_company__legal_name")
    def buyer(self, inquiry):
        return inquiry.negotiation.buyer_company

    @admin.display(ordering="negotiation__seller_company__legal_name")
    def seller(self, inquiry):
        return inquiry.negotiation.seller_company
