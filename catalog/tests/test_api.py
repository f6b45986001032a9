"""The catalog API: products with tiers, MOQ and currency, in a constant number of queries."""

import pytest

from catalog.tests.factories import ProductFactory


def test_products_list_with_tiers_moq_and_currency(buyer, product, api_as):
    body = api_as(buyer).get("/api/v1/products/").json()

    item = body["results"][0]
    assert item["id"] == product.pk
    assert (item["moq"], item["unit"], item["currency"]) == ("100.000", "piece", "USD")
    assert item["tiers"] == [
        {"min_quantity": "100.000", "unit_price": "5.20"},
        {"min_quantity": "500.000", "unit_price": "4.80"},
    ]
    assert item["seller"]["id"] == product.seller_id


def test_the_product_list_runs_a_constant_number_of_queries(
    buyer, seller_company, api_as, django_assert_max_num_queries
):
    ProductFactory.create_batch(12, seller=seller_company)
    client = api_as(buyer)

    # count, products, tiers, and the last-active stamp of the user.
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/products/")

    assert response.json()["count"] == 12


def test_products_filter_by_seller(buyer, product, other_seller, api_as):
    ProductFactory(seller=other_seller.company)

    body = api_as(buyer).get(f"/api/v1/products/?seller={product.seller_id}").json()

    assert [item["id"] for item in body["results"]] == [product.pk]


@pytest.mark.parametrize("query", ["seller=abc", "category=%C2%B2%20x", "q="])
def test_a_malformed_product_filter_is_a_400(buyer, product, api_as, query):
    assert api_as(buyer).get(f"/api/v1/products/?{query}").status_code == 400


def test_an_inactive_product_of_another_seller_is_not_found(buyer, seller_company, api_as):
    hidden = ProductFactory(seller=seller_company, active=False)

    response = api_as(buyer).get(f"/api/v1/products/{hidden.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
