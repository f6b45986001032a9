"""API tokens (django-rest-knox): issued per log-in, listed, revoked, expiring, and ended with
the password or by "log out everywhere"."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
NEW_PASSWORD = "lantern-meadow-73"
TOKENS = "/api/v1/auth/tokens/"


def api_login(username="buyer", password=PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_an_api_log_in_returns_a_token_that_authenticates(buyer):
    token = api_login()
    response = with_token(token).get(TOKENS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [token[:15]]


def test_the_token_response_says_when_it_expires(buyer, settings):
    response = APIClient().post("/api/v1/auth/token/", {"username": "buyer", "password": PASSWORD})
    body = response.json()
    assert set(body) == {"token", "id", "created", "expiry"}
    assert body["expiry"] is not None


def test_wrong_credentials_get_no_token(buyer):
    response = APIClient().post("/api/v1/auth/token/", {"username": "buyer", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert AuthToken.objects.count() == 0


def test_each_log_in_gets_its_own_token_stored_only_as_a_hash(buyer):
    first, second = api_login(), api_login()
    assert first != second
    stored = AuthToken.objects.filter(user=buyer)
    assert stored.count() == 2
    assert not stored.filter(digest__in=[first, second]).exists()


def test_anonymous_api_calls_get_401_with_a_token_challenge(db):
    response = APIClient().get(TOKENS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_refused(db):
    assert with_token("0" * 64).get(TOKENS).status_code == 401


def test_a_user_lists_only_their_own_tokens(buyer, other_buyer):
    mine = api_login()
    AuthToken.objects.create(user=other_buyer)
    rows = with_token(mine).get(TOKENS).json()
    assert [row["id"] for row in rows] == [mine[:15]]
    assert "token" not in rows[0]


def test_a_revoked_token_stops_working_and_the_others_keep_working(buyer):
    first, second = api_login(), api_login()
    response = with_token(second).delete(f"{TOKENS}{first[:15]}/")
    assert response.status_code == 204
    assert with_token(first).get(TOKENS).status_code == 401
    assert with_token(second).get(TOKENS).status_code == 200


def test_nobody_revokes_another_users_token(buyer, other_buyer):
    mine = api_login()
    _instance, theirs = AuthToken.objects.create(user=other_buyer)
    assert with_token(mine).delete(f"{TOKENS}{theirs[:15]}/").status_code == 404
    assert with_token(theirs).get(TOKENS).status_code == 200


def test_a_token_expires_after_the_configured_time(buyer, settings):
    settings.REST_KNOX = {"TOKEN_TTL": datetime.timedelta(hours=2)}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        token = api_login()
        traveller.shift(datetime.timedelta(hours=1, minutes=59))
        assert with_token(token).get(TOKENS).status_code == 200
        traveller.shift(datetime.timedelta(minutes=2))
        assert with_token(token).get(TOKENS).status_code == 401


def test_a_password_change_revokes_every_token_and_keeps_this_session(client, buyer):
    token = api_login()
    client.force_login(buyer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert with_token(token).get(TOKENS).status_code == 401
    assert client.get(reverse("accounts:security")).status_code == 200


def test_a_password_change_ends_the_users_other_sessions(client, buyer):
    other = Client()
    other.force_login(buyer)
    client.force_login(buyer)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert other.get(reverse("accounts:security")).status_code == 302
    assert SESSION_KEY not in other.session


def test_a_password_reset_revokes_every_token_and_ends_every_session(client, buyer):
    token = api_login()
    other = Client()
    other.force_login(buyer)
    client.post(reverse("accounts:password_reset"), {"email": buyer.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert with_token(token).get(TOKENS).status_code == 401
    assert other.get(reverse("accounts:security")).status_code == 302


def test_staff_setting_a_password_in_the_admin_revokes_the_users_tokens(client, buyer, staff):
    token = api_login()
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[buyer.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert with_token(token).get(TOKENS).status_code == 401


def test_log_out_everywhere_ends_every_session_and_token(client, buyer):
    token = api_login()
    other = Client()
    other.force_login(buyer)
    client.force_login(buyer)
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session
    assert other.get(reverse("accounts:security")).status_code == 302
    assert with_token(token).get(TOKENS).status_code == 401
    buyer.refresh_from_db()
    client.force_login(buyer)
    assert client.get(reverse("accounts:security")).status_code == 200, "a new log-in works"


def test_log_out_everywhere_through_the_api(buyer):
    token = api_login()
    other = Client()
    other.force_login(buyer)
    assert with_token(token).post("/api/v1/auth/logout-everywhere/").status_code == 204
    assert with_token(token).get(TOKENS).status_code == 401
    assert other.get(reverse("accounts:security")).status_code == 302


def test_the_security_page_lists_tokens_and_revokes_one(client, buyer, other_buyer):
    first, second = api_login(), api_login()
    AuthToken.objects.create(user=other_buyer)
    client.force_login(buyer)
    page = client.get(reverse("accounts:security")).content.decode()
    assert first[:15] in page and second[:15] in page
    assert first not in page
    response = client.post(reverse("accounts:token_revoke", args=[first[:15]]))
    assert response["Location"] == reverse("accounts:security")
    assert with_token(first).get(TOKENS).status_code == 401
    assert with_token(second).get(TOKENS).status_code == 200


def test_the_security_page_answers_404_for_another_users_token(client, buyer, other_buyer):
    _instance, theirs = AuthToken.objects.create(user=other_buyer)
    client.force_login(buyer)
    assert client.post(reverse("accounts:token_revoke", args=[theirs[:15]])).status_code == 404
    assert AuthToken.objects.filter(user=other_buyer).count() == 1


def test_the_security_page_runs_a_constant_number_of_queries(
    client, buyer, django_assert_num_queries
):
    client.force_login(buyer)
    client.get(reverse("accounts:security"))
    for _ in range(5):
        AuthToken.objects.create(user=buyer)
    with django_assert_num_queries(4):
        assert client.get(reverse("accounts:security")).status_code == 200
