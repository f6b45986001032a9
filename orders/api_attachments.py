"""REST API for attachments that are part of the terms (issue 14 point 3): thin views over
orders.attachments."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from common.files import private_file_response
from common.filters import query_params
from orders import attachments
from orders import serializers as s
from orders.api import WRITE_RESPONSES, _order_response

NOT_FOUND = OpenApiResponse(description="No such order visible to you, or no such attachment.")


class AttachmentListUploadApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="The attachments that are part of the terms now",
        responses={200: s.OrderAttachmentSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, order_id: int):
        current = attachments.attachments_for_user(user=request.user, order_id=order_id)
        return Response(s.OrderAttachmentSerializer(current, many=True).data)

    @extend_schema(
        summary="Attach a PDF or an image to the terms, based on a version",
        description="A change of the terms, as a modify: in draft (seller) the draft is saved; "
        "otherwise the order must be complete and becomes your unilateral confirmation. The "
        "type is read from the content (a PDF or a PNG, JPEG, GIF or WebP image), at most "
        "`ATTACHMENT_MAX_BYTES`; the same content cannot be attached twice. Answers the order.",
        request={"multipart/form-data": s.OrderAttachmentUploadSerializer},
        responses={**WRITE_RESPONSES, 201: s.OrderSerializer},
    )
    def post(self, request, order_id: int):
        data = validated(s.OrderAttachmentUploadSerializer, request)
        attachments.order_attachment_add(
            order_id=order_id, actor=request.user, version=data["version"], file=data["file"]
        )
        return _order_response(request, order_id, 201)


class AttachmentDetailApi(APIView):
    @extend_schema(
        summary="Take an attachment out of the terms, based on a version",
        description="A change of the terms, as a modify (see the upload). The file stays "
        "downloadable: earlier revisions name it. Answers the order.",
        parameters=[s.OrderAttachmentRemoveQuerySerializer],
        responses={**WRITE_RESPONSES, 404: NOT_FOUND},
    )
    def delete(self, request, order_id: int, attachment_id: int):
        version = query_params(s.OrderAttachmentRemoveQuerySerializer, request)["version"]
        attachments.order_attachment_remove(
            order_id=order_id, attachment_id=attachment_id, actor=request.user, version=version
        )
        return _order_response(request, order_id)


class AttachmentFileApi(APIView):
    @extend_schema(
        summary="Download an attachment (current or removed: revisions name both)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/*"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
        },
    )
    def get(self, request, order_id: int, attachment_id: int):
        attachment = attachments.attachment_get_for_user(
            user=request.user, order_id=order_id, attachment_id=attachment_id
        )
        return private_file_response(
            attachment.file, name=attachment.name, content_type=attachment.content_type
        )


urlpatterns = [
    path(
        "orders/<int:order_id>/attachments/",
        AttachmentListUploadApi.as_view(),
        name="api-order-attachments",
    ),
    path(
        "orders/<int:order_id>/attachments/<int:attachment_id>/",
        AttachmentDetailApi.as_view(),
        name="api-order-attachment",
    ),
    path(
        "orders/<int:order_id>/attachments/<int:attachment_id>/file/",
        AttachmentFileApi.as_view(),
        name="api-order-attachment-file",
    ),
]
