"""/api/v1/company/sales-contact/ and /api/v1/company/freight-rates/."""

import pytest

from accounts.models import Company, FreightRate

pytestmark = pytest.mark.django_db

RATE = {"destination_country": "DE", "currency": "USD", "per_order": "200", "per_unit": "0.15"}


def test_the_seller_sets_and_reads_the_sales_contact(seller, api_as):
    client = api_as(seller)
    body = {
        "sales_contact_name": "Li Wei",
        "sales_contact_email": "sales@ningbo.example",
        "sales_contact_phone": "+86 574 1234",
    }

    put = client.put("/api/v1/company/sales-contact/", body, format="json")

    assert put.status_code == 200
    assert client.get("/api/v1/company/sales-contact/").json() == body


def test_a_buyer_cannot_set_a_sales_contact(buyer, api_as):
    response = api_as(buyer).put(
        "/api/v1/company/sales-contact/", {"sales_contact_name": "X"}, format="json"
    )

    assert response.status_code == 403


def test_an_invalid_sales_contact_e_mail_gets_a_field_error(seller, api_as):
    response = api_as(seller).put(
        "/api/v1/company/sales-contact/", {"sales_contact_email": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["sales_contact_email"]


def test_the_seller_adds_lists_and_removes_a_freight_rate(seller, api_as):
    client = api_as(seller)

    created = client.post("/api/v1/company/freight-rates/", RATE, format="json")
    listed = client.get("/api/v1/company/freight-rates/")
    deleted = client.delete(f"/api/v1/company/freight-rates/{created.json()['id']}/")

    assert created.status_code == 200
    assert created.json()["per_order"] == "200.00"
    assert created.json()["per_unit"] == "0.15"
    assert [r["destination_country"] for r in listed.json()] == ["DE"]
    assert deleted.status_code == 204
    assert not FreightRate.objects.exists()


def test_a_rate_without_any_price_gets_a_field_error(seller, api_as):
    response = api_as(seller).post(
        "/api/v1/company/freight-rates/",
        {"destination_country": "DE", "currency": "USD"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["per_order"]


def test_another_seller_cannot_remove_the_rate(seller, other_seller, api_as):
    rate = api_as(seller).post("/api/v1/company/freight-rates/", RATE, format="json").json()

    response = api_as(other_seller).delete(f"/api/v1/company/freight-rates/{rate['id']}/")

    assert response.status_code == 404
    assert FreightRate.objects.exists()


def test_a_buyer_cannot_add_a_freight_rate(buyer, api_as):
    response = api_as(buyer).post("/api/v1/company/freight-rates/", RATE, format="json")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", ["/api/v1/company/sales-contact/", "/api/v1/company/freight-rates/"]
)
def test_a_body_that_is_not_a_json_object_is_a_400_and_changes_nothing(seller, api_as, url):
    client = api_as(seller)
    send = client.put if url.endswith("sales-contact/") else client.post

    response = send(url, [RATE], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not FreightRate.objects.exists()
    assert Company.objects.get(pk=seller.company_id).sales_contact_name == ""


@pytest.mark.parametrize("value", [{}, None, 0])
def test_a_sales_contact_field_that_is_not_text_gets_a_field_error(seller, api_as, value):
    response = api_as(seller).put(
        "/api/v1/company/sales-contact/", {"sales_contact_phone": value}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["sales_contact_phone"]
