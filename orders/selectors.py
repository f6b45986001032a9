"""Reads of orders, each with the access check; outsiders get NotFound, never a hint."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Side
from accounts.selectors import freight_rates_of_seller, sales_contact
from catalog.models import Product
from common.errors import NotFound
from common.money import quantize
from orders import terms as order_terms
from orders.models import Order, OrderEvent, OrderStatus, Revision

# The seller's draft is private to the seller's company.
HIDDEN_FROM_BUYER = (OrderStatus.DRAFT,)


def is_draft(order: Order) -> bool:
    """Still the seller's private draft: nobody has confirmed it yet."""
    return order.status in HIDDEN_FROM_BUYER


def order_visibility(user) -> Q:
    """Staff see every order; the seller's company sees its drafts; the buyer's does not."""
    if user.is_staff:
        return Q()
    if not user.is_authenticated or not user.company_id:
        return Q(pk__in=[])
    return Q(negotiation__seller_company_id=user.company_id) | (
        Q(negotiation__buyer_company_id=user.company_id) & ~Q(status__in=HIDDEN_FROM_BUYER)
    )


def orders_for_user(
    user, *, status: Iterable[str] = (), negotiation: int | None = None
) -> QuerySet[Order]:
    """The orders the user may see, optionally only in some states or of one negotiation."""
    qs = Order.objects.filter(order_visibility(user)).select_related(
        "negotiation__buyer_company", "negotiation__seller_company"
    )
    if status:
        qs = qs.filter(status__in=list(status))
    if negotiation is not None:
        qs = qs.filter(negotiation_id=negotiation)
    return qs


def order_get_for_user(*, user, order_id: int) -> Order:
    """The order with its lines, or NotFound for anyone who may not see it."""
    return _one(orders_for_user(user).prefetch_related("lines"), order_id)


def order_detail_for_user(*, user, order_id: int) -> Order:
    """The order with lines, revisions and events, in a constant number of queries."""
    queryset = (
        orders_for_user(user)
        .select_related("agreed_by", "created_by")
        .prefetch_related(
            "lines",
            Prefetch(
                "revisions",
                queryset=Revision.objects.select_related("author").defer("terms"),
            ),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        )
    )
    return _one(queryset, order_id)


def order_api_detail_for_user(*, user, order_id: int) -> Order:
    """The order with the number of revisions and events, in one query (the lines are read only
    when its payload is not cached): the API's order detail links the revisions and the
    timeline instead of embedding them, so its cost does not grow with the order's history."""
    from common.db import SubqueryCount

    queryset = (
        orders_for_user(user)
        .select_related("agreed_by")
        .annotate(
            revision_count=SubqueryCount(Revision.objects.filter(order_id=OuterRef("pk"))),
            event_count=SubqueryCount(OrderEvent.objects.filter(order_id=OuterRef("pk"))),
        )
    )
    return _one(queryset, order_id)


def _one(queryset: QuerySet[Order], order_id: int) -> Order:
    order = queryset.filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def side_of(user, order: Order) -> str | None:
    """The side the user is on in this order's negotiation, or None (staff, outsiders)."""
    from inquiries.selectors import negotiation_side

    return negotiation_side(user, order.negotiation)


def proposals_for_user(*, user, order_id: int, relation: str) -> QuerySet:
    """An order's proposals (``relation``: "offers" or "amendments"), oldest first; NotFound
    for anyone who may not see the order."""
    order = order_get_for_user(user=user, order_id=order_id)
    return (
        getattr(order, relation)
        .select_related("proposed_by", "decided_by")
        .order_by("created_at", "pk")
    )


def proposal_get_for_user(*, user, order_id: int, relation: str, pk: int, missing: str):
    """One proposal of the order; NotFound with ``missing`` when the user may not see it."""
    proposal = proposals_for_user(user=user, order_id=order_id, relation=relation)
    proposal = proposal.filter(pk=pk).first()
    if proposal is None:
        raise NotFound(missing)
    return proposal


def revisions_for_user(*, user, order_id: int) -> QuerySet[Revision]:
    order = order_get_for_user(user=user, order_id=order_id)
    return order.revisions.select_related("author").order_by("version")


def revision_get_for_user(*, user, order_id: int, version: int) -> Revision:
    revision = revisions_for_user(user=user, order_id=order_id).filter(version=version).first()
    if revision is None:
        raise NotFound(_("No version %(version)s.") % {"version": version})
    return revision


