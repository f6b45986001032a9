"""Start Order without inventing the seller's data: the seller contact and origin come from the
seller, the shipping fee follows the Incoterm and the seller's freight rate (issue 13, point 9)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import FreightRate
from common.errors import ValidationFailed
from inquiries.models import Negotiation
from orders import services
from orders.models import Order
from orders.tests.factories import complete_values
from orders.tests.test_views_pages import start_data

pytestmark = pytest.mark.django_db


def _values(quantity="500", **overrides) -> dict:
    values = complete_values(**overrides)
    values["lines"][0]["quantity"] = quantity
    return values


@pytest.fixture
def rate_to_germany(product):
    return FreightRate.objects.create(
        seller=product.seller,
        destination_country="DE",
        currency="USD",
        per_order=Decimal("200"),
        per_unit=Decimal("0.15"),
    )


def test_start_order_takes_the_seller_contact_from_the_sellers_profile(buyer, product):
    values = _values(
        seller_contact_name="Invented Name",
        seller_contact_email="invented@example.com",
        seller_contact_phone="+1 000",
    )

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert (order.seller_contact_name, order.seller_contact_email, order.seller_contact_phone) == (
        "Li Seller",
        "li@seller.example",
        "+86 574 2222",
    )


def test_start_order_takes_the_origin_country_from_the_seller(buyer, product):
    order = services.order_start(
        actor=buyer, product_id=product.pk, values=_values(origin_country="US")
    )

    assert order.origin_country.code == product.seller.country.code == "CN"


def test_without_a_sales_contact_the_sellers_first_member_is_the_contact(
    buyer, product, seller_company
):
    from accounts.tests.factories import SellerFactory

    seller_company.sales_contact_name = ""
    seller_company.save()
    first = SellerFactory(company=seller_company, first_name="Wei", last_name="Zhang")
    SellerFactory(company=seller_company)

    order = services.order_start(actor=buyer, product_id=product.pk, values=_values())

    assert (order.seller_contact_name, order.seller_contact_email) == (
        first.display_name,
        first.email,
    )


@pytest.mark.parametrize("incoterm", ["EXW", "FCA", "FAS", "FOB"])
def test_with_buyer_carriage_start_order_needs_and_keeps_no_shipping_fee(buyer, product, incoterm):
    values = _values(incoterm=incoterm, shipping_fee="999.00")

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert order.shipping_fee is None
    assert order.revisions.get().terms["totals"]["total"] == "2400"  # 500 x 4.80, no fee


def test_with_seller_carriage_the_shipping_fee_comes_from_the_sellers_rate(
    buyer, product, rate_to_germany
):
    values = _values(incoterm="CIF", destination_country="DE", shipping_fee="1.00")

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert order.shipping_fee == Decimal("275.00")  # 200 + 0.15 x 500
    assert order.revisions.get().terms["totals"]["total"] == "2675"


@pytest.mark.parametrize("incoterm", ["CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"])
def test_start_order_is_refused_for_seller_carriage_where_the_seller_has_no_rate(
    buyer, product, rate_to_germany, incoterm
):
    values = _values(incoterm=incoterm, destination_country="FR", shipping_fee="100.00")

    with pytest.raises(ValidationFailed) as error:
        services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert list(error.value.errors) == ["incoterm"]
    assert "no freight rate to FR" in error.value.errors["incoterm"][0]
    assert not Order.objects.exists()
    assert not Negotiation.objects.exists()


def test_a_rate_in_another_currency_does_not_price_the_order(buyer, product):
    FreightRate.objects.create(
        seller=product.seller, destination_country="DE", currency="EUR", per_order=Decimal("1")
    )

    with pytest.raises(ValidationFailed) as error:
        services.order_start(
            actor=buyer, product_id=product.pk, values=_values(incoterm="DAP", shipping_fee="5")
        )

    assert "in USD" in error.value.errors["incoterm"][0]


def test_the_page_shows_the_seller_side_prefilled_and_read_only(client, buyer, product):
    client.force_login(buyer)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()

    for name in ("seller_contact_name", "seller_contact_email", "seller_contact_phone"):
        assert f'name="{name}"' not in page
    assert 'name="origin_country"' not in page
    assert 'name="shipping_fee"' not in page
    assert "li@seller.example" in page
    assert 'data-field="seller_contact_name"' in page


def test_the_page_disables_seller_carriage_incoterms_without_a_rate_and_says_why(
    client, buyer, product
):
    client.force_login(buyer)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()

    assert '<option value="CIF" disabled>' in page
    assert '<option value="FOB">' in page
    assert "has no freight rate to Germany" in page


def test_the_page_offers_every_incoterm_where_the_seller_has_a_rate(
    client, buyer, product, rate_to_germany
):
    client.force_login(buyer)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()

    assert '<option value="CIF">' in page
    assert "disabled" not in page.split('name="incoterm"')[1].split("</select>")[0]
    assert "$200.00" in page  # the rate table


def test_a_posted_seller_contact_is_ignored_on_the_page(client, buyer, product):
    client.force_login(buyer)
    data = start_data(product, seller_contact_name="Invented", seller_contact_email="x@y.z")

    client.post(reverse("orders:start", args=[product.pk]), data)

    assert Order.objects.get().seller_contact_name == "Li Seller"


def test_the_page_refuses_a_seller_carriage_incoterm_without_a_rate(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:start", args=[product.pk]), start_data(product, incoterm="DDP")
    )

    assert response.status_code == 400
    assert 'id="f-incoterm-errors"' in response.content.decode()
    assert not Order.objects.exists()


def test_the_api_ignores_a_buyer_supplied_seller_contact_and_fee(
    buyer, product, api_as, rate_to_germany
):
    values = _values(
        incoterm="CIP", seller_contact_name="Invented", shipping_fee="1.00", origin_country="US"
    )
    values["lines"][0]["product_id"] = product.pk

    response = api_as(buyer).post(
        "/api/v1/orders/start/", {**values, "product_id": product.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert (order.seller_contact_name, order.origin_country.code) == ("Li Seller", "CN")
    assert order.shipping_fee == Decimal("275.00")


def test_the_api_refuses_a_seller_carriage_incoterm_without_a_rate(buyer, product, api_as):
    values = {**_values(incoterm="DAP"), "product_id": product.pk}

    response = api_as(buyer).post("/api/v1/orders/start/", values, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["incoterm"]


def test_the_api_tells_the_seller_side_of_start_order(buyer, product, api_as, rate_to_germany):
    response = api_as(buyer).get(f"/api/v1/orders/start/{product.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["seller_contact_email"] == "li@seller.example"
    assert body["origin_country"] == "CN"
    assert body["freight_rates"] == [
        {"destination_country": "DE", "currency": "USD", "per_order": "200.00", "per_unit": "0.15"}
    ]
    assert body["buyer_carriage_incoterms"] == ["EXW", "FCA", "FAS", "FOB"]


def test_the_start_order_seller_side_of_an_unknown_product_is_404(buyer, api_as):
    assert api_as(buyer).get("/api/v1/orders/start/999999/").status_code == 404


def test_start_order_is_not_offered_while_the_seller_has_no_complete_contact(
    client, buyer, product, seller_company
):
    seller_company.sales_contact_phone = ""
    seller_company.save()
    client.force_login(buyer)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()
    with pytest.raises(ValidationFailed) as error:
        services.order_start(actor=buyer, product_id=product.pk, values=_values())

    assert 'data-testid="start-unavailable"' in page
    assert "Send order" not in page
    assert "has not set a complete sales contact" in error.value.errors["non_field_errors"][0]
    assert not Order.objects.exists()


@pytest.mark.parametrize("rates", [1, 20])
def test_the_start_order_page_runs_a_constant_number_of_queries(
    client, buyer, product, django_assert_num_queries, rates
):
    from django_countries import countries

    codes = [code for code, _name in countries][:rates]
    FreightRate.objects.bulk_create(
        FreightRate(seller=product.seller, destination_country=c, currency="USD", per_order=1)
        for c in codes
    )
    client.force_login(buyer)

    # The same with 1 or 20 rates: the rates are one query.
    with django_assert_num_queries(6):
        assert client.get(reverse("orders:start", args=[product.pk])).status_code == 200
