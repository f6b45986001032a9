from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Company, FreightRate, User


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "first_name", "last_name", "email", "is_active", "last_active_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class FreightRateInline(admin.TabularInline):
    """A seller's freight rates, editable by staff as by the seller (model constraints apply)."""

    model = FreightRate
    fields = ("destination_country", "currency", "per_order", "per_unit", "updated_at")
    readonly_fields = ("updated_at",)
    extra = 0


@admin.register(FreightRate)
class FreightRateAdmin(admin.ModelAdmin):
    list_display = ("seller", "destination_country", "currency", "per_order", "per_unit")
    list_filter = ("currency", "destination_country")
    list_select_related = ("seller",)
    raw_id_fields = ("seller",)
    search_fields = ("seller__legal_name",)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = (
        "legal_name",
        "side",
        "country",
        "city",
        "business_type",
        "employees",
        "verified",
        "created_at",
    )
    list_filter = ("side", "verified", "business_type", "country")
    search_fields = ("legal_name", "city", "main_products", "website")
    # Verification changes only through the actions, which call the service.
    readonly_fields = ("verified", "created_at", "updated_at")
    date_hierarchy = "created_at"
    actions = ("mark_verified", "mark_unverified")
    inlines = (MemberInline, FreightRateInline)
    fieldsets = (
        (None, {"fields": ("side", "legal_name", "verified")}),
        (
            _("Profile"),
            {
                "fields": (
                    "country",
                    "city",
                    "business_type",
                    "year_established",
                    "employees",
                    "main_products",
                    "website",
                )
            },
        ),
        (
            _("Sales contact (sellers: Start Order's seller contact)"),
            {"fields": ("sales_contact_name", "sales_contact_email", "sales_contact_phone")},
        ),
        (_("Validity of confirmations (sellers)"), {"fields": ("offer_validity_days",)}),
        (_("Audit"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.action(description=_("Mark selected companies as verified"))
    def mark_verified(self, request, queryset):
        updated = services.company_mark_verified(
            company_ids=list(queryset.values_list("pk", flat=True)), verified=True
        )
        self.message_user(request, _("%(count)d companies verified.") % {"count": updated})

    @admin.action(description=_("Mark selected companies as not verified"))
    def mark_unverified(self, request, queryset):
        updated = services.company_mark_verified(
            company_ids=list(queryset.values_list("pk", flat=True)), verified=False
        )
        self.message_user(request, _("%(count)d companies unverified.") % {"count": updated})


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """Staff setting a user's password ends that user's tokens and sockets, as a change does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.user_password_changed(user=user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = StaffPasswordChangeForm
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "company",
        "is_staff",
        "is_active",
        "last_active_at",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "company__side")
    list_select_related = ("company",)
    search_fields = ("username", "first_name", "last_name", "email", "company__legal_name")
    raw_id_fields = ("company",)
    readonly_fields = ("last_active_at", "last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Company"), {"fields": ("company", "phone", "last_active_at")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Company"), {"fields": ("email", "first_name", "last_name", "company", "phone")}),
    )
