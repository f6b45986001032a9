"""Money: Decimal amounts in an ISO 4217 currency, rounded to the currency's minor unit."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies


@cache
def active_currencies() -> frozenset[str]:
    """The ISO 4217 codes in legal use in some territory today (no historic codes)."""
    today = datetime.date.today()
    codes = set()
    for territory in Locale("en").territories:
        codes.update(get_territory_currencies(territory, start_date=today, non_tender=False))
    return frozenset(codes)


@cache
def currency_choices() -> list[tuple[str, str]]:
    names = Locale("en").currencies
    return sorted((code, f"{code} – {names.get(code, code)}") for code in active_currencies())


def is_currency(code: str) -> bool:
    return code in active_currencies()


def minor_unit_exponent(currency: str) -> int:
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (JPY has none, BHD has three)."""
    exponent = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str, locale: str = "en") -> str:
    if amount is None or not currency:
        return "—"
    return format_currency(amount, currency, locale=locale.replace("-", "_"))
