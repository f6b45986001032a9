from django.contrib import admin

from catalog.models import Category, PriceTier, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 1
    fields = ("min_quantity", "unit_price")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "seller",
        "category",
        "unit",
        "moq",
        "currency",
        "lead_time_days",
        "active",
        "updated_at",
    )
    list_filter = ("active", "category", "unit", "currency", "sample_available")
    list_select_related = ("seller", "category")
    search_fields = ("name", "description", "hs_code", "seller__legal_name")
    raw_id_fields = ("seller",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (PriceTierInline,)
