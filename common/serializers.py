"""Error bodies shared by every app's API, for the OpenAPI schema (see common/api.py)."""

from functools import reduce

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.money import money_string, price_string

MONEY_SCHEMA = {
    "type": "string",
    "pattern": r"^[0-9]+(\.[0-9]+)?$",
    "description": "Money: a string with exactly the currency's minor unit digits "
    '("1545.00" USD, "1545" JPY, "1.545" BHD).',
}
PRICE_SCHEMA = {
    **MONEY_SCHEMA,
    "description": "A unit price: the currency's minor unit digits, more (up to 4) only when "
    'the price has them ("1.65", "0.0125").',
}


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="not_found, not_allowed, invalid_transition, …")
    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(
        required=False, help_text="The version the object is at now."
    )
    current_status = serializers.CharField(required=False, help_text="Its state now.")


OPTIONAL_EMAIL_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "email", "maxLength": 254},
        {"type": "string", "maxLength": 0},
    ],
    "description": "An e-mail address, or empty to clear it.",
}


@extend_schema_field(OPTIONAL_EMAIL_SCHEMA)
class OptionalEmailField(serializers.CharField):
    """An e-mail address or empty. The schema says both, so a client (and a fuzzer) knows
    that "" is accepted while any other non-address is refused; the service validates."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


# Every integer a client sends is bounded: ids and versions fit PostgreSQL's integer.
MAX_ID = 2**31 - 1


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(max_value=MAX_ID, **kwargs)


class VersionField(IdField):
    pass


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """An amount in the API's one money format (common.money.money_string); read-only.

    ``currency`` is the dotted path, on the serialized object, of the amount's currency code.
    """

    formatter = staticmethod(money_string)

    def __init__(self, *, currency: str = "currency", **kwargs):
        self.currency_path = currency
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        currency = reduce(getattr, self.currency_path.split("."), instance)
        return super().get_attribute(instance), currency

    def to_representation(self, value):
        amount, currency = value
        if amount is None:  # an optional amount (allow_null=True in the schema)
            return None
        return self.formatter(amount, currency or "")


@extend_schema_field(PRICE_SCHEMA)
class PriceField(MoneyField):
    """A unit price (common.money.price_string); read-only."""

    formatter = staticmethod(price_string)


MULTI_VALUE_FIELDS = (
    serializers.ListField,
    serializers.MultipleChoiceField,
    serializers.ManyRelatedField,
    serializers.ListSerializer,
)


class SingleValuesMixin:
    """A form or multipart body that sends a single-value field more than once is refused
    with a field error (DRF would keep the last value and drop the others unseen)."""

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            repeated = {
                name: [_("Send this field once.")]
                for name, field in self.fields.items()
                if not isinstance(field, MULTI_VALUE_FIELDS) and len(data.getlist(name)) > 1
            }
            if repeated:
                raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)
