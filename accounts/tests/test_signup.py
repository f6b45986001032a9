import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Company, Side, User
from accounts.tests.factories import BuyerFactory
from common.errors import ValidationFailed

pytestmark = pytest.mark.django_db

URL = reverse("accounts:signup")


def signup_post(side="buyer", **overrides):
    data = {
        "company-side": side,
        "company-legal_name": "Lisboa Home Imports Lda",
        "company-country": "PT",
        "company-city": "Lisbon",
        "company-business_type": "distributor",
        "company-year_established": "2011",
        "company-employees": "11-50",
        "company-main_products": "Kitchenware for Iberian retailers",
        "company-website": "https://lisboa-home.example",
        "user-username": "joana",
        "user-first_name": "Joana",
        "user-last_name": "Silva",
        "user-email": "joana@lisboa-home.example",
        "user-phone": "+351 21 000 0000",
        "user-password1": "plum-orchard-1984",
        "user-password2": "plum-orchard-1984",
    }
    data.update(overrides)
    return data


def company_data(**overrides):
    data = {
        "side": Side.SELLER,
        "legal_name": "Shenzhen Lamp Works",
        "country": "CN",
        "city": "Shenzhen",
        "business_type": Company.BusinessType.MANUFACTURER,
        "year_established": 2001,
    }
    data.update(overrides)
    return data


def user_data(**overrides):
    data = {
        "username": "wei",
        "first_name": "Wei",
        "last_name": "Zhang",
        "email": "wei@lamps.example",
        "phone": "",
        "password": "plum-orchard-1984",
    }
    data.update(overrides)
    return data


def test_signup_page_offers_buyer_and_seller(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'value="buyer"' in response.content
    assert b'value="seller"' in response.content


def test_buyer_signs_up_and_is_logged_in(client):
    response = client.post(URL, signup_post())
    assert response.status_code == 302
    user = User.objects.get(username="joana")
    assert user.company.side == Side.BUYER
    assert user.company.legal_name == "Lisboa Home Imports Lda"
    assert user.company.country.code == "PT"
    assert user.company.year_established == 2011
    assert user.company.verified is False
    assert user.check_password("plum-orchard-1984")
    assert client.get(reverse("home")).wsgi_request.user == user


def test_seller_signs_up_with_a_seller_company(client):
    client.post(URL, signup_post(side="seller"))
    assert User.objects.get(username="joana").company.side == Side.SELLER


def test_signup_redirects_to_a_safe_next_url(client):
    response = client.post(URL, signup_post(next="/products/"))
    assert response["Location"] == "/products/"


def test_signup_ignores_a_next_url_on_another_host(client):
    response = client.post(URL, signup_post(next="https://evil.example/"))
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("company-legal_name", "", "company-legal_name"),
        ("company-side", "staff", "company-side"),
        ("company-country", "XX", "company-country"),
        ("company-website", "not a url", "company-website"),
        ("user-email", "not-an-email", "user-email"),
        ("user-email", "", "user-email"),
        ("user-first_name", "", "user-first_name"),
        ("user-password2", "something-else-77", "user-password2"),
    ],
)
def test_invalid_signup_shows_the_field_error_and_creates_nothing(
    client, field, value, error_field
):
    response = client.post(URL, signup_post(**{field: value}))
    assert response.status_code == 400
    form = "company_form" if error_field.startswith("company-") else "user_form"
    assert response.context[form].errors[error_field.split("-", 1)[1]]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Company.objects.exists()
    assert not User.objects.exists()


def test_signup_with_a_common_password_is_refused_by_the_service(client):
    response = client.post(
        URL, signup_post(**{"user-password1": "password", "user-password2": "password"})
    )
    assert response.status_code == 400
    assert response.context["user_form"].errors["password1"]
    assert not User.objects.exists()


def test_signup_with_a_future_year_established_is_refused(client):
    response = client.post(URL, signup_post(**{"company-year_established": "2999"}))
    assert response.status_code == 400
    assert "Enter a year between" in response.context["company_form"].errors["year_established"][0]
    assert not Company.objects.exists()


def test_signup_with_a_taken_username_is_refused(client):
    BuyerFactory(username="joana")
    response = client.post(URL, signup_post())
    assert response.status_code == 400
    assert response.context["user_form"].errors["username"]
    assert Company.objects.count() == 1


def test_signup_with_an_e_mail_already_in_use_is_refused(client):
    BuyerFactory(email="Joana@Lisboa-Home.example")
    response = client.post(URL, signup_post())
    assert response.status_code == 400
    assert response.context["user_form"].errors["email"]
    assert Company.objects.count() == 1


def test_company_signup_creates_the_company_and_its_first_user():
    user = services.company_signup(company_data=company_data(), user_data=user_data())
    assert user.company.legal_name == "Shenzhen Lamp Works"
    assert user.company.is_seller
    assert user.check_password("plum-orchard-1984")


def test_company_signup_reports_every_invalid_field_and_changes_nothing():
    with pytest.raises(ValidationFailed) as caught:
        services.company_signup(
            company_data=company_data(legal_name="", business_type="pirate", year_established=2999),
            user_data=user_data(email="", password="123"),
        )
    assert set(caught.value.errors) >= {
        "legal_name",
        "business_type",
        "year_established",
        "email",
        "password",
    }
    assert not Company.objects.exists()
    assert not User.objects.exists()


def test_company_signup_refuses_a_company_side_other_than_buyer_or_seller():
    with pytest.raises(ValidationFailed) as caught:
        services.company_signup(company_data=company_data(side="admin"), user_data=user_data())
    assert "side" in caught.value.errors


def test_signed_in_user_visiting_signup_is_sent_home(client, buyer):
    client.force_login(buyer)
    assert client.get(URL)["Location"] == reverse("home")


def test_an_empty_signup_post_shows_required_field_errors(client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert response.context["company_form"].errors["legal_name"]
    assert response.context["user_form"].errors["username"]
    assert not Company.objects.exists()


def test_home_page_invites_anonymous_visitors_to_sign_up(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
