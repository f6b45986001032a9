"""A seller's default sales contact and freight-rate table, on the company profile page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import FreightRate
from accounts.tests.test_company_profile import URL, profile_post
from common.errors import NotAllowed, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

RATE = {"destination_country": "DE", "currency": "USD", "per_order": "200", "per_unit": "0.15"}


def test_the_seller_sets_the_default_sales_contact_on_the_profile_page(
    client, seller, seller_company
):
    client.force_login(seller)

    response = client.post(
        URL,
        profile_post(
            sales_contact_name="Li Wei",
            sales_contact_email="sales@ningbo.example",
            sales_contact_phone="+86 574 1234",
        ),
    )

    assert response["Location"] == URL
    seller_company.refresh_from_db()
    assert (seller_company.sales_contact_name, seller_company.sales_contact_email) == (
        "Li Wei",
        "sales@ningbo.example",
    )


def test_an_invalid_sales_contact_e_mail_is_refused_next_to_the_field(client, seller):
    client.force_login(seller)

    response = client.post(URL, profile_post(sales_contact_email="not-an-address"))

    assert response.status_code == 400
    assert response.context["form"].errors["sales_contact_email"]


def test_a_buyer_profile_has_no_sales_contact(client, buyer, buyer_company):
    client.force_login(buyer)

    page = client.get(URL).content.decode()
    client.post(URL, profile_post(sales_contact_name="Invented"))

    assert 'name="sales_contact_name"' not in page
    assert "freight-rates" not in page
    buyer_company.refresh_from_db()
    assert buyer_company.sales_contact_name == ""


def test_the_seller_adds_a_freight_rate_on_the_profile_page(client, seller, seller_company):
    client.force_login(seller)

    response = client.post(reverse("accounts:freight_rate_set"), RATE)

    assert response["Location"] == URL + "#freight-rates"
    rate = FreightRate.objects.get(seller=seller_company)
    assert (rate.per_order, rate.per_unit) == (Decimal("200"), Decimal("0.15"))
    assert "$200.00" in client.get(URL).content.decode()


def test_a_rate_to_the_same_destination_and_currency_replaces_the_old_one(seller):
    services.freight_rate_set(actor=seller, values=RATE)
    services.freight_rate_set(actor=seller, values={**RATE, "per_order": "", "per_unit": "0.3"})

    rate = FreightRate.objects.get()
    assert (rate.per_order, rate.per_unit) == (None, Decimal("0.3"))


def test_a_rate_needs_a_price_per_order_or_per_unit(client, seller):
    client.force_login(seller)

    response = client.post(
        reverse("accounts:freight_rate_set"), {**RATE, "per_order": "", "per_unit": ""}
    )

    assert response.status_code == 400
    assert response.context["rate_form"].errors["per_order"]
    assert not FreightRate.objects.exists()


def test_a_negative_rate_is_refused(seller):
    with pytest.raises(ValidationFailed) as error:
        services.freight_rate_set(actor=seller, values={**RATE, "per_unit": "-1"})

    assert list(error.value.errors) == ["per_unit"]


def test_a_buyer_cannot_keep_freight_rates(buyer):
    with pytest.raises(NotAllowed):
        services.freight_rate_set(actor=buyer, values=RATE)


def test_the_seller_removes_a_rate(client, seller):
    rate = services.freight_rate_set(actor=seller, values=RATE)
    client.force_login(seller)

    client.post(reverse("accounts:freight_rate_delete", args=[rate.pk]))

    assert not FreightRate.objects.exists()


def test_another_seller_cannot_remove_the_rate(client, seller, other_seller):
    rate = services.freight_rate_set(actor=seller, values=RATE)
    client.force_login(other_seller)

    response = client.post(reverse("accounts:freight_rate_delete", args=[rate.pk]))

    assert response.status_code == 404
    assert FreightRate.objects.exists()
    with pytest.raises(NotFound):
        services.freight_rate_delete(actor=other_seller, rate_id=rate.pk)
