from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import selectors
from catalog.models import BelowMinimumOrder
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def quote(client, product, quantity, **extra):
    url = reverse("catalog:price_quote", args=[product.pk])
    return client.get(url, {"quantity": quantity}, **extra)


def test_quote_shows_the_tier_unit_price_and_the_line_total(client, product):
    response = quote(client, product, "250")
    assert response.status_code == 200
    page = response.content.decode()
    assert "$5.20" in page
    assert "$1,300.00" in page
    assert "<html" not in page


def test_quote_at_a_tier_edge_uses_the_next_tier(client, product):
    page = quote(client, product, "500").content.decode()
    assert "$4.80" in page
    assert "$2,400.00" in page


def test_quote_below_the_moq_shows_the_refusal(client, product):
    page = quote(client, product, "99").content.decode()
    assert "The minimum order quantity is 100 pieces." in page
    assert 'role="alert"' in page


@pytest.mark.parametrize("quantity", ["", "many", "-5", "0", "1.23456"])
def test_quote_for_an_invalid_quantity_explains_the_problem(client, product, quantity):
    response = quote(client, product, quantity)
    assert response.status_code == 200
    assert 'class="quote quote-error"' in response.content.decode()


def test_quote_line_total_is_rounded_to_the_currencys_minor_unit(client):
    product = ProductFactory(currency="JPY", tiers=[("100", "12.6")])
    page = quote(client, product, "101").content.decode()
    assert "¥1,273" in page


def test_quote_follows_the_request_language(client, product):
    page = quote(client, product, "1000", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "4.800,00\xa0$" in page


def test_quote_for_an_inactive_product_is_not_found(client):
    assert quote(client, ProductFactory(active=False), "100").status_code == 404


def test_quote_is_two_queries_however_many_tiers(client, seller_company, django_assert_num_queries):
    product = ProductFactory(
        seller=seller_company, tiers=[(str(100 + n), str(9 - n / 100)) for n in range(50)]
    )
    with django_assert_num_queries(2):
        quote(client, product, "120")


def test_product_price_quote_returns_the_unit_price_and_rounded_total(product):
    result = selectors.product_price_quote(product=product, quantity=Decimal("333.333"))
    assert result.unit_price == Decimal("5.20")
    assert result.line_total == Decimal("1733.33")
    assert result.currency == "USD"


def test_product_price_quote_refuses_quantities_under_the_moq(product):
    with pytest.raises(BelowMinimumOrder):
        selectors.product_price_quote(product=product, quantity=Decimal("5"))
