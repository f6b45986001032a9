from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import SellerCompanyFactory
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.views import PRODUCTS_PER_PAGE

pytestmark = pytest.mark.django_db

URL = reverse("catalog:product_list")


def names(response):
    return [product.name for product in response.context["products"]]


def test_anonymous_visitor_sees_active_products(client, product):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == [product.name]


def test_inactive_products_are_not_listed(client, product):
    ProductFactory(name="Withdrawn kettle", active=False)
    assert names(client.get(URL)) == [product.name]


def test_card_shows_seller_country_badge_price_range_moq_unit_and_lead_time(client, product):
    product.seller.verified = True
    product.seller.save()
    page = client.get(URL).content.decode()
    assert "Ningbo Bright Housewares Co" in page
    assert "China" in page
    assert "Verified" in page
    assert "$4.80 – $5.20" in page
    assert "100 piece" in page
    assert "30 days" in page


def test_unverified_seller_has_no_verified_badge(client, product):
    assert "Verified" not in client.get(URL).content.decode()


def test_single_tier_shows_one_price(client):
    ProductFactory(tiers=[("10", "12.50")], currency="EUR")
    page = client.get(URL).content.decode()
    assert "€12.50" in page
    assert "€12.50 –" not in page


def test_product_without_tiers_shows_price_on_request(client):
    ProductFactory(tiers=[])
    assert "Price on request" in client.get(URL).content.decode()


def test_prices_follow_the_request_language(client, product):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "4,80\xa0$" in page


@pytest.mark.parametrize("query", ["bottle", "BOTTLE", "vacuum insulated", "ningbo bright"])
def test_search_finds_products_by_name_description_or_seller(client, product, query):
    ProductFactory(name="Bamboo cutting board", description="Oiled bamboo.")
    assert names(client.get(URL, {"q": query})) == [product.name]


def test_every_search_word_must_match(client, product):
    assert names(client.get(URL, {"q": "bottle marble"})) == []


def test_search_without_results_says_so(client, product):
    response = client.get(URL, {"q": "zeppelin"})
    assert "No products match your search." in response.content.decode()


def test_category_filter_shows_only_that_category(client, product):
    boards = CategoryFactory(name="Cutting boards", slug="cutting-boards")
    board = ProductFactory(name="Bamboo cutting board", category=boards)
    assert names(client.get(URL, {"category": "cutting-boards"})) == [board.name]


def test_search_and_category_combine(client, product):
    boards = CategoryFactory(name="Cutting boards", slug="cutting-boards")
    ProductFactory(name="Bamboo cutting board", category=boards)
    ProductFactory(name="Oak cutting board", category=boards)
    assert names(client.get(URL, {"category": "cutting-boards", "q": "oak"})) == [
        "Oak cutting board"
    ]


def test_unknown_category_is_ignored(client, product):
    assert names(client.get(URL, {"category": "no-such-thing"})) == [product.name]


def test_products_are_paginated(client):
    seller = SellerCompanyFactory()
    ProductFactory.create_batch(PRODUCTS_PER_PAGE + 2, seller=seller)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["products"]) == PRODUCTS_PER_PAGE
    assert len(second.context["products"]) == 2
    assert set(names(first)).isdisjoint(names(second))
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_pagination_links_keep_the_search(client):
    seller = SellerCompanyFactory()
    ProductFactory.create_batch(PRODUCTS_PER_PAGE + 1, seller=seller)
    page = client.get(URL, {"q": "bottle"}).content.decode()
    assert 'href="?q=bottle&amp;page=2"' in page


def test_a_page_number_out_of_range_shows_the_last_page(client, product):
    response = client.get(URL, {"page": 99})
    assert response.status_code == 200
    assert names(response) == [product.name]


def test_list_is_a_constant_number_of_queries(client, django_assert_num_queries):
    seller = SellerCompanyFactory()
    ProductFactory(seller=seller)
    # Categories for the filter, the count, and the page with sellers, categories and prices.
    with django_assert_num_queries(3):
        client.get(URL)
    for number in range(30):
        ProductFactory(
            tiers=[("10", "3"), ("100", "2"), ("1000", str(Decimal("1.5") - Decimal(number) / 100))]
        )
    with django_assert_num_queries(3):
        client.get(URL)
    with django_assert_num_queries(3):
        client.get(URL, {"q": "bottle", "page": 2})


def test_list_for_a_signed_in_buyer_is_a_constant_number_of_queries(
    client, buyer, django_assert_num_queries
):
    client.force_login(buyer)
    ProductFactory()
    client.get(URL)  # records the buyer's activity once
    # Session, user and the user's company (the header), then the three of anonymous visits.
    with django_assert_num_queries(6):
        client.get(URL)
    ProductFactory.create_batch(20)
    with django_assert_num_queries(6):
        client.get(URL)
