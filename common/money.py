"""Money: Decimal amounts in an ISO 4217 currency, rounded to the currency's minor unit."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _


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


def country_currency(country: str, fallback: str = "USD") -> str:
    """The currency in legal use in a country (ISO 3166 code) today: EUR for DE, CNY for CN;
    ``fallback`` when the country has none we know."""
    if country:
        for code in get_territory_currencies(str(country), start_date=datetime.date.today()):
            if is_currency(code):
                return code
    return fallback


def minor_unit_exponent(currency: str) -> int:
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (JPY has none, BHD has three)."""
    exponent = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


# Digits with an optional decimal point; thousands separators only in groups of three.
AMOUNT_PATTERN = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# Amounts are stored with 18 digits, 4 of them decimals (Payment.amount, Revision.total):
# below this, rounding to a minor unit cannot carry into a fifteenth integer digit.
MAX_AMOUNT = Decimal(10) ** 14 - 1


class AmountError(ValueError):
    pass


def parse_amount(raw) -> Decimal:
    """An amount a person typed or a client sent: "1234.50", "1,234.50", 1234.5.

    No exponent, sign, or separators out of place ("1e30", "1,0,0", "-5"), and below
    MAX_AMOUNT. Raises AmountError with a message for the person.
    """
    text = str(raw).strip() if isinstance(raw, str | int | float | Decimal) else ""
    if isinstance(raw, bool) or not AMOUNT_PATTERN.fullmatch(text):
        raise AmountError(_("Enter an amount such as 1250.00, without a sign or exponent."))
    value = Decimal(text.replace(",", ""))
    if value >= MAX_AMOUNT:
        raise AmountError(_("Enter an amount below %(max)s.") % {"max": f"{MAX_AMOUNT:,.0f}"})
    return value


def money_string(amount: Decimal | None, currency: str) -> str | None:
    """The API's one money format: a string with exactly the currency's minor unit digits.

    "1545.00" in USD, "1545" in JPY, "1.545" in BHD; two decimals while no currency is set.
    """
    if amount is None:
        return None
    return format(quantize(Decimal(amount), currency), "f")


def price_string(amount: Decimal | None, currency: str) -> str | None:
    """A unit price: the money format, with more decimals (up to the stored 4) only when the
    price has them ("1.65", "0.0125")."""
    if amount is None:
        return None
    amount = Decimal(amount)
    places = max(minor_unit_exponent(currency), min(4, -amount.normalize().as_tuple().exponent))
    return format(amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def format_money(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    """The amount as the reader writes it: ``locale`` (a language code), by default the active
    language (the reader's: pages, or the recipient's in common.i18n.in_language_of)."""
    if amount is None or not currency:
        return "—"
    return format_currency(amount, currency, locale=to_locale(locale or get_language() or "en"))
