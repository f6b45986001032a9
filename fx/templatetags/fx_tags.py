from decimal import Decimal

from django import template
from django.utils.translation import get_language

from common.money import format_money
from fx import selectors

register = template.Library()


def viewer_currency(context) -> str:
    """The currency equivalents are shown in: the page's choice (``fx_currency``), else the
    viewer's company currency; empty for staff without a company."""
    chosen = context.get("fx_currency")
    if chosen:
        return chosen
    user = context.get("user")
    if user is None:
        request = context.get("request")
        user = getattr(request, "user", None)
    company = getattr(user, "company", None) if getattr(user, "company_id", None) else None
    return getattr(company, "currency", "") or ""


def _locale() -> str:
    return (get_language() or "en").replace("-", "_")


@register.inclusion_tag("fx/approx.html", takes_context=True)
def approx(context, amount: Decimal | None, currency: str):
    """The approximate equivalent of an amount in the viewer's currency, with the rate's date
    and source, or "no rate known"; nothing when the amount is in the viewer's currency.

    Every equivalent on a page shares one rates query (``selectors.request_rate_book``, or the
    page's own ``fx_book``)."""
    target = viewer_currency(context)
    if amount is None or not currency or not target or currency == target:
        return {"show": False}
    book = context.get("fx_book") or selectors.request_rate_book(context.get("request"))
    equivalent = book.convert(amount, currency, target)
    return {
        "show": True,
        "equivalent": equivalent,
        "text": format_money(equivalent.amount, target, _locale()) if equivalent else "",
        "from_currency": currency,
        "to_currency": target,
    }


@register.inclusion_tag("fx/rate.html")
def fx_rate(rate: selectors.FxRate | None):
    """A rate in words: "1 USD = 0.8951 EUR, ECB reference rate of 30 Oct 2026"."""
    return {"rate": rate}


@register.filter
def rate_digits(rate: Decimal | None) -> str:
    """A rate with six significant digits for reading (the stored one has ten decimals)."""
    if rate is None:
        return "—"
    return format(Decimal(f"{Decimal(rate):.6g}").normalize(), "f")