def revision_diff_for_user(*, user, order_id: int, from_version: int, to_version: int) -> dict:
    """Changes between two revisions; ``to_version`` may be the live order's current version."""
    order = order_get_for_user(user=user, order_id=order_id)
    wanted = {from_version, to_version}
    documents = {r.version: r.terms for r in order.revisions.filter(version__in=wanted)}
    if order.version in wanted and order.version not in documents:
        documents[order.version] = order_terms.canonical(order_terms.from_order(order))
    missing = wanted - documents.keys()
    if missing:
        raise NotFound(_("No version %(version)s.") % {"version": min(missing)})
    return {
        "from_version": from_version,
        "to_version": to_version,
        "currency": documents[to_version]["totals"].get("currency", ""),
        # Compared in the money format, so that before and after read as the order does.
        "changes": order_terms.diff(
            order_terms.presented(documents[from_version]),
            order_terms.presented(documents[to_version]),
        ),
    }


def last_revision_of_side(order: Order, side: str) -> Revision | None:
    """The latest revision a side confirmed (uses the prefetched revisions when present)."""
    revisions = getattr(order, "latest_revisions", None)
    if revisions is None:
        revisions = order.revisions.all()
    revisions = [r for r in revisions if r.author_side == side]
    return revisions[-1] if revisions else None


def order_for_workspace(user, order: Order) -> Order | None:
    """The negotiation's order, already loaded with it, if the user may see it: with its lines
    and each side's latest revision (``latest_revisions``), in two queries however many
    rounds there were."""
    if not order_is_visible(user, order):
        return None
    latest = (
        Revision.objects.filter(order_id=OuterRef("order_id"), author_side=OuterRef("author_side"))
        .order_by("-version")
        .values("version")[:1]
    )
    prefetch_related_objects(
        [order],
        "lines",
        Prefetch(
            "revisions",
            queryset=Revision.objects.filter(version=Subquery(latest)).order_by("version"),
            to_attr="latest_revisions",
        ),
    )
    return order


def timeline_for_user(*, user, order_id: int) -> QuerySet[OrderEvent]:
    order = order_get_for_user(user=user, order_id=order_id)
    return order.events.select_related("actor").order_by("created_at", "pk")


def order_seal_check(order: Order) -> bool | None:
    """True when the agreed revision and the live terms still hash to the sealed digest.

    None while the order is not agreed. Anyone who can see the order can run this check; the
    canonical JSON of the agreed revision is public to both sides, so they can recompute it.
    """
    if not order.agreed_digest:
        return None
    revision = order.revisions.filter(version=order.agreed_version).first()
    if revision is None:
        return False
    live = order_terms.digest(order_terms.canonical(order_terms.from_order(order)))
    return order_terms.digest(revision.terms) == order.agreed_digest == live


def order_is_visible(user, order: Order) -> bool:
    """The same rule as ``order_visibility``, for an order already loaded with its negotiation."""
    if user.is_staff:
        return True
    company_id = getattr(user, "company_id", None)
    negotiation = order.negotiation
    if company_id == negotiation.seller_company_id:
        return True
    return company_id == negotiation.buyer_company_id and order.status not in HIDDEN_FROM_BUYER


# --- Inbox (the pages' business-opportunity lists) -----------------------------------------

INBOX_STATES = (
    "inquiry",
    OrderStatus.DRAFT,
    OrderStatus.SELLER_CONFIRMED,
    OrderStatus.BUYER_CONFIRMED,
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.READY_TO_SHIP,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.CANCELLED,
)
# Issue 14 point 2: a tab across states, the confirmations past their validity.
EXPIRED_TAB = "expired"


def expired_offer(now, prefix: str = "") -> Q:
    """The order's current confirmation is past its validity (``Order.offer_expired``)."""
    return Q(**{f"{prefix}status__in": Order.OFFER_STATES, f"{prefix}valid_until__lte": now})


