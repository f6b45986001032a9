"""REST API for shipments under /api/v1/: thin views, one service or selector call each."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from common.files import private_file_response
from common.serializers import ConflictSerializer, ErrorSerializer
from shipments import selectors, services
from shipments import serializers as s

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Your side may not do this.")
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The order is in a state or at a version that does not allow this; nothing "
    "changed.",
)


class OrderShipmentsApi(APIView):
    @extend_schema(
        summary="The order's shipments, and per line what was ordered, shipped and received",
        responses={200: s.OrderShipmentsSerializer},
    )
    def get(self, request, order_id: int):
        order, shipments = selectors.order_shipments_for_user(user=request.user, order_id=order_id)
        data = {
            "order": order,
            "progress": selectors.progress_of(order, shipments),
            "shipments": shipments,
        }
        return Response(s.OrderShipmentsSerializer(data).data)

    @extend_schema(
        summary="Mark a shipment (seller; the order ready to ship or partly shipped)",
        description="Lines name the order's lines (`order_line_id`, from `progress`) and the "
        "quantity shipped of each, at most what is left to ship. Documents are added with "
        "`POST /api/v1/shipments/{id}/documents/`.",
        request=s.ShipmentInputSerializer,
        responses={201: s.ShipmentSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, order_id: int):
        data = validated(s.ShipmentInputSerializer, request)
        version = data.pop("version")
        shipment = services.shipment_create(
            order_id=order_id, actor=request.user, version=version, values=data
        )
        return Response(_shipment_data(request, shipment.pk), status=status.HTTP_201_CREATED)


def _shipment_data(request, shipment_id: int) -> dict:
    shipment = selectors.shipment_get_for_user(user=request.user, shipment_id=shipment_id)
    return s.ShipmentSerializer(shipment).data


class ShipmentDetailApi(APIView):
    @extend_schema(summary="One shipment", responses={200: s.ShipmentSerializer})
    def get(self, request, shipment_id: int):
        return Response(_shipment_data(request, shipment_id))


class ShipmentReceiptApi(APIView):
    @extend_schema(
        summary="Confirm the receipt of a shipment (buyer)",
        description="When this was the last of the goods ordered the order becomes `delivered`, "
        "and `completed` if every instalment is paid.",
        request=s.ReceiptInputSerializer,
        responses={200: s.ShipmentSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, shipment_id: int):
        data = validated(s.ReceiptInputSerializer, request)
        services.shipment_confirm_receipt(
            shipment_id=shipment_id, actor=request.user, version=data["version"]
        )
        return Response(_shipment_data(request, shipment_id))


class ShipmentDocumentsApi(APIView):
    @extend_schema(
        summary="Add a shipping document (seller; multipart)",
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={201: s.DocumentSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, shipment_id: int):
        data = validated(s.DocumentInputSerializer, request)
        document = services.shipment_document_add(
            shipment_id=shipment_id, actor=request.user, kind=data["kind"], upload=data["file"]
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ShipmentDocumentFileApi(APIView):
    @extend_schema(
        summary="Download a shipping document (the order's parties only)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/*"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, document_id: int):
        document = selectors.document_get_for_user(user=request.user, document_id=document_id)
        return private_file_response(
            document.file, name=document.name, content_type=document.content_type
        )


urlpatterns = [
    path(
        "orders/<int:order_id>/shipments/", OrderShipmentsApi.as_view(), name="api-order-shipments"
    ),
    path("shipments/<int:shipment_id>/", ShipmentDetailApi.as_view(), name="api-shipment"),
    path(
        "shipments/<int:shipment_id>/receipt/",
        ShipmentReceiptApi.as_view(),
        name="api-shipment-receipt",
    ),
    path(
        "shipments/<int:shipment_id>/documents/",
        ShipmentDocumentsApi.as_view(),
        name="api-shipment-documents",
    ),
    path(
        "shipment-documents/<int:document_id>/file/",
        ShipmentDocumentFileApi.as_view(),
        name="api-shipment-document-file",
    ),
]
