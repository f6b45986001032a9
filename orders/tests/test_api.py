"""The orders REST API: flow, bad input, conflicts, query counts."""

import datetime
from decimal import Decimal

import pytest
from knox.models import AuthToken

from inquiries.tests.factories import InquiryFactory
from orders import services
from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, make_order


@pytest.fixture
def inquiry(buyer, seller, product):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
        quantity=Decimal("600"),
    )


def _detail(client, order_id):
    return client.get(f"/api/v1/orders/{order_id}/").json()


def test_seller_drafts_from_an_inquiry_with_the_tier_price_and_sees_what_is_missing(
    api_as, seller, inquiry
):
    response = api_as(seller).post("/api/v1/orders/", {"inquiry_id": inquiry.pk}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["terms"]["product"]["lines"][0]["unit_price"] == "4.80"
    assert body["completion"]["complete"] is False
    assert "incoterm" in body["completion"]["modules"]["shipping"]["missing"]
    assert body["allowed_actions"] == ["cancel", "confirm", "modify"]


def test_confirming_an_incomplete_draft_is_refused_with_the_missing_fields(api_as, seller, inquiry):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    response = api_as(seller).post(
        f"/api/v1/orders/{order.pk}/confirm/", {"version": order.version}, format="json"
    )

    assert response.status_code == 400
    assert "payment_method" in response.json()["missing"]["payment"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_a_whole_negotiation_through_the_api_ends_sealed_and_awaiting_payment(
    api_as, buyer, seller, inquiry
):
    as_seller, as_buyer = api_as(seller), api_as(buyer)
    order = as_seller.post("/api/v1/orders/", {"inquiry_id": inquiry.pk}, format="json").json()
    line_key = order["terms"]["product"]["lines"][0]["key"]
    values = complete_values()
    values["lines"][0]["key"] = line_key
    order = as_seller.post(
        f"/api/v1/orders/{order['id']}/modify/",
        {"version": order["version"], **values},
        format="json",
    ).json()
    order = as_seller.post(
        f"/api/v1/orders/{order['id']}/confirm/", {"version": order["version"]}, format="json"
    ).json()
    assert order["status"] == "seller_confirmed"
    values["lines"][0]["unit_price"] = "4.50"
    order = as_buyer.post(
        f"/api/v1/orders/{order['id']}/modify/",
        {"version": order["version"], "lines": values["lines"]},
        format="json",
    ).json()
    assert order["status"] == "buyer_confirmed"
    order = as_seller.post(
        f"/api/v1/orders/{order['id']}/confirm/", {"version": order["version"]}, format="json"
    ).json()

    assert order["status"] == "awaiting_payment"
    assert order["seal"]["version"] == order["version"]
    assert order["seal"]["valid"] is True
    assert order["terms"]["totals"]["total"] == "4850.00"  # 1000 × 4.50 + 350 shipping


def test_the_diff_endpoint_shows_the_buyers_unit_price_change(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    values = complete_values(order)
    values["lines"][0]["unit_price"] = "4.10"
    services.order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)

    body = api_as(seller).get(f"/api/v1/orders/{order.pk}/diff/?from={order.version}").json()

    price = [c for c in body["changes"] if c["field"] == "unit_price"]
    assert price == [
        {
            "module": "product",
            "field": "unit_price",
            "change": "changed",
            "line_key": values["lines"][0]["key"],
            "line": "Stainless steel water bottle",
            "before": "4.80",
            "after": "4.10",
        }
    ]


def test_the_diff_endpoint_needs_a_from_version(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    response = api_as(buyer).get(f"/api/v1/orders/{order.pk}/diff/?from=abc")

    assert response.status_code == 400
    assert "from" in response.json()


def test_a_stale_version_gets_409_with_the_current_version_and_changes_nothing(
    api_as, buyer, seller
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    response = api_as(buyer).post(
        f"/api/v1/orders/{order.pk}/confirm/", {"version": order.version - 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == order.version
    assert response.json()["current_status"] == "seller_confirmed"
    assert Order.objects.get(pk=order.pk).version == order.version


def test_confirming_a_cancelled_order_gets_409(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.CANCELLED)

    response = api_as(seller).post(
        f"/api/v1/orders/{order.pk}/confirm/", {"version": order.version}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("change", "field_path"),
    [
        (
            {"lines": [{"name": "Bottle", "quantity": "-5", "unit": "piece", "unit_price": "1"}]},
            ("lines", 0, "quantity"),
        ),
        (
            {"lines": [{"name": "Bottle", "quantity": "0", "unit": "piece", "unit_price": "1"}]},
            ("lines", 0, "quantity"),
        ),
        (
            {"lines": [{"name": "Bottle", "quantity": "5", "unit": "piece", "unit_price": "0"}]},
            ("lines", 0, "unit_price"),
        ),
        ({"currency": "XYZ"}, ("currency",)),
        ({"incoterm": "FOO"}, ("incoterm",)),
        ({"packaging": "x" * 501}, ("packaging",)),
        ({"shipping_fee": "-1"}, ("shipping_fee",)),
        ({"initial_payment_percent": 101}, ("initial_payment_percent",)),
        ({"version": "one"}, ("version",)),
    ],
    ids=[
        "negative quantity",
        "zero quantity",
        "zero unit price",
        "unknown currency",
        "unknown Incoterm",
        "oversized packaging text",
        "negative shipping fee",
        "initial payment over 100 percent",
        "version not a number",
    ],
)
def test_bad_input_to_modify_gets_a_field_level_error_and_changes_nothing(
    api_as, buyer, seller, change, field_path
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    body = {"version": order.version, **complete_values(order), **change}

    response = api_as(buyer).post(f"/api/v1/orders/{order.pk}/modify/", body, format="json")

    assert response.status_code == 400
    errors = response.json()
    for step in field_path:
        errors = errors[step]
    assert errors
    unchanged = Order.objects.get(pk=order.pk)
    assert (unchanged.version, unchanged.status) == (order.version, order.status)


def test_start_order_under_the_moq_is_refused_with_the_moq(api_as, buyer, product):
    values = complete_values()
    values["lines"][0]["quantity"] = "99"

    response = api_as(buyer).post(
        "/api/v1/orders/start/", {"product_id": product.pk, **values}, format="json"
    )

    assert response.status_code == 400
    assert "100" in response.json()["quantity"][0]
    assert not Order.objects.exists()


def test_an_incomplete_start_order_is_refused_with_the_missing_fields(api_as, buyer, product):
    values = complete_values(incoterm="", buyer_contact_phone="")

    response = api_as(buyer).post(
        "/api/v1/orders/start/", {"product_id": product.pk, **values}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["missing"] == {
        "shipping": ["incoterm"],
        "contacts": ["buyer_contact_phone"],
    }


def test_start_order_takes_the_tier_price_and_waits_for_the_seller(api_as, buyer, product):
    values = complete_values()
    values["lines"][0]["quantity"] = "499"

    response = api_as(buyer).post(
        "/api/v1/orders/start/", {"product_id": product.pk, **values}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "buyer_confirmed"
    assert body["waiting_for"] == "seller"
    assert body["terms"]["product"]["lines"][0]["unit_price"] == "5.20"


def test_a_token_authenticates_api_calls(api_client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    _instance, token = AuthToken.objects.create(user=buyer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.get(f"/api/v1/orders/{order.pk}/").status_code == 200


def test_a_token_is_issued_for_a_username_and_password(api_client, buyer):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "buyer", "password": "correct-horse-42"}
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(user=buyer).token_key == token[:15]


def test_revisions_and_timeline_list_every_version_and_event(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client = api_as(buyer)

    revisions = client.get(f"/api/v1/orders/{order.pk}/revisions/").json()["results"]
    events = client.get(f"/api/v1/orders/{order.pk}/timeline/").json()["results"]

    assert [(r["version"], r["author_side"]) for r in revisions] == [(3, "seller"), (4, "buyer")]
    assert [e["type"] for e in events] == ["created", "draft_saved", "confirmed", "agreed"]


def _grow(order, buyer, seller, rounds):
    """More lines, revisions and events: each round the buyer and the seller revise."""
    for index in range(rounds):
        order = Order.objects.prefetch_related("lines").get(pk=order.pk)
        actor = buyer if order.status == OrderStatus.SELLER_CONFIRMED else seller
        values = complete_values(order)
        values["lines"] += [
            {"name": f"Extra item {index}-{n}", "quantity": "10", "unit": "set", "unit_price": "2"}
            for n in range(3)
        ]
        services.order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
    return order


@pytest.mark.parametrize("rounds", [0, 8, 20])
def test_order_detail_runs_a_constant_number_of_queries(
    api_as, buyer, seller, rounds, django_assert_num_queries
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    _grow(order, buyer, seller, rounds)
    client = api_as(buyer)

    # user, order with its revision and event counts, lines; the seal check reads nothing
    # while unsealed; revisions and events are linked, not read
    with django_assert_num_queries(3):
        assert client.get(f"/api/v1/orders/{order.pk}/").status_code == 200


@pytest.mark.parametrize("rounds", [0, 8])
def test_a_sealed_order_detail_reads_one_more_query_for_the_seal(
    api_as, buyer, seller, rounds, django_assert_num_queries
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    order = _grow(order, buyer, seller, rounds)
    order = Order.objects.get(pk=order.pk)
    confirmer = buyer if order.status == OrderStatus.SELLER_CONFIRMED else seller
    services.order_confirm(order_id=order.pk, actor=confirmer, version=order.version)
    client = api_as(buyer)

    # user, order, lines, the agreed revision for the seal check, the rates locked with the seal
    # (issue 15)
    with django_assert_num_queries(5):
        body = client.get(f"/api/v1/orders/{order.pk}/").json()
    assert body["seal"]["valid"] is True


def test_order_detail_links_its_revisions_and_timeline_with_their_counts(api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client = api_as(buyer)

    body = client.get(f"/api/v1/orders/{order.pk}/").json()

    assert body["revisions"] == {
        "count": 2,
        "url": f"http://testserver/api/v1/orders/{order.pk}/revisions/",
    }
    assert body["timeline"] == {
        "count": 4,
        "url": f"http://testserver/api/v1/orders/{order.pk}/timeline/",
    }
    assert client.get(body["revisions"]["url"]).json()["count"] == 2
    assert client.get(body["timeline"]["url"]).json()["count"] == 4


@pytest.mark.parametrize("count", [1, 15])
def test_negotiation_list_runs_a_constant_number_of_queries(
    api_as, buyer, seller, count, django_assert_num_queries
):
    for _ in range(count):
        make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client = api_as(buyer)

    # user, count, page
    with django_assert_num_queries(3):
        assert client.get("/api/v1/negotiations/").json()["count"] == count


def test_negotiations_filter_by_state_counterpart_and_date(api_as, buyer, seller, other_seller):
    make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    make_order(buyer=buyer, seller=other_seller, status=OrderStatus.AWAITING_PAYMENT)
    client = api_as(buyer)
    today = datetime.date.today().isoformat()

    def count(query):
        return client.get(f"/api/v1/negotiations/?{query}").json()["count"]

    assert count("state=awaiting_payment") == 1
    assert count(f"counterpart={seller.company.legal_name[:8]}") == 1
    assert count(f"since={today}&until={today}") == 2
    assert count("since=2001-01-01&until=2001-12-31") == 0


def test_an_unknown_negotiation_state_filter_is_a_field_error(api_as, buyer):
    response = api_as(buyer).get("/api/v1/negotiations/?state=happy&since=yesterday")

    assert response.status_code == 400
    assert set(response.json()) == {"state", "since"}


def test_the_buyer_sees_a_negotiation_with_a_draft_as_an_inquiry_without_order(
    api_as, buyer, seller
):
    make_order(buyer=buyer, seller=seller, status=OrderStatus.DRAFT)

    body = api_as(buyer).get("/api/v1/negotiations/?state=inquiry").json()

    assert body["count"] == 1
    assert body["results"][0]["order"] is None


def test_the_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
