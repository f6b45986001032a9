"""Cached renderings of what one version of a versioned row fully determines.

An order's ``version`` is bumped by every write to the order (one conditional UPDATE per state
change, draft save or payment), so anything computed only from the order row, its lines and its
revisions is the same for the same version: it can be kept in the shared cache under a key that
names the version, and a write can never leave a stale copy behind (the next request asks for
another key; old keys simply expire). The active language and time zone are part of every key,
because labels, numbers and dates are formatted in them; callers add whatever else their
rendering depends on (the viewer's side, an editing flag).

What a version does not cover must stay out of a cached value: chat messages, presence,
notifications, flash messages, the viewer's unsaved input, CSRF tokens, other tables (companies,
users) and the request's host.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

# Long enough to serve every view of a version; keys of old versions are never read again.
TIMEOUT = 60 * 60
PREFIX = "fragment:v1"


def versioned_key(kind: str, row, *parts: object) -> str:
    """The cache key of ``kind`` for this version of ``row`` (which has ``pk`` and ``version``)."""
    return ":".join(
        str(part)
        for part in (
            PREFIX,
            kind,
            row._meta.label_lower,
            row.pk,
            row.version,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *parts,
        )
    )


def content_key(kind: str, *inputs: object) -> str:
    """A key made of everything a rendering shows (ids and versions for what those cover), so
    that any change is another key; the inputs are hashed to keep the key short."""
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
    return ":".join(
        (PREFIX, kind, translation.get_language(), timezone.get_current_timezone_name(), digest)
    )


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """The value under ``key``, computed and stored on a miss (``None`` is never stored)."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
