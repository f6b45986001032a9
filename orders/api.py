"""REST API for orders: thin views, one service or selector call each."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from common.filters import query_params
from common.serializers import ConflictSerializer, ErrorSerializer
from orders import selectors, services
from orders import serializers as s

CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The order has moved on (stale version) or is in a state that does not allow "
    "this action; nothing changed. The body carries the current version and state.",
)
BAD_INPUT = OpenApiResponse(
    description="Field-level errors: {field: [messages]}; product-line errors under `lines` as "
    "a list with one object per line; an incomplete order gives {missing: {module: [fields]}}."
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such order visible to you.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="You are a party but it is not your turn for this action."
)

# What every versioned write (modify, confirm, cancel) may answer.
WRITE_RESPONSES = {
    200: s.OrderSerializer,
    400: BAD_INPUT,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _order_response(request, order_id: int, code=status.HTTP_200_OK) -> Response:
    order = selectors.order_api_detail_for_user(user=request.user, order_id=order_id)
    return Response(s.order_payload(order, request), status=code)


class OrderListCreateApi(ListAPIView):
    serializer_class = s.OrderListSerializer

    def get_queryset(self):
        filters = query_params(s.OrderFilterSerializer, self.request)
        return selectors.orders_for_user(self.request.user, **filters).order_by(
            "-updated_at", "-pk"
        )

    @extend_schema(
        summary="List the orders you can see",
        parameters=[s.OrderFilterSerializer],
        responses={200: s.OrderListSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Draft a letter of intent from an inquiry (seller)",
        request=s.CreateDraftInputSerializer,
        responses={
            201: s.OrderSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request):
        data = validated(s.CreateDraftInputSerializer, request)
        order = services.order_create_draft(inquiry_id=data["inquiry_id"], actor=request.user)
        return _order_response(request, order.pk, status.HTTP_201_CREATED)


class OrderStartApi(APIView):
    @extend_schema(
        summary="Start Order: the buyer's complete order, born buyer_confirmed",
        request=s.StartOrderInputSerializer,
        responses={201: s.OrderSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request):
        data = validated(s.StartOrderInputSerializer, request)
        product_id = data.pop("product_id")
        order = services.order_start(actor=request.user, product_id=product_id, values=data)
        return _order_response(request, order.pk, status.HTTP_201_CREATED)


class StartOrderSellerApi(APIView):
    @extend_schema(
        summary="Start Order's seller side for a product: contact, origin, freight rates",
        description="Start Order fills these itself, whatever is sent: the seller contact and "
        "origin country, and the shipping fee (none with EXW, FCA, FAS, FOB; the rate to the "
        "destination with CFR, CIF, CPT, CIP, DAP, DPU, DDP, refused without one).",
        responses={200: s.StartOrderSellerSerializer, 404: NOT_FOUND},
    )
    def get(self, request, product_id: int):
        seller = selectors.start_order_seller_for_product(product_id=product_id)
        return Response(s.StartOrderSellerSerializer(seller).data)


class OrderDetailApi(APIView):
    @extend_schema(
        summary="An order with completion, missing fields, and links to its revisions and timeline",
        responses={200: s.OrderSerializer, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int):
        return _order_response(request, order_id)


class OrderModifyApi(APIView):
    @extend_schema(
        summary="Modify the terms, based on a version",
        description="In draft (seller) the draft is saved, complete or not. Otherwise the "
        "modified order must be complete and becomes your unilateral confirmation. Fields left "
        "out keep their value; `lines`, when given, replaces all lines (keep each line's `key`).",
        request=s.ModifyInputSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request, order_id: int):
        data = validated(s.ModifyInputSerializer, request)
        version = data.pop("version")
        services.order_modify(order_id=order_id, actor=request.user, version=version, values=data)
        return _order_response(request, order_id)


class OrderConfirmApi(APIView):
    @extend_schema(
        summary="Confirm the version you were shown",
        description="Refused with 409 `offer_expired` once the confirmation you would confirm "
        "is past its `valid_until`: request an extension or modify instead.",
        request=s.ConfirmInputSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request, order_id: int):
        data = validated(s.ConfirmInputSerializer, request)
        values = {"valid_until": data["valid_until"]} if "valid_until" in data else None
        services.order_confirm(
            order_id=order_id, actor=request.user, version=data["version"], values=values
        )
        return _order_response(request, order_id)


class OrderExtendApi(APIView):
    @extend_schema(
        summary="Extend your own unilateral confirmation",
        description="The side whose confirmation it is (seller_confirmed: the seller; "
        "buyer_confirmed: the buyer) moves valid_until to the given time or to now plus the "
        "seller company's offer validity; allowed once it expired, in its last day, or after "
        "the other side requested an extension. Recorded in the timeline.",
        request=s.ExtendInputSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request, order_id: int):
        data = validated(s.ExtendInputSerializer, request)
        services.order_extend(
            order_id=order_id,
            actor=request.user,
            version=data["version"],
            valid_until=data.get("valid_until"),
        )
        return _order_response(request, order_id)


class OrderRequestExtensionApi(APIView):
    @extend_schema(
        summary="Ask the other side to extend its expired confirmation",
        description="Only the side the confirmation waits for, only once it expired, once per "
        "confirmation; the other side is notified.",
        request=s.VersionInputSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request, order_id: int):
        data = validated(s.VersionInputSerializer, request)
        services.order_request_extension(
            order_id=order_id, actor=request.user, version=data["version"]
        )
        return _order_response(request, order_id)


class OrderCancelApi(APIView):
    @extend_schema(
        summary="Cancel, with a reason, before both parties confirmed",
        request=s.CancelInputSerializer,
        responses=WRITE_RESPONSES,
    )
    def post(self, request, order_id: int):
        data = validated(s.CancelInputSerializer, request)
        services.order_cancel(
            order_id=order_id, actor=request.user, version=data["version"], reason=data["reason"]
        )
        return _order_response(request, order_id)


class RevisionListApi(ListAPIView):
    serializer_class = s.RevisionSummarySerializer

    def get_queryset(self):
        return selectors.revisions_for_user(
            user=self.request.user, order_id=self.kwargs["order_id"]
        )

    @extend_schema(
        summary="Every confirmed or modified version",
        responses={200: s.RevisionSummarySerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RevisionDetailApi(APIView):
    @extend_schema(
        summary="One revision with its complete canonical terms",
        responses={200: s.RevisionSerializer, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int, version: int):
        revision = selectors.revision_get_for_user(
            user=request.user, order_id=order_id, version=version
        )
        return Response(s.RevisionSerializer(revision).data)


class OrderDiffApi(APIView):
    @extend_schema(
        summary="Field-by-field changes between two versions",
        parameters=[s.DiffQuerySerializer],
        responses={200: s.DiffSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int):
        versions = query_params(s.DiffQuerySerializer, request)
        if "to" not in versions:
            versions["to"] = selectors.order_get_for_user(
                user=request.user, order_id=order_id
            ).version
        result = selectors.revision_diff_for_user(
            user=request.user,
            order_id=order_id,
            from_version=versions["from"],
            to_version=versions["to"],
        )
        return Response(s.DiffSerializer(result).data)


class TimelineApi(ListAPIView):
    serializer_class = s.EventSerializer

    def get_queryset(self):
        return selectors.timeline_for_user(user=self.request.user, order_id=self.kwargs["order_id"])

    @extend_schema(
        summary="The order's events, oldest first",
        responses={200: s.EventSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("orders/", OrderListCreateApi.as_view(), name="api-orders"),
    path("orders/start/", OrderStartApi.as_view(), name="api-order-start"),
    path(
        "orders/start/<int:product_id>/",
        StartOrderSellerApi.as_view(),
        name="api-order-start-seller",
    ),
    path("orders/<int:order_id>/", OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<int:order_id>/modify/", OrderModifyApi.as_view(), name="api-order-modify"),
    path("orders/<int:order_id>/confirm/", OrderConfirmApi.as_view(), name="api-order-confirm"),
    path("orders/<int:order_id>/cancel/", OrderCancelApi.as_view(), name="api-order-cancel"),
    path("orders/<int:order_id>/extend/", OrderExtendApi.as_view(), name="api-order-extend"),
    path(
        "orders/<int:order_id>/request-extension/",
        OrderRequestExtensionApi.as_view(),
        name="api-order-request-extension",
    ),
    path("orders/<int:order_id>/revisions/", RevisionListApi.as_view(), name="api-order-revisions"),
    path(
        "orders/<int:order_id>/revisions/<int:version>/",
        RevisionDetailApi.as_view(),
        name="api-order-revision",
    ),
    path("orders/<int:order_id>/diff/", OrderDiffApi.as_view(), name="api-order-diff"),
    path("orders/<int:order_id>/timeline/", TimelineApi.as_view(), name="api-order-timeline"),
]

# Issue 13 point 6: amendments by consent (orders/api_amendments.py).
urlpatterns += [path("", include("orders.api_amendments"))]
# Issue 14 point 3: attachments that are part of the terms (orders/api_attachments.py).
urlpatterns += [path("", include("orders.api_attachments"))]
# Issue 14 point 1: offers made in the chat (orders/api_offers.py).
urlpatterns += [path("", include("orders.api_offers"))]
