import functools
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from catalog.models import format_quantity, quantity_with_unit
from common.money import format_money

register = template.Library()


def _locale() -> str:
    return (get_language() or "en").replace("-", "_")


@register.simple_tag
def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the request's language, e.g. ``{% money product.price_min "USD" %}``."""
    return format_money(amount, currency, _locale())


@register.filter
def money_in(amount: Decimal | None, currency: str) -> str:
    """``{% money %}`` as a filter, for ``blocktranslate with total=total|money_in:"USD"``."""
    return format_money(amount, currency, _locale())


@register.filter
def cut_final_stop(name) -> str:
    """A name without its final full stop, for a sentence that ends with it: "sent to
    Ningbo Bright Co., Ltd." and not "... Ltd.."."""
    return str(name).rstrip().removesuffix(".")


@register.filter
def quantity(value: Decimal | None) -> str:
    """A quantity without trailing zeros, grouped for the request's language: 1,000 or 2.5."""
    if value is None:
        return ""
    return format_quantity(value)


@register.filter
def quantity_unit(value: Decimal | None, unit: str) -> str:
    """A quantity with its unit in the number that agrees: "1 piece", "1,000 pieces"."""
    if value is None:
        return ""
    return quantity_with_unit(value, unit)


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


@functools.cache
def _country_options(language: str) -> tuple[tuple[str, str], ...]:
    # The language is part of the key: the names are translated.
    return tuple(
        (code, format_html('<option value="{}">{}</option>', code, name))
        for code, name in countries
    )


@register.simple_tag
def country_options(selected: str = "") -> str:
    """Every country as ``<option>`` markup, built once per language: the inbox filter and the
    RFQ forms list about 250 countries, and a template loop over them on each request costs more
    than the rest of the page. ``selected`` is the chosen code."""
    options = []
    for code, markup in _country_options(get_language() or "en"):
        if code == selected:
            markup = markup.replace("<option ", "<option selected ", 1)
        options.append(markup)
    return mark_safe("".join(options))  # noqa: S308 - built by format_html above
