"""The Origin check of every WebSocket: scheme, host and port, as Django's CSRF check does.

Channels' ``AllowedHostsOriginValidator`` compares host names only, so ``http://127.0.0.1:1``
or ``https://localhost:8443`` (another program on the same host) passed. A socket is let in
when its Origin names an allowed host and either is the origin the socket was opened on (the
``Host`` header, the scheme of the connection; behind a proxy ``SECURE_PROXY_SSL_HEADER`` says
it was TLS) or is listed in ``CSRF_TRUSTED_ORIGINS``.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str, port) -> tuple[str, str, int] | None:
    if scheme not in DEFAULT_PORTS or not host:
        return None
    try:
        port = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, host.lower().strip("[]"), port


def _parse_origin(value: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        return None
    return _origin(parts.scheme.lower(), parts.hostname or "", port)


def _is_secure(scope, headers: dict[bytes, bytes]) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin1")
        value = headers.get(header, b"").decode("latin1").split(",")[0].strip()
        return value == secure_value
    return False


def origin_allowed(scope) -> bool:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    origin = _parse_origin(headers.get(b"origin", b"").decode("latin1"))
    if origin is None or not validate_host(origin[1], settings.ALLOWED_HOSTS):
        return False
    if origin in {_parse_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    domain, port = split_domain_port(headers.get(b"host", b"").decode("latin1"))
    own = _origin("https" if _is_secure(scope, headers) else "http", domain, port)
    return origin == own


class OriginValidator:
    """ASGI middleware: refuses (403 at the handshake) a socket from any other origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
