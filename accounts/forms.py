from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import MAX_OFFER_VALIDITY_DAYS, Company, FreightRate, Side, User
from common.errors import RateLimited
from common.i18n import in_language_of
from common.money import currency_choices


class LoginForm(AuthenticationForm):
    """Django's login form; the rate limit and the password check run in the service."""

    rate_limited: RateLimited | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.login_authenticate(
                    request=self.request, username=username, password=password
                )
            except RateLimited as exc:
                self.rate_limited = exc
                raise ValidationError(exc.message, code="rate_limited")
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form; the e-mail is written in the language of the account it is for."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with in_language_of(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def _company_formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class CompanyFieldsMixin:
    def clean_year_established(self):
        year = self.cleaned_data.get("year_established")
        services.validate_year_established(year)
        return year


class CompanySignupForm(CompanyFieldsMixin, forms.ModelForm):
    side = forms.TypedChoiceField(
        label=_("My company is a"),
        choices=Side.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Company
        fields = services.COMPANY_SIGNUP_FIELDS
        formfield_callback = _company_formfield
        widgets = {
            "main_products": forms.Textarea(attrs={"rows": 3}),
            "year_established": forms.NumberInput(attrs={"min": 1800}),
        }
        help_texts = {
            "main_products": _("What you make or buy, and the markets you serve."),
        }


class UserSignupForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = services.USER_SIGNUP_FIELDS
        labels = {"email": _("E-mail")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses them when empty; marking them here only helps the browser.
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned

    def user_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in services.USER_SIGNUP_FIELDS}
        data["password"] = self.cleaned_data.get("password1")
        return data


class CompanyProfileForm(CompanyFieldsMixin, forms.ModelForm):
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=lambda: [("", _("The currency of the country"))] + currency_choices(),
        required=False,
        help_text=_(
            "Amounts in other currencies are shown with their approximate equivalent in "
            "this currency."
        ),
    )

    class Meta:
        model = Company
        fields = services.COMPANY_PROFILE_FIELDS
        formfield_callback = _company_formfield
        widgets = {"main_products": forms.Textarea(attrs={"rows": 3})}


class SellerProfileForm(CompanyProfileForm):
    """A seller's profile also holds the default sales contact Start Order uses, and how long
    confirmations of its orders stay open (left empty: unchanged)."""

    offer_validity_days = forms.IntegerField(
        label=Company._meta.get_field("offer_validity_days").verbose_name.capitalize(),
        help_text=Company._meta.get_field("offer_validity_days").help_text,
        required=False,
        min_value=1,
        max_value=MAX_OFFER_VALIDITY_DAYS,
    )

    class Meta(CompanyProfileForm.Meta):
        fields = (
            services.COMPANY_PROFILE_FIELDS + services.SALES_CONTACT_FIELDS + services.OFFER_FIELDS
        )
        help_texts = {
            "sales_contact_name": _(
                "Buyers' Start Order names this contact for your company; they cannot change it."
            )
        }


class FreightRateForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)

    class Meta:
        model = FreightRate
        fields = services.FREIGHT_RATE_FIELDS
        help_texts = {"per_unit": _("Per unit ordered, in the product's unit.")}

    def _post_clean(self):
        """No model validation here: the service checks the rate (a price per order or per
        unit) and replaces the one to the same destination in the same currency."""


def add_service_errors(errors: dict, forms_by_field: list[forms.Form]) -> None:
    """Shows a service's ValidationFailed errors on the form field of the same name."""
    aliases = {"password": "password1"}
    for name, messages in errors.items():
        name = aliases.get(name, name)
        target = next((form for form in forms_by_field if name in form.fields), None)
        for message in messages:
            if target is None:
                forms_by_field[0].add_error(None, message)
            else:
                target.add_error(name, message)
