from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Unit
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def detail(product):
    return reverse("catalog:product_detail", args=[product.pk])


@pytest.fixture
def full_product(seller_company):
    seller_company.verified = True
    seller_company.city = "Ningbo"
    seller_company.year_established = 2006
    seller_company.employees = "201-500"
    seller_company.save()
    return ProductFactory(
        seller=seller_company,
        name="Vacuum bottle 750 ml",
        description="Double-walled <b>steel</b>.",
        sample_available=True,
        hs_code="9617.00",
        lead_time_days=35,
    )


def test_detail_shows_the_product_facts(client, full_product):
    page = client.get(detail(full_product)).content.decode()
    assert "Vacuum bottle 750 ml" in page
    assert "Double-walled &lt;b&gt;steel&lt;/b&gt;." in page
    assert "100 piece" in page
    assert "35 days" in page
    assert "Available" in page
    assert "9617.00" in page


def test_detail_shows_the_price_tiers_as_ranges(client, full_product):
    page = client.get(detail(full_product)).content.decode()
    assert "<td>100–499</td>" in page
    assert "<td>500+</td>" in page
    assert "$5.20" in page
    assert "$4.80" in page


def test_detail_labels_fractional_tier_edges(client):
    product = ProductFactory(
        unit=Unit.KG, moq=Decimal("2.5"), tiers=[("2.5", "10"), ("10", "9"), ("11", "8")]
    )
    page = client.get(detail(product)).content.decode()
    assert "2.5 – under 10" in page
    assert "<td>10</td>" in page
    assert "<td>11+</td>" in page


def test_detail_shows_the_sellers_company_card(client, full_product):
    page = client.get(detail(full_product)).content.decode()
    assert "Ningbo Bright Housewares Co" in page
    assert "Ningbo, China" in page
    assert "Manufacturer" in page
    assert "2006" in page
    assert "201–500" in page
    assert "Verified" in page
    assert "Member since" in page


def test_detail_shows_the_image_when_there_is_one(client, product):
    product.image = "products/bottle.jpg"
    product.save()
    assert 'src="/media/products/bottle.jpg"' in client.get(detail(product)).content.decode()


def test_unknown_product_is_not_found(client):
    assert client.get(reverse("catalog:product_detail", args=[999])).status_code == 404


def test_inactive_product_is_not_found_for_buyers(client, buyer):
    product = ProductFactory(active=False)
    client.force_login(buyer)
    assert client.get(detail(product)).status_code == 404


def test_inactive_product_is_not_found_for_anonymous_visitors(client):
    assert client.get(detail(ProductFactory(active=False))).status_code == 404


def test_its_seller_still_sees_an_inactive_product(client, seller, seller_company):
    product = ProductFactory(seller=seller_company, active=False)
    client.force_login(seller)
    response = client.get(detail(product))
    assert response.status_code == 200
    assert "Inactive" in response.content.decode()


def test_another_seller_does_not_see_an_inactive_product(client, other_seller, seller_company):
    product = ProductFactory(seller=seller_company, active=False)
    client.force_login(other_seller)
    assert client.get(detail(product)).status_code == 404


def test_detail_is_a_constant_number_of_queries(client, seller_company, django_assert_num_queries):
    few = ProductFactory(seller=seller_company)
    many = ProductFactory(
        seller=seller_company, tiers=[(str(10 * n + 100), str(20 - n / 10)) for n in range(40)]
    )
    # The product with seller and category, then its tiers.
    with django_assert_num_queries(2):
        client.get(detail(few))
    with django_assert_num_queries(2):
        client.get(detail(many))


@pytest.mark.urls("catalog.tests.urls_with_entry_points")
class TestBuyerEntryPoints:
    def test_buyer_sees_contact_supplier_and_start_order(self, client, buyer, product):
        client.force_login(buyer)
        page = client.get(detail(product)).content.decode()
        contact = reverse("inquiries:contact_supplier", args=[product.pk])
        start = reverse("orders:start", args=[product.pk])
        assert f'href="{contact}">Contact Supplier</a>' in page
        assert f'href="{start}">Start Order</a>' in page

    def test_anonymous_visitor_is_sent_to_log_in_first(self, client, product):
        page = client.get(detail(product)).content.decode()
        contact = reverse("inquiries:contact_supplier", args=[product.pk])
        login = reverse("accounts:login")
        assert f'href="{login}?next={contact}">Contact Supplier' in page
        assert "Start Order" in page

    def test_seller_does_not_see_the_buyer_entry_points(self, client, seller, product):
        client.force_login(seller)
        page = client.get(detail(product)).content.decode()
        assert "Contact Supplier" not in page
        assert "Start Order" not in page

    def test_staff_without_a_company_does_not_see_the_buyer_entry_points(
        self, client, staff, product
    ):
        client.force_login(staff)
        assert "Contact Supplier" not in client.get(detail(product)).content.decode()


@pytest.mark.urls("catalog.tests.urls_without_entry_points")
def test_entry_points_are_hidden_while_their_pages_do_not_exist(client, buyer, product):
    client.force_login(buyer)
    page = client.get(detail(product)).content.decode()
    assert "Contact Supplier" not in page
    assert "Start Order" not in page
