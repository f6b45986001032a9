"""Django's Redis cache, with one connection pool per process instead of one per request.

Django's ``RedisCacheClient`` keeps its connection pools on the client, and there is one client
per cache object. ``django.core.cache.caches`` is context-local, and under ASGI every request
and every ``sync_to_async`` call runs in a copied context, so each got a new cache object, a
new pool and a new TCP connection to Redis. With redis-py 5+ each new connection also sends
two ``CLIENT SETINFO`` commands and reads the library's version from the installed packages'
metadata on disk. That cost a connection per page and per chat message (the rate limit's
script), and left each old connection to the garbage collector (open upstream as django/django
pull request #18459). Here the
pools, and the redis-py clients bound to them, are shared by every cache object of the process
that has the same server and options. redis-py pools are thread-safe and reset themselves in a
forked child.
"""

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedPoolRedisCacheClient(RedisCacheClient):
    _shared: dict = {}
    _lock = threading.Lock()

    def _shared_key(self, index: int) -> tuple:
        options = tuple(sorted((name, repr(value)) for name, value in self._pool_options.items()))
        return (self._pool_class, self._servers[index], options)

    def _get_connection_pool(self, write):
        return self._shared_client(write).connection_pool

    def get_client(self, key=None, *, write=False):
        return self._shared_client(write)

    def _shared_client(self, write: bool):
        key = self._shared_key(self._get_connection_pool_index(write))
        client = self._shared.get(key)
        if client is None:
            with self._lock:
                client = self._shared.get(key)
                if client is None:
                    pool = self._pool_class.from_url(key[1], **self._pool_options)
                    client = self._shared[key] = self._client(connection_pool=pool)
        return client


class SharedPoolRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with pools shared across requests."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
