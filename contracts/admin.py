from django.contrib import admin

from contracts.models import Contract
from orders.admin import ImmutableAdmin


@admin.register(Contract)
class ContractAdmin(ImmutableAdmin):
    """Read-only: contracts are written by the sealing services and the render task."""

    list_display = (
        "order",
        "terms_version",
        "state",
        "seller_language",
        "buyer_language",
        "sealed_at",
        "rendered_at",
        "file_size",
    )
    list_filter = ("state", "seller_language", "buyer_language")
    list_select_related = ("order",)
    search_fields = ("digest", "file_sha256")
    raw_id_fields = ("order",)
    date_hierarchy = "sealed_at"
    # The token is the public verification link: staff need not see it. The file has no URL
    # (private storage): its name is shown instead.
    exclude = ("token", "file")
    readonly_fields = ("stored_as",)

    @admin.display(description="stored as")
    def stored_as(self, contract) -> str:
        return contract.file.name or "—"
