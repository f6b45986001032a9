"""The Redis cache shares one connection pool per process across requests (common.cache)."""

import contextvars
import os

import pytest

from common.cache import SharedPoolRedisCache


def _cache(location="redis://127.0.0.1:6399/3", **options):
    return SharedPoolRedisCache(location, {"OPTIONS": options})


def test_two_cache_objects_for_one_server_share_one_client_and_one_pool():
    first, second = _cache(), _cache()

    assert first._cache.get_client(write=True) is second._cache.get_client(write=True)
    assert first._cache._get_connection_pool(True) is second._cache._get_connection_pool(True)


def test_cache_objects_for_different_servers_or_options_do_not_share_a_pool():
    pool = _cache()._cache._get_connection_pool(True)

    assert _cache("redis://127.0.0.1:6399/4")._cache._get_connection_pool(True) is not pool
    assert _cache(socket_timeout=3)._cache._get_connection_pool(True) is not pool


@pytest.mark.redis
def test_cache_use_in_many_request_contexts_opens_one_redis_connection():
    import redis
    from django.core.cache import caches

    location = os.environ["REDIS_URL"]
    watcher = redis.Redis.from_url(location)
    before = watcher.info("stats")["total_connections_received"]

    def one_request(n):
        # A fresh context, as ASGI gives every request: caches["default"] is a new object.
        caches["default"].set(f"shared-pool-{n}", n, timeout=30)
        return caches["default"].get(f"shared-pool-{n}")

    answers = [contextvars.Context().run(one_request, n) for n in range(20)]

    opened = watcher.info("stats")["total_connections_received"] - before
    assert answers == list(range(20))
    assert opened <= 1
