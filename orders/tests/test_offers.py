"""Offers in the chat (issue 14 point 1): make, accept, decline, withdraw, supersede, stale."""

import pytest

from accounts.tests.factories import BuyerFactory
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import offers, services
from orders.models import Offer, Order, OrderEvent, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def order(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _fresh(order) -> Order:
    return Order.objects.select_related("negotiation").prefetch_related("lines").get(pk=order.pk)


def _key(order) -> str:
    return str(order.lines.all()[0].key)


def _offer(order, actor, *, version=None, note="", **values):
    values = values or {"incoterm": "FOB", "shipping_fee": None}
    return offers.offer_make(
        order_id=order.pk,
        actor=actor,
        version=order.version if version is None else version,
        values=values,
        note=note,
    )


def _price_offer(order, actor, price="4.50"):
    return offers.offer_make(
        order_id=order.pk,
        actor=actor,
        version=order.version,
        values={"lines": [{"key": _key(order), "unit_price": price}], "packaging": "Pallets"},
        note="Final price",
    )


def test_an_offer_records_its_values_and_diff_and_changes_no_term(order, buyer):
    offer = _price_offer(order, buyer)

    fresh = _fresh(order)
    assert offer.state == Offer.State.OPEN
    assert (offer.side, offer.base_version) == ("buyer", order.version)
    assert offer.values == {
        "packaging": "Pallets",
        "lines": [{"key": _key(order), "unit_price": "4.5"}],
    }
    assert {c["field"] for c in offer.diff} >= {"unit_price", "packaging"}
    assert fresh.version == order.version
    assert fresh.lines.all()[0].unit_price != offer.values["lines"][0]["unit_price"]
    event = fresh.events.last()
    assert (event.type, event.data["offer"], event.data["reason"]) == (
        OrderEvent.Type.OFFER_MADE,
        offer.pk,
        "Final price",
    )


def test_accepting_modifies_the_order_with_exactly_the_offered_values(order, buyer, seller):
    offer = _price_offer(order, seller, price="4.50")

    offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=buyer)

    fresh = _fresh(order)
    assert fresh.status == S.BUYER_CONFIRMED
    assert fresh.version == order.version + 1
    assert str(fresh.lines.all()[0].unit_price).rstrip("0") == "4.5"
    assert fresh.packaging == "Pallets"
    offer.refresh_from_db()
    assert (offer.state, offer.accepted_version) == (Offer.State.ACCEPTED, fresh.version)
    types = list(fresh.events.values_list("type", flat=True))[-2:]
    assert types == [OrderEvent.Type.MODIFIED, OrderEvent.Type.OFFER_ACCEPTED]


def test_the_proposer_confirms_an_accepted_offer_through_the_normal_flow(order, buyer, seller):
    offer = _price_offer(order, seller)
    offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=buyer)
    fresh = _fresh(order)

    agreed = services.order_confirm(order_id=order.pk, actor=seller, version=fresh.version)

    assert agreed.status == S.AWAITING_PAYMENT


def test_accepting_an_offer_made_against_an_older_version_is_refused_as_stale(order, buyer, seller):
    offer = _price_offer(order, seller)
    services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
    moved = _fresh(order)
    assert moved.status == S.AWAITING_PAYMENT

    with pytest.raises(StaleVersion):
        offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=buyer)

    offer.refresh_from_db()
    assert offer.state == Offer.State.STALE
    assert _fresh(order).version == moved.version
    assert _fresh(order).events.last().type == OrderEvent.Type.OFFER_STALE


def test_a_stale_offer_shows_what_changed_since_its_base(order, buyer, seller):
    offer = _price_offer(order, buyer)
    values = {"lines": [{"key": _key(order), "quantity": "1500"}]}
    other = offers.offer_make(order_id=order.pk, actor=seller, version=order.version, values=values)
    offers.offer_accept(order_id=order.pk, offer_id=other.pk, actor=buyer)

    since = offers.offer_since(offer, _fresh(order))

    assert "quantity" in {c["field"] for c in since}
    assert offers.offer_actions(offer, _fresh(order), "seller") == {"decline"}


def test_the_proposer_cannot_accept_its_own_offer(order, buyer):
    offer = _price_offer(order, buyer)

    with pytest.raises(NotAllowed):
        offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=buyer)

    offer.refresh_from_db()
    assert offer.state == Offer.State.OPEN


def test_a_new_offer_from_the_same_side_supersedes_the_open_one(order, buyer):
    first = _price_offer(order, buyer, price="4.60")

    second = _price_offer(order, buyer, price="4.70")

    first.refresh_from_db()
    assert (first.state, second.state) == (Offer.State.SUPERSEDED, Offer.State.OPEN)
    assert _fresh(order).events.last().data["superseded"] == [first.pk]


def test_an_offer_of_the_other_side_stays_open_beside_a_new_one(order, buyer, seller):
    mine = _price_offer(order, buyer)

    _price_offer(order, seller, price="5.10")

    mine.refresh_from_db()
    assert mine.state == Offer.State.OPEN


