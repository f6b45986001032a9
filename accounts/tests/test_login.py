import datetime
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.urls import reverse

from accounts import services
from common.errors import RateLimited

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_WINDOW_SECONDS = 300


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_buyer_logs_in_with_the_right_password(client, buyer):
    response = attempt(client, "buyer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(buyer.pk)


def test_login_redirects_to_a_safe_next_url(client, buyer):
    response = client.post(LOGIN, {"username": "buyer", "password": PASSWORD, "next": "/products/"})
    assert response["Location"] == "/products/"


def test_wrong_password_shows_an_error_and_does_not_log_in(client, buyer):
    response = attempt(client, "buyer", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_is_refused_after_too_many_failures_for_the_username(client, buyer):
    for number in range(3):
        attempt(client, "buyer", "wrong", ip=f"198.51.100.{number}")
    response = attempt(client, "buyer", PASSWORD, ip="198.51.100.99")
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert response["Retry-After"] == "300"
    assert "_auth_user_id" not in client.session


def test_login_is_refused_after_too_many_failures_from_one_ip(client, buyer):
    for number in range(3):
        attempt(client, f"guess{number}", "wrong", ip="203.0.113.50")
    assert attempt(client, "buyer", PASSWORD, ip="203.0.113.50").status_code == 429
    assert attempt(client, "buyer", PASSWORD, ip="203.0.113.51").status_code == 302


def test_username_limit_ignores_letter_case_and_spaces(client, buyer):
    for name in ("buyer", "BUYER", " Buyer "):
        attempt(client, name, "wrong", ip="192.0.2.1")
    with pytest.raises(RateLimited):
        services.login_attempt_check(username="buyer", ip="192.0.2.2")


def test_failures_below_the_limit_still_allow_login(client, buyer):
    for _ in range(2):
        attempt(client, "buyer", "wrong")
    assert attempt(client, "buyer", PASSWORD).status_code == 302


def test_a_limited_login_does_not_check_the_password(client, buyer):
    for _ in range(3):
        attempt(client, "buyer", "wrong")
    with mock.patch("accounts.services.authenticate") as authenticate:
        response = attempt(client, "buyer", PASSWORD)
    assert response.status_code == 429
    authenticate.assert_not_called()


def test_login_is_allowed_again_after_the_window(client, buyer, process_clock_cache):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            attempt(client, "buyer", "wrong")
        assert attempt(client, "buyer", PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(seconds=301))
        assert attempt(client, "buyer", PASSWORD).status_code == 302


def test_the_window_starts_at_the_first_failure(buyer, process_clock_cache):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        traveller.shift(datetime.timedelta(seconds=200))
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        with pytest.raises(RateLimited):
            services.login_attempt_check(username="buyer", ip="192.0.2.1")
        traveller.shift(datetime.timedelta(seconds=101))
        services.login_attempt_check(username="buyer", ip="192.0.2.1")


def test_login_page_shows_a_form_for_anonymous_visitors(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_signed_in_user_visiting_login_is_sent_on(client, buyer):
    client.force_login(buyer)
    assert client.get(LOGIN).status_code == 302


def test_admin_login_counts_towards_the_same_limit(client, staff):
    for _ in range(3):
        client.post(
            reverse("admin:login"),
            {"username": "staff", "password": "wrong"},
            REMOTE_ADDR="192.0.2.9",
        )
    with pytest.raises(RateLimited):
        services.login_attempt_check(username="staff", ip="192.0.2.10")
    response = attempt(client, "staff", PASSWORD, ip="192.0.2.10")
    assert response.status_code == 429


def test_a_limited_admin_login_is_refused_even_with_the_right_password(client, staff):
    for _ in range(3):
        attempt(client, "staff", "wrong")
    client.post(reverse("admin:login"), {"username": "staff", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_api_token_endpoint_is_limited_too(api_client, buyer):
    url = reverse("api-token")
    for _ in range(3):
        api_client.post(url, {"username": "buyer", "password": "wrong"})
    response = api_client.post(url, {"username": "buyer", "password": PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_logins_without_a_request_are_limited_per_username(buyer):
    for _ in range(3):
        assert authenticate(username="buyer", password="wrong") is None
    assert authenticate(username="buyer", password=PASSWORD) is None
