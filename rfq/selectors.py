"""Reads of RFQs and quotations, each with the access check (outsiders: NotFound).

Who sees an RFQ: its buyer company; staff (read only); a seller while it is open, if it is
public and the seller has an active product in its category, or if the seller was invited;
and a seller that quoted on it, for good. Who sees a quotation: the RFQ's buyer company, the
quoting seller company, and staff; nobody else.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Side
from catalog.models import Product
from common.db import SubqueryCount
from common.errors import NotFound
from common.money import is_currency, price_string, quantize
from fx import selectors as fx_selectors
from fx.selectors import FxRate, RateBook
from rfq.models import QUOTATION_TERMS, RFQ, Quotation, QuotationRevision


def _no_rows() -> Q:
    return Q(pk__in=[])


def rfq_visibility(user) -> Q:
    if not user.is_authenticated:
        return _no_rows()
    if user.is_staff:
        return Q()
    if not user.company_id:
        return _no_rows()
    if user.side == Side.BUYER:
        return Q(buyer_company_id=user.company_id)
    return Q(state=RFQ.State.OPEN) & Q(
        Q(audience=RFQ.Audience.PUBLIC)
        & Q(
            Exists(
                Product.objects.filter(
                    seller_id=user.company_id, category_id=OuterRef("category_id"), active=True
                )
            )
        )
        | Q(
            Exists(
                RFQ.invited_sellers.through.objects.filter(
                    rfq_id=OuterRef("pk"), company_id=user.company_id
                )
            )
        )
    ) | Q(
        Exists(Quotation.objects.filter(rfq_id=OuterRef("pk"), seller_company_id=user.company_id))
    )


def _is_seller(user) -> bool:
    return user.is_authenticated and not user.is_staff and user.side == Side.SELLER


def rfqs_for_user(
    user,
    *,
    open_only: bool = False,
    state: str | None = None,
    category_id: int | None = None,
    destination_country: str | None = None,
    min_quantity: Decimal | None = None,
    max_quantity: Decimal | None = None,
    deadline_before: datetime.date | None = None,
    search: str | None = None,
) -> QuerySet[RFQ]:
    """The RFQs the user may see, newest first, in one query.

    Buyers and staff get ``quotation_count``; sellers get their own quotation's id and state
    (``my_quotation_id``, ``my_quotation_state``) and never the count of competitors.
    ``open_only``: still taking quotations (open, deadline not passed).
    """
    qs = (
        RFQ.objects.filter(rfq_visibility(user))
        .select_related("category", "buyer_company")
        .order_by("-created_at", "-pk")
    )
    if _is_seller(user):
        own = Quotation.objects.filter(rfq_id=OuterRef("pk"), seller_company_id=user.company_id)
        qs = qs.annotate(
            my_quotation_id=own.values("pk")[:1], my_quotation_state=own.values("state")[:1]
        )
    else:
        qs = qs.annotate(
            quotation_count=SubqueryCount(Quotation.objects.filter(rfq=OuterRef("pk")))
        )
    if open_only:
        qs = qs.filter(state=RFQ.State.OPEN, quotation_deadline__gt=timezone.now())
    if state:
        qs = qs.filter(state=state)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if destination_country:
        qs = qs.filter(destination_country=destination_country.upper())
    if min_quantity is not None:
        qs = qs.filter(quantity__gte=min_quantity)
    if max_quantity is not None:
        qs = qs.filter(quantity__lte=max_quantity)
    if deadline_before:
        qs = qs.filter(quotation_deadline__date__lte=deadline_before)
    if search:
        qs = qs.filter(Q(product_name__icontains=search) | Q(requirements__icontains=search))
    return qs


def rfq_get_for_user(*, user, rfq_id: int) -> RFQ:
    rfq = (
        rfqs_for_user(user)
        .select_related("created_by", "negotiation")
        .prefetch_related("attachments")
        .filter(pk=rfq_id)
        .first()
    )
    if rfq is None:
        raise NotFound(_("No such request for quotation."))
    return rfq


def quotation_visibility(user) -> Q:
    if not user.is_authenticated:
        return _no_rows()
    if user.is_staff:
        return Q()
    if not user.company_id:
        return _no_rows()
    return Q(rfq__buyer_company_id=user.company_id) | Q(seller_company_id=user.company_id)


def quotations_for_user(user, *, state: str | None = None) -> QuerySet[Quotation]:
    """Quotations the user may see (a seller: their own; a buyer: those on their RFQs)."""
    qs = (
        Quotation.objects.filter(quotation_visibility(user))
        .select_related("rfq__category", "rfq__buyer_company", "seller_company", "author")
        .order_by("-created_at", "-pk")
    )
    if state:
        qs = qs.filter(state=state)
    return qs


def rfq_default_currency(user) -> str:
    """The currency an RFQ form starts with: the one the buyer's company used last, else the
    company's currency (its country's unless changed), else US dollars; never just the first in
    the list."""
    company_id = getattr(user, "company_id", None)
    last = (
        RFQ.objects.filter(buyer_company_id=company_id)
        .order_by("-created_at", "-pk")
        .values_list("currency", flat=True)
        .first()
        if company_id
        else None
    )
    if last:
        return last
    return (user.company.currency if company_id else "") or "USD"


def quotation_get_for_user(*, user, quotation_id: int) -> Quotation:
    quotation = quotations_for_user(user).filter(pk=quotation_id).first()
    if quotation is None:
        raise NotFound(_("No such quotation."))
    return quotation


# --- The comparison table ---------------------------------------------------------------------

# sort key -> the ordering columns (ascending); "-key" reverses the key column. Prices compare in
# the comparison currency (``converted_unit_price``); quotations with no known rate into it
# (``no_rate``) are listed after the others, whatever the column and direction.
COMPARISON_SORTS = {
    "seller": ("seller_company__legal_name",),
    "country": ("seller_company__country",),
    "verified": ("seller_company__verified",),
    "member_since": ("seller_company__created_at",),
    "unit_price": ("converted_unit_price", "currency", "unit_price"),
    "total": ("converted_unit_price", "currency", "unit_price"),
    "moq": ("moq",),
    "lead_time": ("lead_time_days",),
    "incoterm": ("incoterm",),
    "validity": ("valid_until",),
    "state": ("state",),
    "submitted": ("created_at",),
}
DEFAULT_SORT = "total"


def comparison_sort(sort: str | None) -> str:
    """The sort parameter if it is a known column (optionally ``-`` prefixed), else the default."""
    if sort and sort.lstrip("-") in COMPARISON_SORTS:
        return sort
    return DEFAULT_SORT


def comparison_currency(user, rfq: RFQ, chosen: str | None = None) -> str:
    """The currency quotations are ranked and totalled in: the buyer's choice when it is a
    currency, else the buyer company's currency, else the RFQ's."""
    chosen = (chosen or "").strip().upper()
    if chosen and is_currency(chosen):
        return chosen
    if getattr(user, "company_id", None) and user.company_id == rfq.buyer_company_id:
        return user.company.currency or rfq.currency
    return rfq.currency


def comparison_rates(currency: str, *, book: RateBook | None = None) -> dict[str, FxRate]:
    """The rate from every currency with a known rate into ``currency`` today, by fx's date
    rules, in one query (none when the page already loaded today's ``book``)."""
    book = book or fx_selectors.rate_book()
    rates = {code: book.rate(code, currency) for code in {*book.currencies(), currency}}
    return {code: rate for code, rate in rates.items() if rate is not None}


@dataclass
class ComparisonRow:
    quotation: Quotation
    total: Decimal  # for the RFQ's quantity, in the quotation's own currency
    moq_above_quantity: bool
    currency: str  # the comparison currency
    rate: FxRate | None  # from the quotation's currency into it; None: no rate known
    converted_total: Decimal | None  # the total in it, rounded to its minor unit

    @property
    def ranked(self) -> bool:
        return self.rate is not None

    # What the seller's latest revision changed (empty for a quotation never revised).
    changes: list = field(default_factory=list)


def quotation_total(quotation: Quotation, rfq: RFQ) -> Decimal:
    """The quotation's price for the RFQ's whole quantity, in the quotation's own currency."""
    return quantize(quotation.unit_price * rfq.quantity, quotation.currency)


def comparison_queryset(
    *, user, rfq: RFQ, sort: str | None = None, rates: dict[str, FxRate] | None = None
) -> QuerySet[Quotation]:
    """The quotations on an RFQ the user may see, sorted by a column (page it: the table
    renders one page, whatever the number of quotations).

    The buyer (and staff) see all; a seller only their own; others none. Prices sort by their
    value in the comparison currency (``rates``, from ``comparison_rates``); quotations in a
    currency without a rate come after all others, whatever the direction: they cannot be
    ranked without an exchange rate, which is never invented.
    """
    rates = rates or {}
    qs = quotations_for_user(user).filter(rfq_id=rfq.pk)
    sort = comparison_sort(sort)
    descending = sort.startswith("-")
    ordering = [F("no_rate").asc()]
    for column in COMPARISON_SORTS[sort.lstrip("-")]:
        ordering.append(F(column).desc() if descending else F(column).asc())
    price = DecimalField(max_digits=32, decimal_places=14)
    converted = (
        Case(
            *(
                When(currency=code, then=F("unit_price") * Value(rate.rate, output_field=price))
                for code, rate in sorted(rates.items())
            ),
            default=Value(None, output_field=price),
            output_field=price,
        )
        if rates
        else Value(None, output_field=price)
    )
    return qs.annotate(
        converted_unit_price=converted,
        no_rate=Case(
            When(currency__in=list(rates), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by(*ordering, "pk")


def comparison_page(
    *,
    user,
    rfq: RFQ,
    sort: str | None,
    number,
    per_page: int,
    currency: str | None = None,
    book: RateBook | None = None,
):
    """One page of the comparison and its rows in ``currency`` (default: the viewer's, see
    ``comparison_currency``), in a rates query, a count and one query, however many quotations
    there are.

    The page's quotations are picked by a subquery that sorts only the columns the order needs
    (the quotation table, and the seller's company when sorting by it); the outer query reads
    those few with their RFQ, category and companies. Sorting every wide joined row only to
    keep 25 made the page grow with the number of quotations.
    """
    currency = comparison_currency(user, rfq, currency)
    rates = comparison_rates(currency, book=book)
    ordered = comparison_queryset(user=user, rfq=rfq, sort=sort, rates=rates)
    page = Paginator(ordered.select_related(None).values("pk"), per_page).get_page(number)
    rows = comparison_rows(rfq, ordered.filter(pk__in=page.object_list), currency, rates)
    return page, rows


def comparison_rows(
    rfq: RFQ, quotations, currency: str, rates: dict[str, FxRate]
) -> list[ComparisonRow]:
    """A comparison row per quotation: its total as quoted, and in the comparison currency
    with the rate used, when one is known; with what the latest revision changed (one more
    query, only when a quotation on the page was revised)."""
    rows = []
    for q in quotations:
        total = quotation_total(q, rfq)
        rate = rates.get(q.currency)
        rows.append(
            ComparisonRow(
                quotation=q,
                total=total,
                moq_above_quantity=q.moq > rfq.quantity,
                currency=currency,
                rate=rate,
                converted_total=rate.convert(total) if rate else None,
            )
        )
    revised = [row.quotation.pk for row in rows if row.quotation.revision > 1]
    if revised:
        latest = latest_revision_changes(quotation_ids=revised)
        for row in rows:
            row.changes = latest.get(row.quotation.pk, [])
    return rows


# --- Quotation revisions ----------------------------------------------------------------------


def _term_labels() -> dict:
    return {name: str(Quotation._meta.get_field(name).verbose_name) for name in QUOTATION_TERMS}


def _shown(name: str, value, terms: dict) -> str:
    if value in (None, ""):
        return ""
    if name == "unit_price":
        return price_string(Decimal(value), terms.get("currency", "")) or ""
    if name == "moq":
        return f"{Decimal(value).normalize():f}"
    return str(value)


def quotation_revision_changes(before: dict, after: dict) -> list[dict]:
    """What changed from one revision's terms to the next, in the order of QUOTATION_TERMS:
    ``field``, ``label``, ``before``, ``after`` (as text: prices in the price format)."""
    labels = _term_labels()
    changes = []
    for name in QUOTATION_TERMS:
        old, new = _shown(name, before.get(name), before), _shown(name, after.get(name), after)
        if old != new:
            changes.append({"field": name, "label": labels[name], "before": old, "after": new})
    return changes


def latest_revision_changes(*, quotation_ids: list[int]) -> dict[int, list[dict]]:
    """For each quotation, what its latest revision changed against the one before; one query."""
    pairs: dict[int, dict[int, dict]] = {}
    for quotation_id, number, terms in QuotationRevision.objects.filter(
        quotation_id__in=quotation_ids, number__gte=F("quotation__revision") - 1
    ).values_list("quotation_id", "number", "terms"):
        pairs.setdefault(quotation_id, {})[number] = terms
    result = {}
    for quotation_id, by_number in pairs.items():
        if len(by_number) == 2:
            before, after = (by_number[n] for n in sorted(by_number))
            result[quotation_id] = quotation_revision_changes(before, after)
    return result


def quotation_revisions_for_user(*, user, quotation_id: int) -> list[dict]:
    """A quotation's revisions, oldest first, each with what it changed against the one before
    (the buyer and the quoting seller; others NotFound). Two queries."""
    quotation = quotation_get_for_user(user=user, quotation_id=quotation_id)
    history = []
    previous = None
    for revision in QuotationRevision.objects.filter(quotation=quotation).order_by("number"):
        history.append(
            {
                "number": revision.number,
                "created_at": revision.created_at,
                "terms": {
                    name: _shown(name, revision.terms.get(name), revision.terms)
                    for name in QUOTATION_TERMS
                },
                "changes": []
                if previous is None
                else quotation_revision_changes(previous.terms, revision.terms),
            }
        )
        previous = revision
    return history


def quotations_on_rfq(
    *, user, rfq: RFQ, sort: str | None = None, currency: str | None = None
) -> list[ComparisonRow]:
    """Every comparison row at once, in the rates query and one more (the API's unpaginated
    comparison); ``currency`` as for ``comparison_page``."""
    currency = comparison_currency(user, rfq, currency)
    rates = comparison_rates(currency)
    return comparison_rows(
        rfq, comparison_queryset(user=user, rfq=rfq, sort=sort, rates=rates), currency, rates
    )
