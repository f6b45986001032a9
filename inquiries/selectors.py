"""Reads of negotiations and inquiries, each with the access check (outsiders: NotFound)."""

import datetime

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from common.errors import NotFound
from inquiries.models import Inquiry, Negotiation


def negotiation_visibility(user, prefix: str = "") -> Q:
    """Members of the buyer company and of the seller company see a negotiation; staff all."""
    if user.is_staff:
        return Q()
    if not user.is_authenticated or not user.company_id:
        return Q(pk__in=[])
    return Q(**{f"{prefix}buyer_company_id": user.company_id}) | Q(
        **{f"{prefix}seller_company_id": user.company_id}
    )


def negotiations_for_user(
    user,
    *,
    state: str | None = None,
    counterpart: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Negotiation]:
    """The user's negotiations, newest activity first, with inquiry and order in one query.

    ``state`` is an order state, or ``inquiry`` for negotiations without an order yet;
    ``counterpart`` matches the other company's name; dates bound the last activity.
    """
    qs = (
        Negotiation.objects.filter(negotiation_visibility(user))
        .select_related("buyer_company", "seller_company", "product", "inquiry", "order")
        .order_by("-last_activity_at", "-pk")
    )
    hidden_draft = _hidden_draft(user)
    if state == "inquiry":
        qs = qs.filter(Q(order__isnull=True) | hidden_draft)
    elif state:
        qs = qs.filter(order__status=state).exclude(hidden_draft)
    if counterpart:
        qs = qs.filter(counterpart_matches(user, "legal_name__icontains", counterpart))
    if since:
        qs = qs.filter(last_activity_at__date__gte=since)
    if until:
        qs = qs.filter(last_activity_at__date__lte=until)
    return qs


def _hidden_draft(user) -> Q:
    """A buyer does not see the seller's draft: to him that negotiation is still an inquiry."""
    from orders.selectors import HIDDEN_FROM_BUYER

    if user.is_staff:
        return Q(pk__in=[])
    company_id = getattr(user, "company_id", None)  # AnonymousUser has none
    return Q(order__status__in=HIDDEN_FROM_BUYER, buyer_company_id=company_id)


def negotiation_state(user) -> Case:
    """The state a negotiation is in for this user, as a database expression: its order's
    state, or ``inquiry`` while it has no order the user can see (the ``state`` filter of
    ``negotiations_for_user`` in one column, for counting every state in one GROUP BY)."""
    return Case(
        When(Q(order__isnull=True) | _hidden_draft(user), then=Value("inquiry")),
        default=F("order__status"),
        output_field=CharField(),
    )


def negotiation_side(user, negotiation: Negotiation) -> str | None:
    """``buyer`` or ``seller`` for members of the two companies; None for staff and others."""
    from accounts.models import Side

    company_id = getattr(user, "company_id", None)
    if company_id is None:
        return None
    if company_id == negotiation.seller_company_id:
        return Side.SELLER
    if company_id == negotiation.buyer_company_id:
        return Side.BUYER
    return None


def counterpart_matches(user, lookup: str, value) -> Q:
    """The other company of the negotiation matches ``lookup`` (either company for staff)."""
    buyer = Q(**{f"buyer_company__{lookup}": value})
    seller = Q(**{f"seller_company__{lookup}": value})
    company_id = getattr(user, "company_id", None)
    if user.is_staff or not company_id:
        return buyer | seller
    return (buyer & Q(seller_company_id=company_id)) | (seller & Q(buyer_company_id=company_id))


def negotiation_get_for_user(*, user, negotiation_id: int) -> Negotiation:
    negotiation = (
        negotiations_for_user(user)
        .select_related("inquiry__sender", "inquiry__product")
        .filter(pk=negotiation_id)
        .first()
    )
    if negotiation is None:
        raise NotFound(_("No such negotiation."))
    return negotiation


def inquiries_for_user(user) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.filter(negotiation_visibility(user, prefix="negotiation__"))
        .select_related(
            "negotiation__buyer_company", "negotiation__seller_company", "product", "sender"
        )
        .order_by("-created_at", "-pk")
    )


def inquiry_get_for_user(*, user, inquiry_id: int) -> Inquiry:
    inquiry = inquiries_for_user(user).filter(pk=inquiry_id).first()
    if inquiry is None:
        raise NotFound(_("No such inquiry."))
    return inquiry
