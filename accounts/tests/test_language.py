"""The preferred language: the switcher, the profile, sign-up, pages and the API."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.test_signup import signup_post
from common.errors import ValidationFailed

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:language_set")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_signed_in_users_language_is_used_for_the_pages(buyer):
    buyer.language = "de"
    buyer.save(update_fields=["language"])
    response = signed_in(buyer).get(reverse("accounts:security"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_a_visitor_gets_the_browsers_language(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    # A label Django itself translates (the username field of its login form).
    assert "用户名" in response.content.decode()


def test_sign_up_keeps_the_browsers_language(client):
    client.post(reverse("accounts:signup"), signup_post(), HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.8")
    assert User.objects.get(username="joana").language == "pt-br"


def test_sign_up_with_a_language_we_do_not_offer_gets_english(client):
    client.post(reverse("accounts:signup"), signup_post(), HTTP_ACCEPT_LANGUAGE="ja")
    assert User.objects.get(username="joana").language == "en"


def test_the_switcher_saves_a_signed_in_users_preference(buyer):
    client = signed_in(buyer)
    response = client.post(SWITCH, {"language": "vi", "next": "/products/"})
    assert response.status_code == 302
    assert response["Location"] == "/products/"
    buyer.refresh_from_db()
    assert buyer.language == "vi"
    assert client.get("/products/")["Content-Language"] == "vi"


def test_the_switcher_sets_a_cookie_for_a_visitor(client):
    client.post(SWITCH, {"language": "es", "next": "/products/"})
    assert client.get("/products/", HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "es"


def test_the_switcher_refuses_a_language_we_do_not_offer_and_changes_nothing(buyer):
    client = signed_in(buyer)
    response = client.post(SWITCH, {"language": "xx", "next": "/products/"})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.language == "en"


def test_the_switcher_does_not_redirect_to_another_host(buyer):
    response = signed_in(buyer).post(SWITCH, {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_the_navigation_offers_the_switcher_in_each_languages_own_name(client):
    page = client.get("/products/").content.decode()
    assert f'action="{SWITCH}"' in page
    assert ">简体中文</option>" in page
    assert ">Português (Brasil)</option>" in page


def test_the_profile_page_shows_the_users_language_selected(buyer):
    buyer.language = "fr"
    buyer.save(update_fields=["language"])
    page = signed_in(buyer).get(reverse("accounts:security")).content.decode()
    assert '<option value="fr" lang="fr" selected>' in page


def test_the_service_refuses_an_unknown_language_with_a_field_error(buyer):
    with pytest.raises(ValidationFailed) as error:
        services.user_language_set(user=buyer, language="klingon")
    assert "language" in error.value.errors
    buyer.refresh_from_db()
    assert buyer.language == "en"


def token_client(user) -> Client:
    _token, key = services.api_token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_the_api_profile_changes_the_language(buyer):
    response = token_client(buyer).patch(
        "/api/v1/me/", {"language": "zh-hans"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["language"] == "zh-hans"
    buyer.refresh_from_db()
    assert buyer.language == "zh-hans"


def test_the_api_profile_refuses_an_unknown_language_with_a_field_error(buyer):
    response = token_client(buyer).patch(
        "/api/v1/me/", {"language": "xx"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "language" in response.json()


def test_api_error_details_are_in_the_token_users_language_and_codes_stay_english(buyer):
    buyer.language = "de"
    buyer.save(update_fields=["language"])
    response = token_client(buyer).delete("/api/v1/me/")
    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "detail": 'Methode "DELETE" nicht erlaubt.',
    }
    assert response["Content-Language"] == "de"


def test_a_password_reset_e_mail_is_in_the_accounts_language(client, buyer, test_catalogues):
    buyer.language = "zh-hans"
    buyer.save(update_fields=["language"])
    client.post(reverse("accounts:password_reset"), {"email": buyer.email})
    assert mail.outbox[0].body.startswith(f"{buyer.get_full_name()}，您好：")
