"""A company's currency: the one its members see equivalents in (issue 15)."""

import pytest

from accounts.tests.factories import BuyerCompanyFactory, SellerCompanyFactory
from accounts.tests.test_company_profile import URL, profile_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "currency"), [("DE", "EUR"), ("CN", "CNY"), ("VN", "VND"), ("BR", "BRL")]
)
def test_a_new_company_starts_with_its_countrys_currency(country, currency):
    assert SellerCompanyFactory(country=country).currency == currency


def test_a_member_changes_the_currency_on_the_profile(client, buyer, buyer_company):
    client.force_login(buyer)
    client.post(URL, profile_post(currency="USD"))
    buyer_company.refresh_from_db()
    assert buyer_company.currency == "USD"


def test_a_currency_that_is_not_one_is_refused_and_changes_nothing(client, buyer, buyer_company):
    client.force_login(buyer)
    response = client.post(URL, profile_post(currency="XYZ"))
    assert response.status_code == 400
    assert response.context["form"].errors["currency"]
    buyer_company.refresh_from_db()
    assert buyer_company.currency == "EUR"


def test_an_explicit_currency_is_kept_whatever_the_country():
    assert BuyerCompanyFactory(country="DE", currency="USD").currency == "USD"


def test_the_api_tells_the_users_company_currency(buyer, api_as):
    assert api_as(buyer).get("/api/v1/me/").json()["company"]["currency"] == "EUR"
