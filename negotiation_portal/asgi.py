"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "negotiation_portal.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from common.overload import ConcurrencyLimit  # noqa: E402
from common.websocket_origin import OriginValidator  # noqa: E402
from negotiation_portal.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Only HTTP is capped: chat sockets never count against the pages' limit.
        "http": ConcurrencyLimit(django_asgi_app, limit=settings.HTTP_MAX_CONCURRENT_REQUESTS),
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
