"""Bad order input is refused with field errors and changes nothing; the API's shapes hold."""

import hashlib
import json

import pytest

from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, make_order


@pytest.fixture
def draft(buyer, seller):
    return make_order(buyer=buyer, seller=seller, status=OrderStatus.DRAFT)


def _modify(client, order, **values):
    return client.post(
        f"/api/v1/orders/{order.pk}/modify/", {"version": order.version, **values}, format="json"
    )


def test_a_payment_deadline_beyond_a_year_is_refused_and_the_order_stays_as_it_was(
    api_as, seller, draft
):
    response = _modify(api_as(seller), draft, payment_deadline_days=3_000_000)

    assert response.status_code == 400
    assert "payment_deadline_days" in response.json()
    assert Order.objects.get(pk=draft.pk).version == draft.version


def test_a_year_to_pay_is_still_allowed_and_the_order_can_be_agreed(api_as, buyer, seller, draft):
    as_seller = api_as(seller)
    order = _modify(as_seller, draft, payment_deadline_days=365).json()
    order = as_seller.post(
        f"/api/v1/orders/{draft.pk}/confirm/", {"version": order["version"]}, format="json"
    ).json()

    response = api_as(buyer).post(
        f"/api/v1/orders/{draft.pk}/confirm/", {"version": order["version"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == OrderStatus.AWAITING_PAYMENT


def test_a_line_total_beyond_the_stored_precision_is_refused_when_written(api_as, seller, draft):
    values = complete_values(draft)
    values["lines"][0].update(quantity="99999999999.999", unit_price="9999999999.9999")

    response = _modify(api_as(seller), draft, lines=values["lines"])

    assert response.status_code == 400
    assert "unit_price" in response.json()["lines"][0]
    assert Order.objects.get(pk=draft.pk).version == draft.version


def test_an_order_total_beyond_the_stored_precision_is_refused_when_written(api_as, seller, draft):
    values = complete_values(draft)
    line = {**values["lines"][0], "quantity": "9999999999", "unit_price": "9999"}
    line.pop("key")
    lines = [values["lines"][0] | {"quantity": "9999999999", "unit_price": "9999"}, line]

    response = _modify(api_as(seller), draft, lines=lines)

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_form_encoded_lines_on_modify_are_refused_without_a_version_bump(api_as, seller, draft):
    response = api_as(seller).post(
        f"/api/v1/orders/{draft.pk}/modify/",
        {"version": draft.version, "lines": "x", "packaging": "Crates"},
    )

    assert response.status_code == 400
    assert "lines" in response.json()
    order = Order.objects.get(pk=draft.pk)
    assert (order.version, order.packaging) == (draft.version, draft.packaging)


def test_orders_filter_by_status(api_as, buyer, seller):
    confirmed = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    make_order(buyer=buyer, seller=seller, status=OrderStatus.CANCELLED)

    response = api_as(buyer).get("/api/v1/orders/?status=seller_confirmed")

    assert [order["id"] for order in response.json()["results"]] == [confirmed.pk]


def test_an_unknown_order_status_filter_is_a_400(api_as, buyer):
    response = api_as(buyer).get("/api/v1/orders/?status=sunk")

    assert response.status_code == 400
    assert "status" in response.json()


def test_money_in_the_terms_has_exactly_the_currencys_minor_unit_digits(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    terms = api_as(buyer).get(f"/api/v1/orders/{order.pk}/").json()["terms"]

    line = terms["product"]["lines"][0]
    assert (line["unit_price"], line["line_total"]) == ("4.80", "4800.00")
    assert terms["shipping"]["shipping_fee"] == "350.00"
    assert terms["totals"] == {
        "currency": "USD",
        "goods_total": "4800.00",
        "shipping_fee": "350.00",
        "total": "5150.00",
    }


def test_a_revision_shows_money_formatted_and_the_canonical_document_it_hashed(
    api_as, buyer, seller
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    body = api_as(buyer).get(f"/api/v1/orders/{order.pk}/revisions/{order.version}/").json()

    assert body["total"] == "5150.00"
    assert body["terms"]["totals"]["total"] == "5150.00"
    encoded = json.dumps(
        body["canonical"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert hashlib.sha256(encoded.encode()).hexdigest() == body["digest"]


@pytest.mark.parametrize("query", ["from=124245817314061032882176", "from=1&to=99999999999999"])
def test_a_diff_version_out_of_range_is_a_400_not_a_500(api_as, buyer, seller, query):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    response = api_as(buyer).get(f"/api/v1/orders/{order.pk}/diff/?{query}")

    assert response.status_code == 400