def test_the_other_side_declines_with_a_note(order, buyer, seller):
    offer = _price_offer(order, buyer)

    offers.offer_decline(order_id=order.pk, offer_id=offer.pk, actor=seller, note="Too low")

    offer.refresh_from_db()
    assert (offer.state, offer.decline_note) == (Offer.State.DECLINED, "Too low")
    event = _fresh(order).events.last()
    assert (event.type, event.data["reason"]) == (OrderEvent.Type.OFFER_DECLINED, "Too low")


def test_the_proposer_cannot_decline_its_own_offer(order, buyer):
    offer = _price_offer(order, buyer)

    with pytest.raises(NotAllowed):
        offers.offer_decline(order_id=order.pk, offer_id=offer.pk, actor=buyer)


def test_the_proposer_withdraws_its_offer(order, buyer):
    offer = _price_offer(order, buyer)

    offers.offer_withdraw(order_id=order.pk, offer_id=offer.pk, actor=buyer)

    offer.refresh_from_db()
    assert offer.state == Offer.State.WITHDRAWN
    assert _fresh(order).events.last().type == OrderEvent.Type.OFFER_WITHDRAWN


def test_the_other_side_cannot_withdraw_an_offer(order, buyer, seller):
    offer = _price_offer(order, buyer)

    with pytest.raises(NotAllowed):
        offers.offer_withdraw(order_id=order.pk, offer_id=offer.pk, actor=seller)


def test_a_decided_offer_cannot_be_answered_again(order, buyer, seller):
    offer = _price_offer(order, buyer)
    offers.offer_withdraw(order_id=order.pk, offer_id=offer.pk, actor=buyer)

    with pytest.raises(InvalidTransition):
        offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=seller)


def test_an_offer_is_checked_as_a_modification_is(order, buyer):
    with pytest.raises(ValidationFailed) as exc:
        offers.offer_make(
            order_id=order.pk,
            actor=buyer,
            version=order.version,
            values={"incoterm": "XYZ", "lines": [{"key": _key(order), "unit_price": "-1"}]},
        )

    assert set(exc.value.errors) == {"incoterm", "lines"}
    assert "unit_price" in exc.value.errors["lines"][0]
    assert not Offer.objects.exists()


def test_an_offer_that_empties_a_required_term_is_refused(order, buyer):
    with pytest.raises(ValidationFailed) as exc:
        _offer(order, buyer, packaging="")

    assert "missing" in exc.value.errors


def test_an_offer_naming_an_unknown_line_is_refused(order, buyer):
    bad = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ValidationFailed) as exc:
        _offer(order, buyer, lines=[{"key": bad, "quantity": "5"}])

    assert exc.value.errors["lines"][0]["key"]


def test_an_offer_naming_something_that_is_not_a_term_is_refused(order, buyer):
    with pytest.raises(ValidationFailed) as exc:
        _offer(order, buyer, discount="5")

    assert "discount" in exc.value.errors


def test_an_offer_that_changes_nothing_is_refused(order, buyer):
    with pytest.raises(ValidationFailed) as exc:
        _offer(order, buyer, incoterm=order.incoterm)

    assert "non_field_errors" in exc.value.errors


def test_an_offer_note_longer_than_1000_characters_is_refused(order, buyer):
    with pytest.raises(ValidationFailed) as exc:
        _offer(order, buyer, note="x" * 1001)

    assert "note" in exc.value.errors


def test_an_offer_against_a_stale_version_is_refused(order, buyer):
    with pytest.raises(StaleVersion):
        _offer(order, buyer, version=order.version - 1)

    assert not Offer.objects.exists()


def test_no_offer_on_an_agreed_order(buyer, seller, product):
    agreed = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)

    with pytest.raises(InvalidTransition):
        _offer(agreed, buyer, packaging="Crates")


def test_no_offer_on_the_sellers_private_draft(buyer, seller, product):
    draft = make_order(buyer=buyer, seller=seller, status=S.DRAFT, product=product)

    with pytest.raises(InvalidTransition):
        _offer(draft, seller, packaging="Crates")
    with pytest.raises(NotFound):
        _offer(draft, buyer, packaging="Crates")


def test_an_outsider_can_neither_make_nor_answer_offers(order, buyer):
    outsider = BuyerFactory()
    offer = _price_offer(order, buyer)

    with pytest.raises(NotFound):
        _offer(order, outsider, packaging="Crates")
    with pytest.raises(NotFound):
        offers.offer_decline(order_id=order.pk, offer_id=offer.pk, actor=outsider)


def test_staff_can_neither_make_nor_answer_offers(order, buyer, staff):
    offer = _price_offer(order, buyer)

    with pytest.raises(NotAllowed):
        _offer(order, staff, packaging="Crates")
    with pytest.raises(NotAllowed):
        offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=staff)


def test_an_offer_of_another_order_is_not_found(order, buyer, seller, product):
    other = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
    offer = _price_offer(other, buyer)

    with pytest.raises(NotFound):
        offers.offer_accept(order_id=order.pk, offer_id=offer.pk, actor=seller)
