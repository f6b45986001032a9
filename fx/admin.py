from django import forms
from django.contrib import admin

from common.money import currency_choices
from fx import services
from fx.models import Rate


class RateForm(forms.ModelForm):
    base = forms.ChoiceField(choices=currency_choices, initial="EUR")
    quote = forms.ChoiceField(choices=currency_choices)

    class Meta:
        model = Rate
        fields = ("base", "quote", "rate", "date")


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    """Staff enter a rate for a pair and day (source "manual"); feed imports keep it."""

    form = RateForm
    list_display = ("date", "base", "quote", "rate", "source", "entered_by")
    list_filter = ("source", "base", "quote")
    date_hierarchy = "date"
    list_select_related = ("entered_by",)
    search_fields = ("quote", "base")

    def get_readonly_fields(self, request, obj=None):
        return ("source", "entered_by") if obj else ()

    def save_model(self, request, obj, form, change):
        services.rate_enter(row=obj, actor=request.user)
