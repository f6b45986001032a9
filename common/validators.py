from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.money import is_currency


def validate_currency(value: str) -> None:
    if value and not is_currency(value):
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code in use."),
            code="invalid_currency",
            params={"value": value},
        )
