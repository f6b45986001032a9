"""Amendments of an order with shipments: what was shipped stays (amendment_check_shipped)."""

from decimal import Decimal

import pytest

from common.errors import ValidationFailed
from orders import amendments
from orders import terms as order_terms
from orders.models import Amendment, OrderStatus
from shipments import selectors
from shipments.tests.factories import fresh, ready_order, receive, ship


def _lines(order, *quantities) -> list[dict]:
    """The order's lines with new ``quantities`` (one per line, in order; None drops it)."""
    lines = order_terms.from_order(fresh(order))["lines"]
    return [
        {**line, "quantity": str(quantity)}
        for line, quantity in zip(lines, quantities, strict=True)
        if quantity is not None
    ]


def _propose(order, actor, lines):
    order = fresh(order)
    return amendments.amendment_propose(
        order_id=order.pk,
        actor=actor,
        version=order.version,
        values={"lines": lines},
        reason="The buyer's plans changed",
    )


def _accept(order, amendment, actor):
    order = fresh(order)
    return amendments.amendment_accept(
        order_id=order.pk, amendment_id=amendment.pk, actor=actor, version=order.version
    )


def _refused(order, actor, lines) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        _propose(order, actor, lines)
    assert not Amendment.objects.filter(order=order).exists()
    return refused.value.errors["lines"]


def test_cutting_a_shipped_line_below_its_shipped_quantity_is_refused(order, buyer, seller):
    ship(order, seller, 400)

    errors = _refused(order, buyer, _lines(order, 300))

    assert "400 pieces already shipped" in errors[0]


def test_removing_a_shipped_line_is_refused(buyer, seller, product):
    order = ready_order(buyer=buyer, seller=seller, product=product, extra_lines=1)
    ship(order, seller, 400)

    errors = _refused(order, buyer, _lines(order, None, 50))

    assert "cannot be removed" in errors[0]


def test_raising_a_quantity_on_a_shipped_order_is_refused(order, buyer, seller):
    ship(order, seller, 1000)

    errors = _refused(order, buyer, _lines(order, 1200))

    assert errors == ["Everything ordered has been shipped: agree a new order for more."]


def test_adding_a_line_to_a_delivered_order_is_refused(order, buyer, seller):
    receive(ship(order, seller, 1000), buyer)
    assert fresh(order).status == OrderStatus.DELIVERED
    added = {**_lines(order, 1000)[0], "key": None, "product_id": None, "name": "Lid"}

    errors = _refused(order, seller, [*_lines(order, 1000), added])

    assert errors == ["Everything ordered has been shipped: agree a new order for more."]


def test_raising_a_quantity_on_a_partly_shipped_order_is_accepted_and_keeps_what_was_shipped(
    order, buyer, seller
):
    ship(order, seller, 400)
    line = fresh(order).lines.get()

    _accept(order, _propose(order, seller, _lines(order, 1200)), buyer)

    order = fresh(order)
    assert order.status == OrderStatus.PARTLY_SHIPPED
    assert [(kept.pk, kept.quantity) for kept in order.lines.all()] == [(line.pk, Decimal(1200))]
    assert selectors.quantities_by_line(order) == {line.pk: Decimal(400)}


def test_accepting_a_cut_below_what_was_shipped_since_the_proposal_is_refused(order, buyer, seller):
    amendment = _propose(order, buyer, _lines(order, 300))
    ship(order, seller, 400)

    with pytest.raises(ValidationFailed) as refused:
        _accept(order, amendment, seller)

    assert "400 pieces already shipped" in refused.value.errors["lines"][0]
    assert fresh(order).lines.get().quantity == Decimal(1000)


def test_cutting_a_partly_shipped_order_to_what_was_shipped_is_refused(order, buyer, seller):
    ship(order, seller, 400)

    with pytest.raises(ValidationFailed) as refused:
        _propose(order, buyer, _lines(order, 400))

    assert "Nothing would be left to ship" in refused.value.errors["lines"][0]
    assert fresh(order).lines.get().quantity == Decimal(1000)
