import pytest
from django.urls import reverse

from catalog.models import PriceTier, Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", ["category", "product"])
def test_staff_opens_the_changelist(staff_client, model, product):
    assert staff_client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["category", "product"])
def test_staff_opens_the_add_page(staff_client, model):
    assert staff_client.get(reverse(f"admin:catalog_{model}_add")).status_code == 200


def test_staff_opens_a_product_change_page_with_its_tiers(staff_client, product):
    response = staff_client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert inline.formset.model is PriceTier
    assert len(inline.formset.queryset) == 2


def test_staff_opens_a_category_change_page(staff_client, product):
    url = reverse("admin:catalog_category_change", args=[product.category.pk])
    assert staff_client.get(url).status_code == 200


def test_product_changelist_searches_by_seller(staff_client, product):
    ProductFactory(name="Someone else's kettle")
    response = staff_client.get(reverse("admin:catalog_product_changelist"), {"q": "Ningbo"})
    assert list(response.context["cl"].result_list) == [product]


def test_product_changelist_filters_inactive_products(staff_client, product):
    inactive = ProductFactory(active=False)
    url = reverse("admin:catalog_product_changelist")
    response = staff_client.get(url, {"active__exact": "0"})
    assert list(response.context["cl"].result_list) == [inactive]


def test_product_changelist_queries_do_not_grow_with_products(
    staff_client, product, django_assert_max_num_queries
):
    url = reverse("admin:catalog_product_changelist")
    staff_client.get(url)
    with django_assert_max_num_queries(20) as few:
        staff_client.get(url)
    ProductFactory.create_batch(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)


def test_staff_adds_a_product_with_tiers(staff_client, seller_company, product):
    response = staff_client.post(
        reverse("admin:catalog_product_add"),
        {
            "seller": seller_company.pk,
            "name": "Glass jar 1 l",
            "description": "",
            "category": product.category.pk,
            "unit": "piece",
            "moq": "200",
            "currency": "EUR",
            "lead_time_days": "20",
            "hs_code": "",
            "active": "on",
            "price_tiers-TOTAL_FORMS": "2",
            "price_tiers-INITIAL_FORMS": "0",
            "price_tiers-MIN_NUM_FORMS": "0",
            "price_tiers-MAX_NUM_FORMS": "1000",
            "price_tiers-0-min_quantity": "200",
            "price_tiers-0-unit_price": "1.10",
            "price_tiers-1-min_quantity": "1000",
            "price_tiers-1-unit_price": "0.95",
        },
    )
    assert response.status_code == 302
    jar = Product.objects.get(name="Glass jar 1 l")
    assert [t.min_quantity for t in jar.price_tiers.all()] == [200, 1000]
