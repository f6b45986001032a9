"""Payment methods behind one small interface; settings.PAYMENT_PROVIDERS chooses which exist.

A provider cleans its own fields and says what became of a payment: ``submitted`` (waits for
the seller), ``received`` or ``declined``. A real card gateway is one more class here; the
order and payment rules in payments/services.py do not change.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationFailed
from common.files import attachment_content_type, original_name
from orders.models import PaymentMethod
from payments.models import PaymentStatus


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str = ""


class PaymentProvider:
    name: str = ""
    label = ""
    # Fields the provider reads from the submission (besides amount and currency).
    fields: tuple[str, ...] = ()
    # The agreed payment methods (orders.models.PaymentMethod) this provider may collect.
    payment_methods: tuple[str, ...] = ()

    def clean(self, values: dict) -> dict:
        """Provider fields -> model fields of the payment; raises ValidationFailed."""
        raise NotImplementedError

    def charge(self, *, amount, currency: str, values: dict) -> Outcome:
        raise NotImplementedError


class BankTransferProvider(PaymentProvider):
    """T/T: the buyer reports a transfer to the agreed bank details; the seller confirms."""

    name = "bank_transfer"
    label = gettext_lazy("Bank transfer (T/T)")
    fields = ("reference", "slip")
    # An L/C and "other" terms settle into the seller's account too; a card order pays by card.
    payment_methods = (PaymentMethod.TT, PaymentMethod.LC, PaymentMethod.OTHER)

    def clean(self, values: dict) -> dict:
        errors = {}
        reference = (values.get("reference") or "").strip()
        if not reference:
            errors["reference"] = [_("Enter the reference of your bank transfer.")]
        elif len(reference) > 100:
            errors["reference"] = [_("At most 100 characters.")]
        slip = values.get("slip")
        cleaned = {"reference": reference}
        if slip:
            try:
                content_type = attachment_content_type(slip, field="slip")
            except ValidationFailed as exc:
                errors.update(exc.errors)
            else:
                cleaned.update(
                    slip=slip, slip_content_type=content_type, slip_name=original_name(slip)
                )
        if errors:
            raise ValidationFailed(errors)
        return cleaned

    def charge(self, *, amount, currency: str, values: dict) -> Outcome:
        return Outcome(PaymentStatus.SUBMITTED)


class SandboxCardProvider(PaymentProvider):
    """Demo card payments: test numbers approve or decline at once; nothing leaves the server."""

    name = "sandbox_card"
    label = gettext_lazy("Card (sandbox)")
    fields = ("card_number",)
    payment_methods = (PaymentMethod.CARD,)
    APPROVE = "4242424242424242"
    DECLINE = "4000000000000002"

    def clean(self, values: dict) -> dict:
        number = re.sub(r"[\s-]", "", values.get("card_number") or "")
        if not re.fullmatch(r"\d{12,19}", number) or not _luhn_valid(number):
            raise ValidationFailed({"card_number": [_("Enter a valid card number.")]})
        return {"card_last4": number[-4:], "card_number": number}

    def charge(self, *, amount, currency: str, values: dict) -> Outcome:
        if values["card_number"] == self.APPROVE:
            return Outcome(PaymentStatus.RECEIVED)
        if values["card_number"] == self.DECLINE:
            return Outcome(PaymentStatus.DECLINED, _("The card was declined."))
        return Outcome(
            PaymentStatus.DECLINED,
            _("Sandbox: use 4242 4242 4242 4242 (approved) or 4000 0000 0000 0002 (declined)."),
        )


def _luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


@cache
def _providers(paths: tuple[str, ...]) -> dict[str, PaymentProvider]:
    instances = [import_string(path)() for path in paths]
    return {provider.name: provider for provider in instances}


def available_providers() -> dict[str, PaymentProvider]:
    return _providers(tuple(settings.PAYMENT_PROVIDERS))


def providers_for(payment_method: str) -> dict[str, PaymentProvider]:
    """The providers that may collect an order agreed with ``payment_method``."""
    return {
        name: provider
        for name, provider in available_providers().items()
        if payment_method in provider.payment_methods
    }


def get_provider(name: str, *, payment_method: str) -> PaymentProvider:
    """The provider ``name``, refused unless the agreed payment method allows it."""
    provider = available_providers().get(name)
    if provider is None:
        raise ValidationFailed({"provider": [_("Choose a payment method.")]})
    if payment_method not in provider.payment_methods:
        raise ValidationFailed(
            {
                "provider": [
                    _(
                        "The order was agreed with payment by %(method)s: %(provider)s is not "
                        "offered for it."
                    )
                    % {
                        "method": PaymentMethod(payment_method).label
                        if payment_method in PaymentMethod.values
                        else payment_method,
                        "provider": provider.label,
                    }
                ]
            }
        )
    return provider
