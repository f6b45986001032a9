import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 hasher takes about a third of a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def process_clock_cache(settings):
    """A local-memory cache, whose expiry follows the (frozen) process clock.

    Redis expires keys on its own clock, which time-machine cannot move.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Local-memory caches share their store per process: a previous test's windows (written
    # at the same travelled-to time) would still be open.
    caches["default"].clear()
