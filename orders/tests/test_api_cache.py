"""The API order detail keeps its version-determined fields in the cache: never stale, fewer
queries when warm."""

import pytest

from orders import services
from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, make_order
from payments.tests.factories import pay_received


def _get(client, order):
    response = client.get(f"/api/v1/orders/{order.pk}/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("rounds", [0, 20])
def test_a_warm_order_detail_skips_the_lines_query_whatever_the_history(
    api_as, buyer, seller, rounds, django_assert_num_queries
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    for _ in range(rounds):
        order = Order.objects.get(pk=order.pk)
        actor = buyer if order.status == OrderStatus.SELLER_CONFIRMED else seller
        services.order_modify(
            order_id=order.pk, actor=actor, version=order.version, values=complete_values(order)
        )
    client = api_as(buyer)
    _get(client, order)  # the cold request also stamps the user's last activity

    # the order with its revision and event counts; its terms come from the cache
    with django_assert_num_queries(1):
        _get(client, order)


def test_a_cached_payload_is_the_same_as_a_fresh_one(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)

    fresh = _get(client, order)
    cached = _get(client, order)

    assert cached == fresh
    assert list(cached) == list(fresh)


def test_the_detail_after_a_modify_shows_the_new_terms_and_version(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)
    before = _get(client, order)
    values = complete_values(order)
    values["lines"][0]["quantity"] = "777"

    services.order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)

    after = _get(client, order)
    assert after["version"] == before["version"] + 1
    assert after["status"] == OrderStatus.BUYER_CONFIRMED
    assert after["terms"]["product"]["lines"][0]["quantity"] == "777"


def test_the_detail_after_a_confirm_shows_the_agreed_state_and_seal(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)
    assert _get(client, order)["seal"] is None

    services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    after = _get(client, order)
    assert after["status"] == OrderStatus.AWAITING_PAYMENT
    assert after["seal"]["valid"] is True
    assert after["allowed_actions"] == []


def test_the_detail_after_a_payment_shows_it_paid(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client = api_as(buyer)
    assert _get(client, order)["paid_at"] is None

    pay_received(order, buyer, seller, "5150.00")  # the whole order, deposit and balance

    after = _get(client, order)
    assert after["status"] == OrderStatus.READY_TO_SHIP
    assert after["paid_at"] is not None


def test_each_side_gets_its_own_allowed_actions_from_a_warm_cache(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    seller_view = _get(api_as(seller), order)

    buyer_view = _get(api_as(buyer), order)

    assert "confirm" in buyer_view["allowed_actions"]
    assert "confirm" not in seller_view["allowed_actions"]


def test_a_renamed_company_shows_its_new_name_in_a_warm_payload(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)
    _get(client, order)
    seller.company.legal_name = "Renamed Trading Ltd."
    seller.company.save()

    assert _get(client, order)["seller_company"]["legal_name"] == "Renamed Trading Ltd."


def test_the_history_links_follow_the_host_of_each_request(api_as, buyer, seller, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.com"]
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)
    _get(client, order)

    body = client.get(f"/api/v1/orders/{order.pk}/", HTTP_HOST="portal.example.com").json()

    assert body["revisions"]["url"].startswith("http://portal.example.com/")
