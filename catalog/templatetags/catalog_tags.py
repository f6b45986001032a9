from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.money import format_money

register = template.Library()


def _locale() -> str:
    return (get_language() or "en").replace("-", "_")


@register.simple_tag
def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the request's language, e.g. ``{% money product.price_min "USD" %}``."""
    return format_money(amount, currency, _locale())


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros, grouped for the request's language: 1,000 or 2.5."""
    if value is None:
        return ""
    return format_decimal(Decimal(value), locale=_locale(), decimal_quantization=False)


@register.filter
def tier_rows(tiers) -> list[tuple[str, object]]:
    """(quantity range label, tier) per tier: "100–499", "500+", or "2.5 – under 10" for
    fractional edges, since a tier runs up to the next tier's minimum."""
    tiers = sorted(tiers, key=lambda tier: tier.min_quantity)
    rows = []
    for tier, following in zip(tiers, [*tiers[1:], None], strict=True):
        start = tier.min_quantity
        if following is None:
            label = _("%(start)s+") % {"start": quantity(start)}
        elif start == start.to_integral_value() and following.min_quantity == (
            following.min_quantity.to_integral_value()
        ):
            end = following.min_quantity - 1
            label = quantity(start) if end == start else f"{quantity(start)}–{quantity(end)}"
        else:
            label = _("%(start)s – under %(end)s") % {
                "start": quantity(start),
                "end": quantity(following.min_quantity),
            }
        rows.append((label, tier))
    return rows
