"""Order reads: who sees what, revisions, diffs, timeline, constant query counts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from common.errors import NotFound
from orders import selectors, services
from orders.models import OrderEvent, OrderStatus
from orders.tests.factories import complete_values, make_order

S = OrderStatus


@pytest.fixture
def draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product)


@pytest.fixture
def buyer_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.BUYER_CONFIRMED, product=product)


# --- Visibility ---------------------------------------------------------------------------


def test_seller_sees_his_draft(seller, draft):
    assert selectors.order_get_for_user(user=seller, order_id=draft.pk) == draft


def test_buyer_does_not_see_the_sellers_draft(buyer, draft):
    with pytest.raises(NotFound):
        selectors.order_get_for_user(user=buyer, order_id=draft.pk)


def test_buyer_does_not_find_a_draft_in_his_order_list(buyer, draft):
    assert list(selectors.orders_for_user(buyer)) == []


@pytest.mark.parametrize("user", ["buyer", "seller", "staff"])
def test_members_of_both_companies_and_staff_see_a_confirmed_order(request, buyer_confirmed, user):
    order = selectors.order_get_for_user(
        user=request.getfixturevalue(user), order_id=buyer_confirmed.pk
    )

    assert order == buyer_confirmed


def test_a_colleague_of_the_buyer_sees_the_order(buyer, buyer_confirmed):
    from accounts.tests.factories import BuyerFactory

    colleague = BuyerFactory(company=buyer.company)

    assert selectors.order_get_for_user(user=colleague, order_id=buyer_confirmed.pk)


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_get_not_found_for_an_order(request, buyer_confirmed, user):
    with pytest.raises(NotFound):
        selectors.order_get_for_user(
            user=request.getfixturevalue(user), order_id=buyer_confirmed.pk
        )


def test_anonymous_users_see_no_orders(buyer_confirmed):
    assert list(selectors.orders_for_user(AnonymousUser())) == []


def test_staff_see_drafts_too(staff, draft):
    assert list(selectors.orders_for_user(staff)) == [draft]


def test_an_unknown_order_is_not_found(seller):
    with pytest.raises(NotFound):
        selectors.order_get_for_user(user=seller, order_id=999999)


@pytest.mark.parametrize(
    ("user", "side"),
    [("buyer", "buyer"), ("seller", "seller"), ("staff", None), ("other_seller", None)],
)
def test_side_of_names_the_users_side_in_the_order(request, buyer_confirmed, user, side):
    assert selectors.side_of(request.getfixturevalue(user), buyer_confirmed) == side


# --- Revisions and diffs ------------------------------------------------------------------


def test_revisions_are_listed_by_version(buyer, buyer_confirmed):
    revisions = selectors.revisions_for_user(user=buyer, order_id=buyer_confirmed.pk)

    assert [(r.version, r.author_side) for r in revisions] == [(3, "seller"), (4, "buyer")]


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_get_not_found_for_revisions(request, buyer_confirmed, user):
    with pytest.raises(NotFound):
        selectors.revisions_for_user(
            user=request.getfixturevalue(user), order_id=buyer_confirmed.pk
        )


def test_an_unknown_revision_is_not_found(buyer, buyer_confirmed):
    with pytest.raises(NotFound):
        selectors.revision_get_for_user(user=buyer, order_id=buyer_confirmed.pk, version=99)


def test_diff_between_two_revisions_lists_the_changed_fields(buyer, buyer_confirmed):
    result = selectors.revision_diff_for_user(
        user=buyer, order_id=buyer_confirmed.pk, from_version=3, to_version=4
    )

    assert (result["from_version"], result["to_version"]) == (3, 4)
    assert [(c["module"], c["field"], c["before"], c["after"]) for c in result["changes"]] == [
        ("shipping", "shipping_fee", "350.00", "300.00"),
        ("totals", "shipping_fee", "350.00", "300.00"),
        ("totals", "total", "5150.00", "5100.00"),
    ]


def test_diff_of_a_version_with_itself_is_empty(buyer, buyer_confirmed):
    result = selectors.revision_diff_for_user(
        user=buyer, order_id=buyer_confirmed.pk, from_version=4, to_version=4
    )

    assert result["changes"] == []


def test_diff_to_the_live_draft_compares_with_the_current_terms(seller, buyer, product):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
    order = services.order_modify(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        values=complete_values(order, incoterm="CIF"),
    )
    order = services.order_cancel(
        order_id=order.pk, actor=seller, version=order.version, reason="Wrong port"
    )

    result = selectors.revision_diff_for_user(
        user=seller, order_id=order.pk, from_version=3, to_version=order.version
    )

    assert [(c["field"], c["after"]) for c in result["changes"]] == [("incoterm", "CIF")]


def test_diff_to_a_missing_old_version_is_not_found(buyer, buyer_confirmed):
    with pytest.raises(NotFound):
        selectors.revision_diff_for_user(
            user=buyer, order_id=buyer_confirmed.pk, from_version=1, to_version=4
        )


def test_outsiders_get_not_found_for_a_diff(other_buyer, buyer_confirmed):
    with pytest.raises(NotFound):
        selectors.revision_diff_for_user(
            user=other_buyer, order_id=buyer_confirmed.pk, from_version=3, to_version=4
        )


def test_last_revision_of_a_side_is_its_latest_confirmation(buyer_confirmed):
    assert selectors.last_revision_of_side(buyer_confirmed, "seller").version == 3
    assert selectors.last_revision_of_side(buyer_confirmed, "buyer").version == 4


def test_last_revision_of_a_side_that_never_confirmed_is_none(seller, draft):
    assert selectors.last_revision_of_side(draft, "buyer") is None


# --- Timeline -----------------------------------------------------------------------------


def test_timeline_lists_every_transition_in_order(buyer, buyer_confirmed):
    events = selectors.timeline_for_user(user=buyer, order_id=buyer_confirmed.pk)

    assert [(e.type, e.version, e.actor_side) for e in events] == [
        (OrderEvent.Type.CREATED, 1, "seller"),
        (OrderEvent.Type.DRAFT_SAVED, 2, "seller"),
        (OrderEvent.Type.CONFIRMED, 3, "seller"),
        (OrderEvent.Type.MODIFIED, 4, "buyer"),
    ]


def test_outsiders_get_not_found_for_a_timeline(other_seller, buyer_confirmed):
    with pytest.raises(NotFound):
        selectors.timeline_for_user(user=other_seller, order_id=buyer_confirmed.pk)


# --- Query counts -------------------------------------------------------------------------


def _read_everything(order):
    return (
        [line.unit_price for line in order.lines.all()],
        [r.author.username for r in order.revisions.all()],
        [e.actor and e.actor.username for e in order.events.all()],
        order.negotiation.buyer_company.legal_name,
        order.negotiation.seller_company.legal_name,
        order.agreed_by,
        order.created_by.username,
    )


def _grow(order, buyer, seller, rounds):
    """Adds lines and alternating revisions, events by both sides."""
    values = complete_values(order)
    values["lines"] += [
        {**values["lines"][0], "key": None, "product_id": None, "name": f"Extra {n}"}
        for n in range(10)
    ]
    actor = buyer if order.status == S.SELLER_CONFIRMED else seller
    for _ in range(rounds):
        order = services.order_modify(
            order_id=order.pk, actor=actor, version=order.version, values=values
        )
        values = complete_values(order)
        values["lines"] = [
            {"key": str(line.key), "product_id": line.product_id, "name": line.name}
            | {k: str(getattr(line, k)) for k in ("quantity", "unit", "unit_price")}
            for line in order.lines.all()
        ]
        actor = seller if actor == buyer else buyer
    return order


@pytest.mark.parametrize("rounds", [0, 6], ids=["small", "large"])
def test_order_detail_runs_a_constant_number_of_queries(
    django_assert_num_queries, buyer, seller, product, rounds
):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
    order = _grow(order, buyer, seller, rounds)
    assert order.revisions.count() == 1 + rounds
    assert order.lines.count() == (11 if rounds else 1)

    with django_assert_num_queries(4):
        _read_everything(selectors.order_detail_for_user(user=seller, order_id=order.pk))
