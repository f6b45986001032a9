"""REST API for the notification centre under /api/v1/."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "kind", "title", "body", "url", "order", "created_at", "read_at")


class NotificationListApi(ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return selectors.notifications_for_user(self.request.user)


class NotificationReadApi(APIView):
    @extend_schema(
        summary="Mark one notification read", request=None, responses=NotificationSerializer
    )
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(summary="Mark all your notifications read", request=None, responses={200: None})
    def post(self, request):
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})


class UnreadCountApi(APIView):
    @extend_schema(summary="Your unread notifications", responses={200: None})
    def get(self, request):
        return Response({"unread": selectors.unread_count(request.user)})


urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/unread/", UnreadCountApi.as_view(), name="api-notifications-unread"),
    path(
        "notifications/read-all/",
        NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
]
