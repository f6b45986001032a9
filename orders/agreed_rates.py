"""The exchange rates locked with a sealed version of an order (issue 15).

When a version is sealed (both parties confirmed, ``services.order_confirm``; or an amendment was
accepted, ``amendments``), the rate between the order's currency and each party's company
currency is copied into ``AgreedRate`` rows for that ``agreed_version``: the rate of the sealing
day by fx's date rules (fx.selectors), with its date and source, and the order total at it. The
rows are never updated: later rates, or a party changing its currency, do not alter what was
agreed. A party already in the order's currency gets no row; a pair with no known rate gets a
row without a rate (said so on the order sheet, never invented).
"""

from django.utils import timezone

from fx import selectors as fx_selectors
from orders.models import AgreedRate, Order, Revision


def agreed_rates_record(*, order: Order) -> list[AgreedRate]:
    """Runs in the transaction that sealed ``order.agreed_version``; a second call for the same
    seal adds nothing."""
    revision = Revision.objects.filter(order=order, version=order.agreed_version).first()
    if revision is None:
        return []
    negotiation = order.negotiation
    parties = (("buyer", negotiation.buyer_company), ("seller", negotiation.seller_company))
    now = timezone.now()
    book = fx_selectors.rate_book(
        on=timezone.localdate(now),
        currencies={revision.currency, *(company.currency for _, company in parties)},
    )
    rows = []
    for side, company in parties:
        if not company.currency or company.currency == revision.currency:
            continue
        equivalent = book.convert(revision.total, revision.currency, company.currency)
        rate = equivalent.rate if equivalent else None
        rows.append(
            AgreedRate(
                order=order,
                agreed_version=order.agreed_version,
                side=side,
                company=company,
                order_currency=revision.currency,
                currency=company.currency,
                rate=rate.rate if rate else None,
                rate_date=rate.date if rate else None,
                source="+".join(rate.sources) if rate else "",
                total=revision.total,
                total_converted=equivalent.amount if equivalent else None,
                recorded_at=now,
            )
        )
    AgreedRate.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def agreed_rates_for_order(order: Order) -> list[AgreedRate]:
    """The rates locked with the order's current sealed version (none before agreement)."""
    if not order.agreed_version:
        return []
    return list(
        AgreedRate.objects.filter(order=order, agreed_version=order.agreed_version)
        .select_related("company")
        .order_by("side")
    )
