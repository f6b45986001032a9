"""Page forms: they render the fields and parse the request; the rules are in rfq/services.py.

Field definitions come from the models, so a form, the API and the service agree on types,
lengths and choices.
"""

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Company, Side
from catalog.models import Category
from common.money import currency_choices
from rfq.models import RFQ, Quotation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


CHOOSE = _("Choose…")
BLANK = BLANK_CHOICE_DASH[0][1]


class PortalFormMixin:
    """Labels without a trailing colon and no "---------" rows, like every other form here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) or not getattr(field, "choices", None):
                continue
            field.choices = [
                ("", CHOOSE) if value == "" and label == BLANK else (value, label)
                for value, label in field.choices
            ]


class RFQForm(PortalFormMixin, forms.ModelForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=CHOOSE
    )
    currency = forms.ChoiceField(label=_("Currency"))
    invited_sellers = forms.ModelMultipleChoiceField(
        label=_("Chosen sellers"),
        queryset=Company.objects.filter(side=Side.SELLER).order_by("legal_name"),
        required=False,
        help_text=_("Only for an RFQ sent to chosen sellers."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF or images, up to five files."),
    )

    class Meta:
        model = RFQ
        fields = [
            "product_name",
            "category",
            "requirements",
            "quantity",
            "unit",
            "target_unit_price",
            "currency",
            "destination_country",
            "incoterm",
            "required_by",
            "quotation_deadline",
            "audience",
            "invited_sellers",
        ]
        widgets = {
            "requirements": forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
            "required_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "quotation_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "audience": forms.RadioSelect,
        }
        help_texts = {
            "currency": _("Quotations in this currency are totalled and compared."),
        }

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.fields["currency"].initial = currency
        self.fields["currency"].help_text = self._meta.help_texts["currency"]
        self.fields["quotation_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def values(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["category_id"] = data.pop("category").pk
        data["destination_country"] = str(data["destination_country"])
        data.pop("invited_sellers")
        return data

    def invited_seller_ids(self) -> list[int]:
        return [company.pk for company in self.cleaned_data.get("invited_sellers") or []]


class QuotationForm(PortalFormMixin, forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Quotation
        fields = [
            "unit_price",
            "currency",
            "moq",
            "lead_time_days",
            "incoterm",
            "valid_until",
            "message",
            "attachment",
        ]
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "attachment": forms.FileInput,
        }
        help_texts = {"attachment": _("Optional: a PDF or an image.")}

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        if not self.instance.pk:
            self.fields["currency"].initial = currency
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields[:-1]}


class BrowseForm(PortalFormMixin, forms.Form):
    """The seller's filters on open RFQs; anything unparsable is simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Any category"),
    )
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        choices=lambda: [("", _("Any country")), *countries],
    )
    min_quantity = forms.DecimalField(label=_("Quantity from"), required=False, min_value=0)
    max_quantity = forms.DecimalField(label=_("Quantity up to"), required=False, min_value=0)
    deadline_before = forms.DateField(
        label=_("Deadline by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"] or None,
            "category_id": data["category"].pk if data["category"] else None,
            "destination_country": data["destination_country"] or None,
            "min_quantity": data["min_quantity"],
            "max_quantity": data["max_quantity"],
            "deadline_before": data["deadline_before"],
        }
