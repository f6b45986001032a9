"""REST endpoints of the chat, under /api/v1/: read and write without a WebSocket."""

from collections.abc import Mapping

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Side
from chat import quick_replies, selectors, services
from chat.serializers import (
    MessageListQuerySerializer,
    MessagePageSerializer,
    MessagePostSerializer,
    MessageSerializer,
    QuickReplyInputSerializer,
    QuickReplySerializer,
    ReadSerializer,
)
from common.errors import NotAllowed, ValidationFailed
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


SELLERS_ONLY = OpenApiResponse(ErrorSerializer, description="Only sellers keep quick replies.")
NOT_YOURS = OpenApiResponse(ErrorSerializer, description="Not one of your company's.")


def _fields(request) -> dict:
    if not isinstance(request.data, Mapping):
        raise ValidationFailed({"non_field_errors": [_("Send a JSON object of fields.")]})
    return dict(request.data.items())


def _seller(request) -> None:
    # Buyers and staff are told plainly rather than shown an empty list.
    if request.user.side != Side.SELLER:
        raise NotAllowed(_("Only sellers keep quick replies."))


class QuickReplyListApi(APIView):
    @extend_schema(
        summary="Your company's quick replies (seller)",
        responses={200: QuickReplySerializer(many=True), 403: SELLERS_ONLY},
    )
    def get(self, request):
        _seller(request)
        return Response(
            QuickReplySerializer(selectors.quick_replies_for_user(request.user), many=True).data
        )

    @extend_schema(
        summary="Save a quick reply for your company (seller)",
        request=QuickReplyInputSerializer,
        responses={
            201: QuickReplySerializer,
            400: OpenApiResponse(description="Field errors"),
            403: SELLERS_ONLY,
        },
    )
    def post(self, request):
        quick_reply = quick_replies.quick_reply_create(actor=request.user, values=_fields(request))
        return Response(QuickReplySerializer(quick_reply).data, status=status.HTTP_201_CREATED)


class QuickReplyDetailApi(APIView):
    @extend_schema(
        summary="One of your company's quick replies (seller)",
        responses={200: QuickReplySerializer, 404: NOT_YOURS},
    )
    def get(self, request, quick_reply_id: int):
        quick_reply = selectors.quick_reply_get_for_user(
            user=request.user, quick_reply_id=quick_reply_id
        )
        return Response(QuickReplySerializer(quick_reply).data)

    @extend_schema(
        summary="Change a quick reply's title or text (seller)",
        request=QuickReplyInputSerializer(partial=True),
        responses={
            200: QuickReplySerializer,
            400: OpenApiResponse(description="Field errors"),
            403: SELLERS_ONLY,
            404: NOT_YOURS,
        },
    )
    def patch(self, request, quick_reply_id: int):
        quick_reply = quick_replies.quick_reply_update(
            actor=request.user, quick_reply_id=quick_reply_id, values=_fields(request)
        )
        return Response(QuickReplySerializer(quick_reply).data)

    @extend_schema(
        summary="Remove a quick reply (seller)",
        request=None,
        responses={204: None, 403: SELLERS_ONLY, 404: NOT_YOURS},
    )
    def delete(self, request, quick_reply_id: int):
        quick_replies.quick_reply_delete(actor=request.user, quick_reply_id=quick_reply_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("quick-replies/", QuickReplyListApi.as_view(), name="api-quick-replies"),
    path(
        "quick-replies/<int:quick_reply_id>/",
        QuickReplyDetailApi.as_view(),
        name="api-quick-reply",
    ),
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
