"""REST endpoints of the chat, under /api/v1/: read and write without a WebSocket."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import selectors, services
from chat.serializers import (
    MessageListQuerySerializer,
    MessagePageSerializer,
    MessagePostSerializer,
    MessageSerializer,
    ReadSerializer,
)
from common.serializers import ErrorSerializer


class MessageListApi(APIView):
    @extend_schema(parameters=[MessageListQuerySerializer], responses=MessagePageSerializer)
    def get(self, request, negotiation_id: int):
        """Messages after ``after_id`` (the cursor: the last id you have), oldest first; or,
        with ``before_id``, the page just before it (paging back through a long history)."""
        query = MessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit = query.validated_data["limit"]
        before_id = query.validated_data.get("before_id")
        after_id = query.validated_data.get("after_id", 0)
        if before_id is not None:
            messages = selectors.messages_before(
                user=request.user, negotiation_id=negotiation_id, before_id=before_id, limit=limit
            )
        else:
            messages = selectors.messages_after(
                user=request.user, negotiation_id=negotiation_id, after_id=after_id, limit=limit
            )
        results = MessageSerializer(messages, many=True).data
        return Response(
            {
                "results": results,
                # More in the direction paged: later messages (after_id), earlier (before_id).
                "has_more": len(messages) == limit,
                "next_after_id": messages[-1].pk if messages else after_id,
                "next_before_id": messages[0].pk if messages else before_id,
            }
        )

    @extend_schema(
        request=MessagePostSerializer,
        responses={
            201: MessageSerializer,
            200: OpenApiResponse(
                MessageSerializer, description="This client_id was already stored: that message."
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many messages; retry_after."),
        },
    )
    def post(self, request, negotiation_id: int):
        """Posts a message (JSON) or an attachment (multipart); a client_id is stored once."""
        data = MessagePostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message, created = services.message_post(
            negotiation_id=negotiation_id,
            actor=request.user,
            body=data.validated_data.get("body", ""),
            client_id=data.validated_data.get("client_id", ""),
            attachment=data.validated_data.get("attachment"),
        )
        return Response(
            MessageSerializer(message, context={"side": message.side}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageReadApi(APIView):
    @extend_schema(request=ReadSerializer, responses=ReadSerializer)
    def post(self, request, negotiation_id: int):
        """Marks the conversation read up to ``last_id`` (the marker never moves back)."""
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        last_read_id = services.message_mark_read(
            negotiation_id=negotiation_id,
            actor=request.user,
            last_id=data.validated_data["last_id"],
        )
        return Response({"last_id": last_read_id})


urlpatterns = [
    path(
        "negotiations/<int:negotiation_id>/messages/",
        MessageListApi.as_view(),
        name="chat-messages",
    ),
    path(
        "negotiations/<int:negotiation_id>/messages/read/",
        MessageReadApi.as_view(),
        name="chat-messages-read",
    ),
]
