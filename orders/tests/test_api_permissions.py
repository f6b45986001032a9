"""The permission matrix: every endpoint of the negotiation core, for every persona.

Outsiders get 404 (never 403); anonymous clients 401; a party that is not the one to act
gets 403; staff see everything but act only through the admin.
"""

import pytest

from inquiries.tests.factories import InquiryFactory
from orders.models import OrderStatus
from orders.tests.factories import complete_values, make_order

PERSONAS = ("buyer", "seller", "other_buyer", "other_seller", "anonymous", "staff")


def _seller_confirmed(ctx):
    return make_order(buyer=ctx["buyer"], seller=ctx["seller"], status=OrderStatus.SELLER_CONFIRMED)


def _draft(ctx):
    return make_order(buyer=ctx["buyer"], seller=ctx["seller"], status=OrderStatus.DRAFT)


def _inquiry(ctx):
    return InquiryFactory(
        negotiation__buyer_company=ctx["buyer"].company,
        negotiation__seller_company=ctx["seller"].company,
        sender=ctx["buyer"],
    )


def _codes(**status_by_persona):
    return status_by_persona


def _modify_body(order):
    return {"version": order.version, **complete_values(order, packaging="Pallets")}


# endpoint name -> (method, url builder, body builder, expected status per persona)
MATRIX = {
    "order detail": (
        "get",
        lambda ctx: f"/api/v1/orders/{_seller_confirmed(ctx).pk}/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "draft order detail": (
        "get",
        lambda ctx: f"/api/v1/orders/{_draft(ctx).pk}/",
        None,
        _codes(buyer=404, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "order list": (
        "get",
        lambda ctx: "/api/v1/orders/",
        None,
        _codes(buyer=200, seller=200, other_buyer=200, other_seller=200, anonymous=401, staff=200),
    ),
    "modify": (
        "post",
        lambda ctx: f"/api/v1/orders/{ctx.setdefault('order', _seller_confirmed(ctx)).pk}/modify/",
        lambda ctx: _modify_body(ctx["order"]),
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "modify draft": (
        "post",
        lambda ctx: f"/api/v1/orders/{ctx.setdefault('order', _draft(ctx)).pk}/modify/",
        lambda ctx: _modify_body(ctx["order"]),
        _codes(buyer=404, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "confirm": (
        "post",
        lambda ctx: f"/api/v1/orders/{ctx.setdefault('order', _seller_confirmed(ctx)).pk}/confirm/",
        lambda ctx: {"version": ctx["order"].version},
        _codes(buyer=200, seller=403, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "confirm draft": (
        "post",
        lambda ctx: f"/api/v1/orders/{ctx.setdefault('order', _draft(ctx)).pk}/confirm/",
        lambda ctx: {"version": ctx["order"].version},
        _codes(buyer=404, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "cancel": (
        "post",
        lambda ctx: f"/api/v1/orders/{ctx.setdefault('order', _seller_confirmed(ctx)).pk}/cancel/",
        lambda ctx: {"version": ctx["order"].version, "reason": "Prices went up"},
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "revisions": (
        "get",
        lambda ctx: f"/api/v1/orders/{_seller_confirmed(ctx).pk}/revisions/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "revision": (
        "get",
        lambda ctx: f"/api/v1/orders/{_seller_confirmed(ctx).pk}/revisions/3/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "diff": (
        "get",
        lambda ctx: f"/api/v1/orders/{_seller_confirmed(ctx).pk}/diff/?from=3",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "timeline": (
        "get",
        lambda ctx: f"/api/v1/orders/{_seller_confirmed(ctx).pk}/timeline/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "draft from inquiry": (
        "post",
        lambda ctx: "/api/v1/orders/",
        lambda ctx: {"inquiry_id": _inquiry(ctx).pk},
        _codes(buyer=403, seller=201, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "start order": (
        "post",
        lambda ctx: "/api/v1/orders/start/",
        lambda ctx: {"product_id": ctx["product"].pk, **complete_values(currency="USD")},
        _codes(buyer=201, seller=403, other_buyer=201, other_seller=403, anonymous=401, staff=403),
    ),
    "send inquiry": (
        "post",
        lambda ctx: "/api/v1/inquiries/",
        lambda ctx: {
            "product_id": ctx["product"].pk,
            "subject": "Bottles",
            "message": "Please quote.",
            "quantity": "500",
            "destination_country": "DE",
        },
        _codes(buyer=201, seller=403, other_buyer=201, other_seller=403, anonymous=401, staff=403),
    ),
    "inquiry list": (
        "get",
        lambda ctx: "/api/v1/inquiries/",
        None,
        _codes(buyer=200, seller=200, other_buyer=200, other_seller=200, anonymous=401, staff=200),
    ),
    "inquiry detail": (
        "get",
        lambda ctx: f"/api/v1/inquiries/{_inquiry(ctx).pk}/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
    "mark inquiry read": (
        "post",
        lambda ctx: f"/api/v1/inquiries/{_inquiry(ctx).pk}/mark-read/",
        None,
        _codes(buyer=403, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=403),
    ),
    "negotiation list": (
        "get",
        lambda ctx: "/api/v1/negotiations/",
        None,
        _codes(buyer=200, seller=200, other_buyer=200, other_seller=200, anonymous=401, staff=200),
    ),
    "negotiation detail": (
        "get",
        lambda ctx: f"/api/v1/negotiations/{_inquiry(ctx).negotiation_id}/",
        None,
        _codes(buyer=200, seller=200, other_buyer=404, other_seller=404, anonymous=401, staff=200),
    ),
}

CASES = [
    pytest.param(endpoint, persona, expected[persona], id=f"{endpoint} by {persona}")
    for endpoint, (_m, _u, _b, expected) in MATRIX.items()
    for persona in PERSONAS
]


@pytest.mark.parametrize(("endpoint", "persona", "expected"), CASES)
def test_each_persona_gets_the_expected_status_from_each_endpoint(
    endpoint, persona, expected, request, api_as, buyer, seller, product
):
    method, url_for, body_for, _ = MATRIX[endpoint]
    ctx = {"buyer": buyer, "seller": seller, "product": product}
    url = url_for(ctx)
    body = body_for(ctx) if body_for else None
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = getattr(api_as(user), method)(url, body, format="json")
    assert response.status_code == expected, response.content


def test_outsiders_see_empty_lists(api_as, buyer, seller, other_buyer, other_seller):
    make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    for outsider in (other_buyer, other_seller):
        for url in ("/api/v1/orders/", "/api/v1/inquiries/", "/api/v1/negotiations/"):
            assert api_as(outsider).get(url).json()["count"] == 0
