from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from rfq import services
from rfq.models import RFQ, Quotation, QuotationRevision, RFQAttachment


class RFQAttachmentInline(admin.TabularInline):
    model = RFQAttachment
    extra = 0
    readonly_fields = ["file", "name", "content_type", "size"]
    can_delete = False


class QuotationInline(admin.TabularInline):
    model = Quotation
    extra = 0
    fields = ["seller_company", "unit_price", "currency", "moq", "incoterm", "state", "version"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class QuotationRevisionInline(admin.TabularInline):
    """The seller's revisions, as sent: history, never edited."""

    model = QuotationRevision
    extra = 0
    fields = ["number", "author", "created_at", "terms"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RFQ)
class RFQAdmin(admin.ModelAdmin):
    list_display = [
        "product_name",
        "buyer_company",
        "category",
        "destination_country",
        "quantity",
        "unit",
        "quotation_deadline",
        "state",
    ]
    list_filter = ["state", "category", "destination_country", "buyer_company__country", "audience"]
    list_select_related = ["buyer_company", "category"]
    search_fields = ["product_name", "requirements", "buyer_company__legal_name"]
    raw_id_fields = ["buyer_company", "created_by", "negotiation"]
    filter_horizontal = ["invited_sellers"]
    readonly_fields = ["state", "version", "negotiation", "created_at", "closed_at"]
    date_hierarchy = "created_at"
    inlines = [RFQAttachmentInline, QuotationInline]
    actions = ["close_without_award"]

    @admin.action(description=_("Close the selected open RFQs without award (as their buyer)"))
    def close_without_award(self, request, queryset):
        closed = 0
        for rfq in queryset.select_related("created_by"):
            try:
                services.rfq_close(rfq_id=rfq.pk, actor=rfq.created_by)
                closed += 1
            except DomainError as exc:
                self.message_user(request, f"{rfq}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)s RFQs closed.") % {"n": closed})


@admin.register(Quotation)
class QuotationAdmin(admin.ModelAdmin):
    list_display = [
        "rfq",
        "seller_company",
        "unit_price",
        "currency",
        "moq",
        "lead_time_days",
        "incoterm",
        "valid_until",
        "state",
    ]
    list_filter = ["state", "rfq__category", "seller_company__country", "currency"]
    list_select_related = ["rfq", "seller_company"]
    search_fields = ["rfq__product_name", "seller_company__legal_name"]
    raw_id_fields = ["rfq", "seller_company", "author"]
    inlines = [QuotationRevisionInline]
    readonly_fields = [
        "state",
        "version",
        "revision",
        "notified_state",
        "created_at",
        "updated_at",
        "decided_at",
    ]
