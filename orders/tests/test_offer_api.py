"""Offers in the REST API: make, list, accept, decline, withdraw, conflicts, access, cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import offers, services
from orders.models import Offer, Order, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def order(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _url(order, offer=None, action=""):
    url = f"/api/v1/orders/{order.pk}/offers/"
    if offer is not None:
        url += f"{offer if isinstance(offer, int) else offer.pk}/"
    return url + (f"{action}/" if action else "")


def _key(order) -> str:
    return str(order.lines.all()[0].key)


def _body(order, price="4.50", **extra):
    return {
        "version": order.version,
        "lines": [{"key": _key(order), "unit_price": price}],
        "note": "Our best price",
        **extra,
    }


def _offered(order, actor, price="4.50") -> Offer:
    body = _body(order, price)
    version, note = body.pop("version"), body.pop("note")
    return offers.offer_make(
        order_id=order.pk, actor=actor, version=version, values=body, note=note
    )


def test_a_party_makes_an_offer_and_the_other_side_sees_what_it_may_do(
    api_as, order, buyer, seller
):
    response = api_as(seller).post(_url(order), _body(order), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["side"], body["current"]) == ("open", "seller", True)
    assert body["allowed_actions"] == ["withdraw"]
    assert body["values"] == {"lines": [{"key": _key(order), "unit_price": "4.5"}]}
    assert any(c["field"] == "unit_price" for c in body["changes"])
    listed = api_as(buyer).get(_url(order)).json()["results"]
    assert [o["id"] for o in listed] == [body["id"]]
    assert listed[0]["allowed_actions"] == ["accept", "decline"]


def test_accepting_through_the_api_makes_the_order_the_acceptors_confirmation(
    api_as, order, buyer, seller
):
    offer = _offered(order, seller)

    response = api_as(buyer).post(_url(order, offer, "accept"))

    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version) == (S.BUYER_CONFIRMED, order.version + 1)


def test_accepting_a_stale_offer_is_a_409_with_the_current_version(api_as, order, buyer, seller):
    offer = _offered(order, seller)
    services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    response = api_as(buyer).post(_url(order, offer, "accept"))

    assert response.status_code == 409
    assert response.json()["current_version"] == order.version + 1
    assert Offer.objects.get(pk=offer.pk).state == Offer.State.STALE


def test_a_bad_offer_gets_field_errors_and_stores_nothing(api_as, order, buyer):
    body = _body(order, price="-3", incoterm="XYZ")

    response = api_as(buyer).post(_url(order), body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert "incoterm" in errors and "unit_price" in errors["lines"][0]
    assert not Offer.objects.exists()


def test_an_offer_on_a_stale_version_is_a_409(api_as, order, buyer):
    response = api_as(buyer).post(
        _url(order), _body(order, version=order.version - 1), format="json"
    )

    assert response.status_code == 409


def test_the_other_side_declines_with_a_note(api_as, order, buyer, seller):
    offer = _offered(order, seller)

    response = api_as(buyer).post(_url(order, offer, "decline"), {"note": "No"}, format="json")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["decline_note"]) == ("declined", "No")


def test_the_proposer_withdraws(api_as, order, seller):
    offer = _offered(order, seller)

    response = api_as(seller).post(_url(order, offer, "withdraw"))

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")


def test_the_proposer_cannot_accept_its_own_offer(api_as, order, seller):
    offer = _offered(order, seller)

    assert api_as(seller).post(_url(order, offer, "accept")).status_code == 403


def test_answering_a_decided_offer_is_a_409(api_as, order, buyer, seller):
    offer = _offered(order, seller)
    offers.offer_withdraw(order_id=order.pk, offer_id=offer.pk, actor=seller)

    assert api_as(buyer).post(_url(order, offer, "accept")).status_code == 409


@pytest.mark.parametrize(
    ("method", "action"),
    [("get", ""), ("post", "accept"), ("post", "decline"), ("post", "withdraw"), ("get", None)],
)
def test_an_outsider_gets_404_everywhere(api_as, order, seller, other_buyer, method, action):
    offer = _offered(order, seller)
    url = _url(order) if action is None else _url(order, offer, action)

    response = getattr(api_as(other_buyer), method)(url)

    assert response.status_code == 404
    assert Offer.objects.get(pk=offer.pk).state == Offer.State.OPEN


def test_an_outsider_cannot_make_an_offer(api_as, order, other_buyer):
    response = api_as(other_buyer).post(_url(order), _body(order), format="json")

    assert response.status_code == 404
    assert not Offer.objects.exists()


def test_an_unknown_offer_is_404(api_as, order, buyer):
    assert api_as(buyer).get(_url(order, 999999)).status_code == 404


def test_the_offer_list_costs_the_same_however_many_offers(
    api_as, order, buyer, seller, django_assert_num_queries
):
    client = api_as(buyer)
    _offered(order, seller, "4.50")
    client.get(_url(order))
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(order)).json()["count"] == 1
    for n in range(4):
        _offered(order, seller if n % 2 else buyer, f"4.{40 - n}")

    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(_url(order)).json()["count"] == 5


def test_options_on_the_offer_list_is_404_for_an_outsider(api_as, order, other_buyer):
    assert api_as(other_buyer).options(_url(order)).status_code == 404


def test_the_offer_endpoints_are_in_the_schema(api_as, buyer):
    schema = api_as(buyer).get("/api/schema/?format=json")
    paths = schema.json()["paths"] if schema.status_code == 200 else {}

    assert "/api/v1/orders/{order_id}/offers/{offer_id}/accept/" in paths
