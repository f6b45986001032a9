"""REST API for inquiries and negotiations: thin views over inquiries.services/selectors."""

import datetime

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ValidationFailed
from common.serializers import ErrorSerializer
from inquiries import selectors, services
from inquiries import serializers as s
from orders.models import OrderStatus

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


STATE_CHOICES = ["inquiry", *OrderStatus.values]


class NegotiationListApi(ListAPIView):
    serializer_class = s.NegotiationSerializer

    def get_queryset(self):
        params = self.request.query_params
        errors = {}
        state = params.get("state") or None
        if state and state not in STATE_CHOICES:
            errors["state"] = [f"One of: {', '.join(STATE_CHOICES)}."]
        dates = {}
        for name in ("since", "until"):
            if params.get(name):
                try:
                    dates[name] = datetime.date.fromisoformat(params[name])
                except ValueError:
                    errors[name] = ["A date as YYYY-MM-DD."]
        if errors:
            raise ValidationFailed(errors)
        return selectors.negotiations_for_user(
            self.request.user, state=state, counterpart=params.get("counterpart"), **dates
        )

    @extend_schema(
        summary="Your negotiations, latest activity first",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=STATE_CHOICES,
                description="`inquiry` (no order yet) or an order state.",
            ),
            OpenApiParameter("counterpart", str, description="Part of the other company's name."),
            OpenApiParameter("since", datetime.date, description="Last activity on or after."),
            OpenApiParameter("until", datetime.date, description="Last activity on or before."),
        ],
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
