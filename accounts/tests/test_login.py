import datetime
import re
import time
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
    settings.LOGIN_RATE_WINDOW_SECONDS = 600
    settings.LOGIN_BACKOFF_SECONDS = 60
    settings.LOGIN_BACKOFF_MAX_SECONDS = 240
    settings.LOGIN_USERNAME_LIMIT = 10
    settings.LOGIN_ADDRESS_LIMIT = 6


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


def test_failures_of_one_username_at_one_address_hold_that_pair_back(client, buyer):
    for _ in range(3):
        attempt(client, "buyer", "wrong")
    response = attempt(client, "buyer", PASSWORD)
    assert response.status_code == 429
    assert re.search(
        r"Too many failed log-in attempts\. Try again in (1 minute|5\d seconds)\.",
        response.content.decode(),
    )
    assert 55 <= int(response["Retry-After"]) <= 60
    assert "_auth_user_id" not in client.session


def test_an_attackers_failures_do_not_lock_out_the_owner_at_another_address(client, buyer):
    for _ in range(8):
        attempt(client, "buyer", "wrong", ip="198.51.100.66")
    assert attempt(client, "buyer", PASSWORD, ip="203.0.113.7").status_code == 302


def test_attempts_refused_while_waiting_do_not_count(client, buyer):
    for _ in range(20):
        attempt(client, "buyer", "wrong", ip="198.51.100.66")
    with pytest.raises(RateLimited):
        services.login_attempt_check(username="buyer", ip="198.51.100.66")
    services.login_attempt_check(username="buyer", ip="198.51.100.67")


def test_each_further_failure_doubles_the_wait(client, buyer, process_clock_cache):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            attempt(client, "buyer", "wrong")
        assert attempt(client, "buyer", PASSWORD)["Retry-After"] == "60"
        traveller.shift(datetime.timedelta(seconds=61))
        attempt(client, "buyer", "wrong")
        response = attempt(client, "buyer", PASSWORD)
        assert response["Retry-After"] == "120"
        assert "Try again in 2 minutes." in response.content.decode()
        traveller.shift(datetime.timedelta(seconds=121))
        attempt(client, "buyer", "wrong")
        assert attempt(client, "buyer", PASSWORD)["Retry-After"] == "240"
        traveller.shift(datetime.timedelta(seconds=241))
        attempt(client, "buyer", "wrong")
        assert attempt(client, "buyer", PASSWORD)["Retry-After"] == "240", "capped"


def test_the_right_password_after_the_wait_logs_in_and_starts_afresh(
    client, buyer, process_clock_cache
):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            attempt(client, "buyer", "wrong")
        traveller.shift(datetime.timedelta(seconds=61))
        assert attempt(client, "buyer", PASSWORD).status_code == 302
        client.logout()
        for _ in range(2):
            attempt(client, "buyer", "wrong")
        assert attempt(client, "buyer", PASSWORD).status_code == 302


def test_failures_from_many_addresses_reach_the_username_ceiling(client, buyer):
    for number in range(10):
        attempt(client, "buyer", "wrong", ip=f"198.51.100.{number}")
    response = attempt(client, "buyer", PASSWORD, ip="203.0.113.99")
    assert response.status_code == 429
    assert "Try again in 10 minutes." in response.content.decode()
    assert 595 <= int(response["Retry-After"]) <= 600


def test_many_usernames_from_one_address_reach_the_address_ceiling(client, buyer):
    for number in range(6):
        attempt(client, f"guess{number}", "wrong", ip="203.0.113.50")
    assert attempt(client, "buyer", PASSWORD, ip="203.0.113.50").status_code == 429
    assert attempt(client, "buyer", PASSWORD, ip="203.0.113.51").status_code == 302


def test_username_limit_ignores_letter_case_and_spaces(client, buyer):
    for name in ("buyer", "BUYER", " Buyer "):
        attempt(client, name, "wrong", ip="192.0.2.1")
    with pytest.raises(RateLimited):
        services.login_attempt_check(username="buyer", ip="192.0.2.1")


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


def test_failures_are_forgotten_after_the_window(buyer, process_clock_cache):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        traveller.shift(datetime.timedelta(seconds=500))
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        traveller.shift(datetime.timedelta(seconds=101))
        services.login_failure_record(username="buyer", ip="192.0.2.1")
        services.login_attempt_check(username="buyer", ip="192.0.2.1")


@pytest.mark.redis
def test_login_failures_racing_the_window_expiry_never_leave_a_counter_without_ttl(settings):
    from django.core.cache import caches

    settings.LOGIN_RATE_WINDOW_SECONDS = 1
    settings.LOGIN_RATE_LIMIT = 10**6
    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key(services._login_keys(username="racer", ip="")["user"])
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        services.login_failure_record(username="racer", ip="")
        assert client.ttl(key) != -1


@pytest.mark.redis
def test_a_login_counter_left_without_ttl_by_older_code_gets_one():
    from django.core.cache import caches

    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    key = cache.make_and_validate_key(services._login_keys(username="stuck", ip="")["user"])
    client.set(key, 3)
    services.login_failure_record(username="stuck", ip="")
    assert 0 < client.ttl(key) <= 600


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
        services.login_attempt_check(username="staff", ip="192.0.2.9")
    response = attempt(client, "staff", PASSWORD, ip="192.0.2.9")
    assert response.status_code == 429


def test_a_limited_admin_login_is_refused_even_with_the_right_password(client, staff):
    for _ in range(3):
        attempt(client, "staff", "wrong")
    client.post(
        reverse("admin:login"),
        {"username": "staff", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert "_auth_user_id" not in client.session


def test_api_token_endpoint_is_limited_too(api_client, buyer):
    url = reverse("api-token")
    for _ in range(3):
        api_client.post(url, {"username": "buyer", "password": "wrong"})
    response = api_client.post(url, {"username": "buyer", "password": PASSWORD})
    assert response.status_code == 429
    assert 55 <= response.json()["retry_after"] <= 60
    assert "token" not in response.json()


def test_logins_without_a_request_are_limited_per_username(buyer):
    for _ in range(3):
        assert authenticate(username="buyer", password="wrong") is None
    assert authenticate(username="buyer", password=PASSWORD) is None


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, buyer, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    for number in range(5):
        client.post(
            LOGIN,
            {"username": "buyer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.66",
        )
    with pytest.raises(RateLimited):
        services.login_attempt_check(username="buyer", ip="198.51.100.66")
    # The forged addresses collected nothing: each attempt counted against the real one.
    services.login_attempt_check(username="buyer", ip="192.0.2.0")
