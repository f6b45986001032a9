"""Counters over a time window in the shared cache: the one rate-limit primitive of the portal.

A window opens with the first hit on a key and lasts `window` seconds. On Redis the increment
and the expiry are one Lua script, so a key can never outlive its window: Django's
`cache.add()` + `cache.incr()` is EXISTS then INCR, and a key that expires between the two
is recreated without a TTL, which locks its owner out for good. Other backends (the local
memory cache of the embedded default and the tests) live in one process; a lock makes the
read-modify-write atomic there, and windows follow the wall clock, as the local-memory
cache's own expiry does (so tests can move both with time-machine).
"""

import functools
import ipaddress
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# KEYS[1]: the counter. ARGV[1]: amount, ARGV[2]: window in seconds.
# Returns {count, seconds left}. A key found without a TTL (written by older code) gets one.
_HIT_SCRIPT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
end
return {count, ttl}
"""

_local_lock = threading.Lock()


def _backend():
    return caches["default"]


def _redis(key: str):
    cache = _backend()
    full_key = cache.make_and_validate_key(key)
    return cache._cache.get_client(full_key, write=True), full_key


def window_hit(key: str, *, window: int, amount: int = 1) -> tuple[int, int]:
    """Adds `amount` to the counter and returns (count in this window, seconds it has left)."""
    cache = _backend()
    if isinstance(cache, RedisCache):
        client, full_key = _redis(key)
        count, ttl = client.eval(_HIT_SCRIPT, 1, full_key, amount, window)
        return int(count), max(1, int(ttl))
    with _local_lock:
        now = time.time()
        count, ends = cache.get(key) or (0, now + window)
        if ends <= now:
            count, ends = 0, now + window
        count += amount
        cache.set(key, (count, ends), timeout=max(1, int(ends - now) + 1))
        return count, max(1, int(ends - now + 0.999))


def window_count(key: str) -> tuple[int, int]:
    """(count, seconds left) of a window without adding to it; (0, 0) when none is open."""
    cache = _backend()
    if isinstance(cache, RedisCache):
        client, full_key = _redis(key)
        pipe = client.pipeline(transaction=True)
        pipe.get(full_key)
        pipe.ttl(full_key)
        count, ttl = pipe.execute()
        if count is None:
            return 0, 0
        return int(count), max(1, int(ttl)) if ttl > 0 else 0
    value = cache.get(key)
    if value is None:
        return 0, 0
    count, ends = value
    left = ends - time.time()
    if left <= 0:
        return 0, 0
    return count, max(1, int(left + 0.999))


def window_reset(key: str) -> None:
    _backend().delete(key)


@functools.cache
def _trusted_networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client that sent the request: the key of every per-address limit.

    X-Forwarded-For is believed only as far as the proxies in ``settings.FORWARDED_ALLOW_IPS``
    appended to it: walking it from the right, past our own proxies, the first address is the
    one a trusted proxy saw. Everything to the left of it was written by the client and is
    ignored, so a forged left-most entry changes nothing. uvicorn (``--proxy-headers``) does
    the same walk with the same setting (it reads ``FORWARDED_ALLOW_IPS`` from the environment),
    so behind uvicorn ``REMOTE_ADDR`` usually is the client already.
    """
    if request is None:
        return ""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted_networks(tuple(settings.FORWARDED_ALLOW_IPS))
    peer_address = _address(peer)
    if peer_address is None or not any(peer_address in network for network in trusted):
        return peer
    client = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # A trusted proxy appends a real address; anything else came from the client.
            break
        client = str(address)
        if not any(address in network for network in trusted):
            break
    return client
