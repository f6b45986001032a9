"""Reads of orders, each with the access check; outsiders get NotFound, never a hint."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Side
from common.errors import NotFound
from orders import terms as order_terms
from orders.models import Order, OrderEvent, OrderStatus, Revision


def order_visibility(user) -> Q:
    """Staff see every order; the seller's company sees its drafts; the buyer's does not."""
    if user.is_staff:
        return Q()
    if not user.is_authenticated or not user.company_id:
        return Q(pk__in=[])
    return Q(negotiation__seller_company_id=user.company_id) | (
        Q(negotiation__buyer_company_id=user.company_id) & ~Q(status=OrderStatus.DRAFT)
    )


def orders_for_user(user) -> QuerySet[Order]:
    return Order.objects.filter(order_visibility(user)).select_related(
        "negotiation__buyer_company", "negotiation__seller_company"
    )


def order_get_for_user(*, user, order_id: int) -> Order:
    """The order with its lines, or NotFound for anyone who may not see it."""
    order = orders_for_user(user).prefetch_related("lines").filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order


def order_detail_for_user(*, user, order_id: int) -> Order:
    """The order with lines, revisions and events, in a constant number of queries."""
    order = (
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
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("No such order.")
    return order


def side_of(user, order: Order) -> str | None:
    """The side the user is on in this order's negotiation, or None (staff, outsiders)."""
    company_id = getattr(user, "company_id", None)
    if company_id is None:
        return None
    if company_id == order.negotiation.seller_company_id:
        return Side.SELLER
    if company_id == order.negotiation.buyer_company_id:
        return Side.BUYER
    return None


def revisions_for_user(*, user, order_id: int) -> QuerySet[Revision]:
    order = order_get_for_user(user=user, order_id=order_id)
    return order.revisions.select_related("author").order_by("version")


def revision_get_for_user(*, user, order_id: int, version: int) -> Revision:
    revision = revisions_for_user(user=user, order_id=order_id).filter(version=version).first()
    if revision is None:
        raise NotFound(f"No revision {version}.")
    return revision


def revision_diff_for_user(*, user, order_id: int, from_version: int, to_version: int) -> dict:
    """Changes between two revisions; ``to_version`` may be the live order's current version."""
    order = order_get_for_user(user=user, order_id=order_id)
    documents = {}
    for version in {from_version, to_version}:
        if version == order.version and not order.revisions.filter(version=version).exists():
            documents[version] = order_terms.canonical(order_terms.from_order(order))
        else:
            documents[version] = revision_get_for_user(
                user=user, order_id=order_id, version=version
            ).terms
    return {
        "from_version": from_version,
        "to_version": to_version,
        "changes": order_terms.diff(documents[from_version], documents[to_version]),
    }


def last_revision_of_side(order: Order, side: str) -> Revision | None:
    """The latest revision a side confirmed (uses the prefetched revisions when present)."""
    revisions = [r for r in order.revisions.all() if r.author_side == side]
    return revisions[-1] if revisions else None


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
