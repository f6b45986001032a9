import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from common.ratelimit import client_address, window_count, window_hit, window_reset


def test_hits_in_one_window_add_up():
    assert window_hit("t:add", window=60)[0] == 1
    assert window_hit("t:add", window=60)[0] == 2
    assert window_hit("t:add", window=60, amount=3)[0] == 5


def test_a_hit_reports_the_seconds_left_in_its_window():
    count, left = window_hit("t:left", window=60)
    assert 1 <= left <= 60


def test_counting_does_not_add_a_hit():
    window_hit("t:peek", window=60)
    assert window_count("t:peek")[0] == 1
    assert window_count("t:peek")[0] == 1


def test_an_unknown_key_counts_zero():
    assert window_count("t:none") == (0, 0)


def test_a_new_window_opens_after_the_old_one_closes():
    window_hit("t:close", window=1)
    window_hit("t:close", window=1)
    time.sleep(1.2)
    assert window_count("t:close") == (0, 0)
    assert window_hit("t:close", window=1)[0] == 1


def test_reset_closes_the_window():
    window_hit("t:reset", window=60)
    window_reset("t:reset")
    assert window_count("t:reset") == (0, 0)


@pytest.mark.redis
def test_a_redis_counter_left_without_an_expiry_gets_one_on_the_next_hit():
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    full_key = cache.make_and_validate_key("t:no-ttl")
    client.set(full_key, 7)  # what cache.add() + cache.incr() left behind when the key expired
    count, left = window_hit("t:no-ttl", window=30)
    assert count == 8
    assert 0 < client.ttl(full_key) <= 30


@pytest.mark.redis
def test_redis_hits_racing_the_expiry_never_leave_a_key_without_ttl():
    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    full_key = cache.make_and_validate_key("t:race")
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        window_hit("t:race", window=1)
        assert client.ttl(full_key) != -1


def _request(remote, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def proxies(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8", "::1"]


def test_a_direct_client_is_its_peer_address_whatever_it_forwards(proxies):
    request = _request("198.51.100.7", "192.0.2.1")
    assert client_address(request) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client(proxies):
    request = _request("10.0.0.2", "192.0.2.1, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(proxies):
    request = _request("10.0.0.2", "192.0.2.1, 198.51.100.7, 10.1.1.1, 10.2.2.2")
    assert client_address(request) == "198.51.100.7"


def test_a_forged_left_most_entry_changes_nothing(proxies):
    first = client_address(_request("10.0.0.2", "198.51.100.7"))
    forged = client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7"))
    assert first == forged == "198.51.100.7"


def test_garbage_written_by_the_client_stops_the_walk(proxies):
    request = _request("10.0.0.2", "not-an-ip, 10.1.1.1")
    assert client_address(request) == "10.1.1.1"


def test_ports_and_ipv6_brackets_are_read(proxies):
    assert client_address(_request("::1", "[2001:db8::1]:4711")) == "2001:db8::1"
    assert client_address(_request("10.0.0.2", "198.51.100.7:4711")) == "198.51.100.7"


def test_a_trusted_proxy_without_forwarded_for_is_the_client(proxies):
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"


def test_no_request_has_no_address():
    assert client_address(None) == ""