def inbox_tabs_for_user(user) -> list[dict]:
    """The inbox tabs the user sees, each with its count (one query) and whose turn it is.

    A tab is an order state, or ``inquiry`` for negotiations without an order the user can see.
    ``waiting_for`` is the side that must act in that state (None when nobody must).
    """
    from django.db.models import BooleanField, Case, Count, Value, When

    from inquiries.selectors import negotiation_state, negotiations_for_user

    states = [
        state
        for state in INBOX_STATES
        if not (user.side == Side.BUYER and state in HIDDEN_FROM_BUYER)
    ]
    # One GROUP BY over the user's negotiations, not one filtered count per state.
    expired = Case(
        When(expired_offer(timezone.now(), "order__"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    counts: dict[str, int] = {}
    for state, is_expired, count in (
        negotiations_for_user(user)
        .order_by()
        .annotate(inbox_state=negotiation_state(user), expired=expired)
        .values_list("inbox_state", "expired")
        .annotate(count=Count("pk"))
    ):
        counts[state] = counts.get(state, 0) + count
        if is_expired:
            counts[EXPIRED_TAB] = counts.get(EXPIRED_TAB, 0) + count
    tabs = [
        {
            "state": state,
            "count": counts.get(state, 0),
            "waiting_for": None if state == "inquiry" else Order(status=state).waiting_for,
        }
        for state in states
    ]
    # After the last state an offer can be in.
    tabs.insert(
        states.index(OrderStatus.BUYER_CONFIRMED) + 1,
        {"state": EXPIRED_TAB, "count": counts.get(EXPIRED_TAB, 0), "waiting_for": None},
    )
    return tabs


def inbox_for_user(
    user,
    *,
    state: str | None = None,
    query: str = "",
    country: str = "",
    since=None,
    until=None,
):
    """The user's negotiations for the inbox, filtered (the inbox reads the order lines only
    for the rows it does not have cached).

    ``state`` may also be EXPIRED_TAB: the confirmations past their validity, in either
    state. ``query`` matches the counterpart company, the product or the order number (LOI-000042
    or 42); ``country`` is the counterpart's country code.
    """
    import re

    from inquiries.selectors import counterpart_matches, negotiations_for_user

    if state == EXPIRED_TAB:
        qs = negotiations_for_user(user, since=since, until=until).filter(
            expired_offer(timezone.now(), "order__")
        )
    else:
        qs = negotiations_for_user(user, state=state, since=since, until=until)
    if country:
        qs = qs.filter(counterpart_matches(user, "country", country))
    query = query.strip()
    if query:
        match = Q(product__name__icontains=query) | Q(inquiry__subject__icontains=query)
        match |= counterpart_matches(user, "legal_name__icontains", query)
        number = re.fullmatch(r"(?:LOI-?)?0*(\d{1,12})", query, flags=re.IGNORECASE)
        if number:
            visible = Order.objects.filter(order_visibility(user), pk=int(number.group(1)))
            match |= Q(order__in=visible)
        qs = qs.filter(match)
    return qs


# --- Start Order: what the seller's side fills in ---------------------------------------------


@dataclass(frozen=True)
class StartOrderSeller:
    """What Start Order takes from the seller, never from the buyer: the seller contact (the
    default sales contact), the origin country, and the freight rates in the product's
    currency, which decide the Incoterms offered and the shipping fee."""

    company_name: str
    contact: dict
    origin_country: str
    currency: str
    rates: list

    @property
    def unavailable(self) -> str:
        """Why Start Order is not offered at all, or "": it needs the seller's whole contact,
        which the buyer cannot type."""
        if all(self.contact.values()):
            return ""
        return (
            f"{self.company_name} has not set a complete sales contact (name, e-mail and "
            "phone) yet, so Start Order is not offered: send an inquiry instead."
        )

    def rate_to(self, country: str):
        return next((r for r in self.rates if r.destination_country.code == country), None)

    def offers(self, incoterm: str, country: str) -> bool:
        """Start Order is offered for the Incoterm to the country: the buyer carries, or the
        seller has a rate there."""
        return not order_terms.seller_pays_carriage(incoterm) or self.rate_to(country) is not None

    def shipping_fee(self, *, country: str, quantity: Decimal) -> Decimal | None:
        rate = self.rate_to(country)
        return quantize(rate.fee_for(quantity), self.currency) if rate else None

    @property
    def terms(self) -> dict:
        return {
            "origin_country": self.origin_country,
            "seller_contact_name": self.contact["name"],
            "seller_contact_email": self.contact["email"],
            "seller_contact_phone": self.contact["phone"],
        }


def start_order_seller(product: Product) -> StartOrderSeller:
    """Two queries at most: the rates, and the first member when no sales contact is set."""
    seller = product.seller
    return StartOrderSeller(
        company_name=seller.legal_name,
        contact=sales_contact(seller),
        origin_country=seller.country.code,
        currency=product.currency,
        rates=list(freight_rates_of_seller(seller.pk).filter(currency=product.currency)),
    )


def start_order_seller_for_product(*, product_id: int) -> StartOrderSeller:
    product = Product.objects.select_related("seller").filter(pk=product_id, active=True).first()
    if product is None:
        raise NotFound(_("No such product."))
    return start_order_seller(product)
