"""WebSocket routes; each app that has a consumer adds its patterns here."""

websocket_urlpatterns = []
