"""Reads of exchange rates: the rate between two currencies on a date, and conversions.

Date rules (docs/exchange-rates.md): the rate used for a date is the latest one dated on or
before it, at most ``FX_RATE_MAX_AGE_DAYS`` days older (weekends, holidays and a feed that
missed a day fall back; a rate dated after the date is never used). Nothing in that window means
no rate: ``None``, never an invented or a stale one.

Paths between two currencies, the newest wins (ties in this order): a direct rate (A→B), the
inverse of the opposite rate (B→A), the cross rate through the euro (EUR→A and EUR→B, the ECB's
own base; dated by its older leg). Rates are Decimal, kept to 10 decimal places; an amount
converted with one is rounded half up to the target currency's minor unit (JPY 0, BHD 3).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from common.money import quantize
from fx.models import Rate, Source

PIVOT = "EUR"
RATE_PLACES = Decimal("1e-10")


@dataclass(frozen=True)
class FxRate:
    """One unit of ``base`` is worth ``rate`` units of ``quote``, as of ``date``."""

    base: str
    quote: str
    rate: Decimal
    date: datetime.date
    sources: tuple[str, ...]

    @property
    def source_labels(self) -> str:
        labels = dict(Source.choices)
        return "; ".join(str(labels.get(source, source)) for source in self.sources)

    def convert(self, amount: Decimal) -> Decimal:
        return quantize(Decimal(amount) * self.rate, self.quote)


@dataclass(frozen=True)
class Equivalent:
    amount: Decimal
    currency: str
    rate: FxRate


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FX_RATE_MAX_AGE_DAYS)


class RateBook:
    """The latest rate of each pair on or before ``on`` within the window, loaded in one query
    (``rate_book``); answers any number of lookups for that date without another."""

    def __init__(self, on: datetime.date, rows: Iterable[tuple]):
        self.on = on
        self.pairs = {
            (base, quote): (rate, date, source) for base, quote, rate, date, source in rows
        }

    def _direct(self, base: str, quote: str) -> FxRate | None:
        found = self.pairs.get((base, quote))
        if found:
            return FxRate(base, quote, found[0], found[1], (found[2],))
        found = self.pairs.get((quote, base))
        if found:
            rate = (Decimal(1) / found[0]).quantize(RATE_PLACES)
            return FxRate(base, quote, rate, found[1], (found[2],))
        return None

    def rate(self, base: str, quote: str) -> FxRate | None:
        if not base or not quote:
            return None
        if base == quote:
            return FxRate(base, quote, Decimal(1), self.on, ())
        candidates = []
        direct = self._direct(base, quote)
        if direct:
            candidates.append(direct)
        if PIVOT not in (base, quote):
            from_pivot, to_pivot = self.pairs.get((PIVOT, base)), self.pairs.get((PIVOT, quote))
            if from_pivot and to_pivot:
                candidates.append(
                    FxRate(
                        base,
                        quote,
                        (to_pivot[0] / from_pivot[0]).quantize(RATE_PLACES),
                        min(from_pivot[1], to_pivot[1]),
                        tuple(dict.fromkeys((from_pivot[2], to_pivot[2]))),
                    )
                )
        # max() keeps the first of equal dates: direct, inverse, then the cross rate.
        return max(candidates, key=lambda c: c.date) if candidates else None

    def convert(self, amount: Decimal | None, base: str, quote: str) -> Equivalent | None:
        rate = self.rate(base, quote)
        if rate is None or amount is None:
            return None
        return Equivalent(rate.convert(amount), quote, rate)

    def currencies(self) -> set[str]:
        return {code for pair in self.pairs for code in pair}


def rate_book(*, on: datetime.date | None = None, currencies: Iterable[str] | None = None):
    """Every pair's latest rate for ``on`` (default today), in one query; only pairs among
    ``currencies`` (and the euro) when given."""
    on = on or timezone.localdate()
    qs = Rate.objects.filter(date__lte=on, date__gte=on - max_age())
    if currencies is not None:
        codes = {*currencies, PIVOT}
        qs = qs.filter(base__in=codes, quote__in=codes)
    latest = (
        Rate.objects.filter(base=OuterRef("base"), quote=OuterRef("quote"), date__lte=on)
        .order_by("-date")
        .values("date")[:1]
    )
    rows = qs.filter(date=Subquery(latest)).values_list("base", "quote", "rate", "date", "source")
    return RateBook(on, rows)


def rate_lookup(base: str, quote: str, *, on: datetime.date | None = None) -> FxRate | None:
    """The rate for one unit of ``base`` in ``quote`` on a date (module docstring's rules)."""
    return rate_book(on=on, currencies=(base, quote)).rate(base, quote)


def convert(
    amount: Decimal, base: str, quote: str, *, on: datetime.date | None = None
) -> Equivalent | None:
    return rate_book(on=on, currencies=(base, quote)).convert(amount, base, quote)


def request_rate_book(request) -> RateBook:
    """Today's book for a page, loaded at most once per request (every equivalent on the page
    shares its one query)."""
    book = getattr(request, "_fx_rate_book", None) if request is not None else None
    if book is None:
        book = rate_book()
        if request is not None:
            request._fx_rate_book = book
    return book
