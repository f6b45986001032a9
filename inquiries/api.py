"""REST API for inquiries and negotiations: thin views over inquiries.services/selectors."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.filters import query_params
from common.serializers import ErrorSerializer
from inquiries import selectors, services
from inquiries import serializers as s

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not yours.")
BAD_INPUT = OpenApiResponse(description="Field-level errors: {field: [messages]}.")


class InquiryListCreateApi(ListAPIView):
    serializer_class = s.InquirySerializer

    def get_queryset(self):
        return selectors.inquiries_for_user(self.request.user)

    @extend_schema(summary="Inquiries you sent (buyer) or received (seller)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Send an inquiry (buyer): about a product, or to a seller",
        request=s.InquiryInputSerializer,
        responses={
            201: s.InquirySerializer,
            400: BAD_INPUT,
            403: OpenApiResponse(ErrorSerializer, description="Only buyers send inquiries."),
        },
    )
    def post(self, request):
        serializer = s.InquiryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        inquiry = services.inquiry_create(
            actor=request.user,
            product_id=values.pop("product_id", None),
            seller_company_id=values.pop("seller_company_id", None),
            values=values,
        )
        inquiry = selectors.inquiry_get_for_user(user=request.user, inquiry_id=inquiry.pk)
        return Response(s.InquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)


class InquiryDetailApi(APIView):
    @extend_schema(summary="One inquiry", responses={200: s.InquirySerializer, 404: NOT_FOUND})
    def get(self, request, inquiry_id: int):
        inquiry = selectors.inquiry_get_for_user(user=request.user, inquiry_id=inquiry_id)
        return Response(s.InquirySerializer(inquiry).data)


class InquiryMarkReadApi(APIView):
    @extend_schema(
        summary="Mark an inquiry read (seller)",
        request=None,
        responses={200: s.InquirySerializer, 403: ErrorSerializer, 404: NOT_FOUND},
    )
    def post(self, request, inquiry_id: int):
        services.inquiry_mark_read(inquiry_id=inquiry_id, actor=request.user)
        inquiry = selectors.inquiry_get_for_user(user=request.user, inquiry_id=inquiry_id)
        return Response(s.InquirySerializer(inquiry).data)


class NegotiationListApi(ListAPIView):
    serializer_class = s.NegotiationSerializer

    def get_queryset(self):
        filters = query_params(s.NegotiationFilterSerializer, self.request)
        return selectors.negotiations_for_user(self.request.user, **filters)

    @extend_schema(
        summary="Your negotiations, latest activity first",
        parameters=[s.NegotiationFilterSerializer],
        responses={200: s.NegotiationSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NegotiationDetailApi(APIView):
    @extend_schema(
        summary="One negotiation", responses={200: s.NegotiationSerializer, 404: NOT_FOUND}
    )
    def get(self, request, negotiation_id: int):
        negotiation = selectors.negotiation_get_for_user(
            user=request.user, negotiation_id=negotiation_id
        )
        return Response(s.NegotiationSerializer(negotiation, context={"request": request}).data)


urlpatterns = [
    path("inquiries/", InquiryListCreateApi.as_view(), name="api-inquiries"),
    path("inquiries/<int:inquiry_id>/", InquiryDetailApi.as_view(), name="api-inquiry-detail"),
    path(
        "inquiries/<int:inquiry_id>/mark-read/",
        InquiryMarkReadApi.as_view(),
        name="api-inquiry-mark-read",
    ),
    path("negotiations/", NegotiationListApi.as_view(), name="api-negotiations"),
    path(
        "negotiations/<int:negotiation_id>/",
        NegotiationDetailApi.as_view(),
        name="api-negotiation-detail",
    ),
]
