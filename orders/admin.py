from django.contrib import admin

from orders.models import Amendment, Offer, Order, OrderAttachment, OrderEvent, OrderLine, Revision


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("position", "name", "product", "specification", "quantity", "unit", "unit_price")
    raw_id_fields = ("product",)


class RevisionInline(ReadOnlyInline):
    model = Revision
    fields = (
        "version",
        "author",
        "author_side",
        "created_at",
        "valid_until",
        "total",
        "currency",
        "digest",
    )
    raw_id_fields = ("author",)


class OrderAttachmentInline(ReadOnlyInline):
    model = OrderAttachment
    fields = (
        "name",
        "content_type",
        "size",
        "sha256",
        "uploaded_side",
        "added_version",
        "removed_version",
        "created_at",
    )


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "type", "actor", "actor_side", "version", "status", "data")
    raw_id_fields = ("actor",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are read-only here: terms and states change only through the negotiation."""

    list_display = (
        "number",
        "status",
        "buyer",
        "seller",
        "version",
        "currency",
        "valid_until",
        "updated_at",
    )
    list_filter = (
        "status",
        ("negotiation__seller_company", admin.RelatedOnlyFieldListFilter),
        ("negotiation__buyer_company", admin.RelatedOnlyFieldListFilter),
        "negotiation__buyer_company__country",
        "created_at",
    )
    search_fields = (
        "=id",
        "negotiation__buyer_company__legal_name",
        "negotiation__seller_company__legal_name",
        "lines__name",
    )
    list_select_related = ("negotiation__buyer_company", "negotiation__seller_company")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderAttachmentInline, RevisionInline, OrderEventInline)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="negotiation__buyer_company__legal_name")
    def buyer(self, order):
        return order.negotiation.buyer_company

    @admin.display(ordering="negotiation__seller_company__legal_name")
    def seller(self, order):
        return order.negotiation.seller_company


class ImmutableAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(ImmutableAdmin):
    list_display = ("order", "version", "author", "author_side", "total", "currency", "created_at")
    list_filter = ("author_side", "currency", "created_at")
    search_fields = ("=order__id", "digest")
    list_select_related = ("order", "author")
    raw_id_fields = ("order", "author")


@admin.register(OrderEvent)
class OrderEventAdmin(ImmutableAdmin):
    list_display = ("order", "type", "actor", "actor_side", "version", "status", "created_at")
    list_filter = ("type", "status", "actor_side", "created_at")
    search_fields = ("=order__id",)
    list_select_related = ("order", "actor")
    raw_id_fields = ("order", "actor")


@admin.register(Amendment)
class AmendmentAdmin(ImmutableAdmin):
    """Amendments are proposed and answered by the parties only (orders/amendments.py)."""

    list_display = (
        "order",
        "state",
        "side",
        "proposed_by",
        "previous_total",
        "total",
        "currency",
        "created_at",
        "decided_at",
    )
    list_filter = ("state", "side", "created_at")
    search_fields = ("=order__id", "digest", "previous_digest")
    list_select_related = ("order", "proposed_by")
    raw_id_fields = ("order", "proposed_by", "decided_by")


@admin.register(OrderAttachment)
class OrderAttachmentAdmin(ImmutableAdmin):
    """Attachments change only through the parties (orders/attachments.py): they are terms."""

    list_display = ("order", "name", "content_type", "size", "uploaded_side", "created_at")
    list_filter = ("content_type", "uploaded_side", "created_at")
    search_fields = ("=order__id", "sha256", "name")
    list_select_related = ("order",)
    raw_id_fields = ("order", "uploaded_by", "removed_by")
    exclude = ("file",)  # served to the parties only, by orders.views.order_attachment_file


@admin.register(Offer)
class OfferAdmin(ImmutableAdmin):
    """Offers are made and answered by the parties only, in the chat (orders/offers.py)."""

    list_display = (
        "order",
        "state",
        "side",
        "proposed_by",
        "base_version",
        "accepted_version",
        "created_at",
        "decided_at",
    )
    list_filter = ("state", "side", "created_at")
    search_fields = ("=order__id",)
    list_select_related = ("order", "proposed_by")
    raw_id_fields = ("order", "proposed_by", "decided_by")
