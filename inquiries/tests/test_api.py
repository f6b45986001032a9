"""The inquiries and negotiations REST API."""

import pytest

from inquiries.models import Inquiry
from inquiries.tests.factories import InquiryFactory


def _inquiry_body(product, **overrides):
    body = {
        "product_id": product.pk if product else None,
        "subject": "Bottles with our logo",
        "message": "Please quote 1,000 pieces, delivered to Hamburg.",
        "quantity": "1000",
        "target_price": "4.50",
        "target_currency": "USD",
        "destination_country": "DE",
    }
    body.update(overrides)
    return body


def test_a_buyer_sends_an_inquiry_that_the_seller_sees_unread(api_as, buyer, seller, product):
    response = api_as(buyer).post("/api/v1/inquiries/", _inquiry_body(product), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["unread"] is True
    assert body["unit"] == "piece"
    assert body["seller_company"]["id"] == seller.company_id
    listed = api_as(seller).get("/api/v1/inquiries/").json()["results"]
    assert [i["id"] for i in listed] == [body["id"]]


def test_a_buyer_may_write_to_a_seller_without_a_product(api_as, buyer, seller):
    body = _inquiry_body(product=None, unit="kg")
    body.pop("product_id")
    body["seller_company_id"] = seller.company_id

    response = api_as(buyer).post("/api/v1/inquiries/", body, format="json")

    assert response.status_code == 201
    assert response.json()["product_id"] is None


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"message": "x" * 5001}, "message"),
        ({"subject": ""}, "subject"),
        ({"target_currency": "ABC"}, "target_currency"),
        ({"destination_country": "XX"}, "destination_country"),
    ],
    ids=[
        "zero quantity",
        "negative quantity",
        "oversized message",
        "empty subject",
        "unknown currency",
        "unknown country",
    ],
)
def test_a_bad_inquiry_gets_a_field_error_and_creates_nothing(
    api_as, buyer, product, override, field
):
    response = api_as(buyer).post(
        "/api/v1/inquiries/", _inquiry_body(product, **override), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Inquiry.objects.exists()


def test_the_seller_marks_an_inquiry_read_once(api_as, buyer, seller):
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        sender=buyer,
    )
    client = api_as(seller)

    first = client.post(f"/api/v1/inquiries/{inquiry.pk}/mark-read/").json()
    second = client.post(f"/api/v1/inquiries/{inquiry.pk}/mark-read/").json()

    assert first["unread"] is False
    assert second["read_at"] == first["read_at"]


@pytest.mark.parametrize("count", [1, 12])
def test_the_inquiry_list_runs_a_constant_number_of_queries(
    api_as, buyer, seller, count, django_assert_num_queries
):
    for _ in range(count):
        InquiryFactory(
            negotiation__buyer_company=buyer.company,
            negotiation__seller_company=seller.company,
            sender=buyer,
        )
    client = api_as(seller)

    # last-active stamp, count, page
    with django_assert_num_queries(3):
        assert client.get("/api/v1/inquiries/").json()["count"] == count
