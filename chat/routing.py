from django.urls import path

from chat.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/negotiations/<int:negotiation_id>/chat/", ChatConsumer.as_asgi()),
]
