"""REST API for requests for quotation: thin views, one service or selector call each."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Side
from common.api import validated
from common.filters import query_params
from common.serializers import ErrorSerializer
from rfq import selectors, services
from rfq import serializers as s

BAD_INPUT = OpenApiResponse(
    description="Field-level errors: {field: [messages]}; {non_field_errors: [...]} when the "
    "buyer already has the maximum number of open RFQs. Nothing changed."
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Nothing visible to you here.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Your side may not do this.")
CONFLICT = OpenApiResponse(
    s.RFQConflictSerializer,
    description="The RFQ or quotation has moved on (stale version, wrong state, deadline or "
    "validity passed, already quoted); nothing changed.",
)


def _files(request, name: str) -> list:
    return request.FILES.getlist(name) if hasattr(request.FILES, "getlist") else []


class RFQListCreateApi(ListAPIView):
    serializer_class = s.RFQSerializer

    def get_queryset(self):
        filters = query_params(s.RFQFilterSerializer, self.request)
        return selectors.rfqs_for_user(
            self.request.user,
            open_only=filters.pop("open", False),
            category_id=filters.pop("category", None),
            search=filters.pop("q", None),
            **filters,
        )

    @extend_schema(
        summary="RFQs you can see (buyer: your company's; seller: those open to you)",
        parameters=[s.RFQFilterSerializer],
        responses={200: s.RFQSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Post an RFQ (buyer)",
        request={
            "application/json": s.RFQInputSerializer,
            "multipart/form-data": s.RFQInputSerializer,
        },
        responses={201: s.RFQDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request):
        data = validated(s.RFQInputSerializer, request)
        invited = data.pop("invited_seller_ids", [])
        data.pop("attachments", None)
        rfq = services.rfq_create(
            actor=request.user,
            values=data,
            invited_seller_ids=invited,
            attachments=_files(request, "attachments"),
        )
        rfq = selectors.rfq_get_for_user(user=request.user, rfq_id=rfq.pk)
        return Response(s.RFQDetailSerializer(rfq).data, status=status.HTTP_201_CREATED)


class RFQDetailApi(APIView):
    @extend_schema(
        summary="An RFQ with its attachments",
        responses={200: s.RFQDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, rfq_id: int):
        rfq = selectors.rfq_get_for_user(user=request.user, rfq_id=rfq_id)
        return Response(s.RFQDetailSerializer(rfq).data)


class RFQCloseApi(APIView):
    @extend_schema(
        summary="Close an open RFQ without awarding it (buyer); live quotations' sellers are told",
        request=None,
        responses={200: s.RFQDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request, rfq_id: int):
        services.rfq_close(rfq_id=rfq_id, actor=request.user)
        rfq = selectors.rfq_get_for_user(user=request.user, rfq_id=rfq_id)
        return Response(s.RFQDetailSerializer(rfq).data)


class RFQQuotationsApi(APIView):
    @extend_schema(
        summary="The comparison table: all quotations (buyer) or your own (seller)",
        parameters=[
            OpenApiParameter(
                "sort",
                str,
                description="A column, `-` prefixed for descending: "
                + ", ".join(selectors.COMPARISON_SORTS)
                + ". Prices sort in the comparison currency; quotations with no known rate "
                "into it (``ranked`` false) come after the others.",
            ),
            OpenApiParameter(
                "currency",
                str,
                description="ISO 4217 code to rank and total in; default the buyer company's "
                "currency (the RFQ's for others). Rates: the latest ECB reference rate on or "
                "before today, within FX_RATE_MAX_AGE_DAYS (docs/exchange-rates.md).",
            ),
        ],
        responses={200: s.ComparisonRowSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, rfq_id: int):
        rfq = selectors.rfq_get_for_user(user=request.user, rfq_id=rfq_id)
        rows = selectors.quotations_on_rfq(
            user=request.user,
            rfq=rfq,
            sort=request.query_params.get("sort"),
            currency=request.query_params.get("currency"),
        )
        context = {"rows": {row.quotation.pk: row for row in rows}}
        return Response(
            s.ComparisonRowSerializer(
                [row.quotation for row in rows], many=True, context=context
            ).data
        )

    @extend_schema(
        summary="Quote on an RFQ (seller; one quotation per seller company)",
        request={
            "application/json": s.QuotationInputSerializer,
            "multipart/form-data": s.QuotationInputSerializer,
        },
        responses={
            201: s.QuotationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, rfq_id: int):
        data = validated(s.QuotationInputSerializer, request)
        attachment = data.pop("attachment", None)
        quotation = services.quotation_submit(
            rfq_id=rfq_id, actor=request.user, values=data, attachment=attachment
        )
        return Response(s.QuotationSerializer(quotation).data, status=status.HTTP_201_CREATED)


class QuotationListApi(ListAPIView):
    serializer_class = s.QuotationSerializer

    def get_queryset(self):
        filters = query_params(s.QuotationFilterSerializer, self.request)
        qs = selectors.quotations_for_user(self.request.user, **filters)
        if not self.request.user.is_staff and self.request.user.side == Side.SELLER:
            return qs.filter(seller_company_id=self.request.user.company_id)
        return qs

    @extend_schema(
        summary="Your quotations and what became of each (seller); received ones (buyer)",
        parameters=[s.QuotationFilterSerializer],
        responses={200: s.QuotationSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class QuotationDetailApi(APIView):
    @extend_schema(
        summary="A quotation (its seller, the RFQ's buyer)",
        responses={200: s.QuotationSerializer, 404: NOT_FOUND},
    )
    def get(self, request, quotation_id: int):
        quotation = selectors.quotation_get_for_user(user=request.user, quotation_id=quotation_id)
        return Response(s.QuotationSerializer(quotation).data)

    @extend_schema(
        summary="Revise your submitted quotation at `version`, before the deadline (seller)",
        request={
            "application/json": s.QuotationReviseSerializer,
            "multipart/form-data": s.QuotationReviseSerializer,
        },
        responses={
            200: s.QuotationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request, quotation_id: int):
        current = selectors.quotation_get_for_user(user=request.user, quotation_id=quotation_id)
        version = validated(s.VersionSerializer, request)["version"]
        data = validated(s.QuotationInputSerializer, request, partial=True)
        attachment = data.pop("attachment", None)
        values = {name: getattr(current, name) for name in services.QUOTATION_FIELDS}
        values.update(data)
        quotation = services.quotation_revise(
            quotation_id=current.pk,
            actor=request.user,
            version=version,
            values=values,
            attachment=attachment,
        )
        return Response(s.QuotationSerializer(quotation).data)


class QuotationRevisionsApi(APIView):
    @extend_schema(
        summary="A quotation's revisions, oldest first, each with what it changed",
        responses={200: s.QuotationRevisionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, quotation_id: int):
        history = selectors.quotation_revisions_for_user(
            user=request.user, quotation_id=quotation_id
        )
        return Response(s.QuotationRevisionSerializer(history, many=True).data)


def _decision_api(service, summary: str, response_serializer):
    class QuotationDecisionApi(APIView):
        @extend_schema(
            summary=summary,
            request=s.VersionSerializer,
            responses={
                200: response_serializer,
                400: BAD_INPUT,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
            },
        )
        def post(self, request, quotation_id: int):
            data = validated(s.VersionSerializer, request)
            quotation = service(
                quotation_id=quotation_id, actor=request.user, version=data["version"]
            )
            return Response(response_serializer(quotation).data)

    QuotationDecisionApi.__name__ = f"Quotation{service.__name__.split('_')[1].title()}Api"
    return QuotationDecisionApi


QuotationShortlistApi = _decision_api(
    services.quotation_shortlist,
    "Shortlist a quotation (buyer); the seller is told and can no longer revise it",
    s.QuotationSerializer,
)
QuotationDeclineApi = _decision_api(
    services.quotation_decline,
    "Decline a quotation (buyer); the seller is told",
    s.QuotationSerializer,
)
QuotationAcceptApi = _decision_api(
    services.quotation_accept,
    "Accept a quotation (buyer): opens a negotiation with a prefilled draft letter of intent "
    "in the seller's court, awards the RFQ; the other quoting sellers are told",
    s.AcceptedSerializer,
)


urlpatterns = [
    path("rfqs/", RFQListCreateApi.as_view(), name="api-rfqs"),
    path("rfqs/<int:rfq_id>/", RFQDetailApi.as_view(), name="api-rfq-detail"),
    path("rfqs/<int:rfq_id>/close/", RFQCloseApi.as_view(), name="api-rfq-close"),
    path("rfqs/<int:rfq_id>/quotations/", RFQQuotationsApi.as_view(), name="api-rfq-quotations"),
    path("quotations/", QuotationListApi.as_view(), name="api-quotations"),
    path("quotations/<int:quotation_id>/", QuotationDetailApi.as_view(), name="api-quotation"),
    path(
        "quotations/<int:quotation_id>/revisions/",
        QuotationRevisionsApi.as_view(),
        name="api-quotation-revisions",
    ),
    path(
        "quotations/<int:quotation_id>/shortlist/",
        QuotationShortlistApi.as_view(),
        name="api-quotation-shortlist",
    ),
    path(
        "quotations/<int:quotation_id>/decline/",
        QuotationDeclineApi.as_view(),
        name="api-quotation-decline",
    ),
    path(
        "quotations/<int:quotation_id>/accept/",
        QuotationAcceptApi.as_view(),
        name="api-quotation-accept",
    ),
]
