"""REST API for amendments by consent (issue 13 point 6): thin views over orders.amendments."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from orders import amendments, selectors
from orders import serializers as s
from orders.api import BAD_INPUT, CONFLICT, FORBIDDEN

NOT_FOUND = OpenApiResponse(description="No such order visible to you, or no such amendment of it.")
ANSWER_RESPONSES = {
    200: s.AmendmentSerializer,
    400: BAD_INPUT,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _context(request, order_id: int) -> dict:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    return {"order": order, "side": selectors.side_of(request.user, order)}


def _amendment_response(request, order_id: int, amendment_id: int, code=status.HTTP_200_OK):
    amendment = amendments.amendment_get_for_user(
        user=request.user, order_id=order_id, amendment_id=amendment_id
    )
    data = s.AmendmentSerializer(amendment, context=_context(request, order_id)).data
    return Response(data, status=code)


class AmendmentListProposeApi(ListAPIView):
    serializer_class = s.AmendmentSerializer

    def get_queryset(self):
        return amendments.amendments_for_user(
            user=self.request.user, order_id=self.kwargs["order_id"]
        )

    def get_serializer_context(self):
        # Also reached by OPTIONS (DRF's metadata builds a serializer): the access check
        # runs there too, so an outsider gets 404 whatever the method.
        if not hasattr(self, "_order_context"):
            self._order_context = _context(self.request, self.kwargs["order_id"])
        return {**super().get_serializer_context(), **self._order_context}

    @extend_schema(
        summary="The order's amendments, oldest first",
        responses={200: s.AmendmentSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Propose an amendment of the agreed terms, with a reason",
        description="Either party, from awaiting_payment to delivered, while no other amendment "
        "is open. Fields left out keep their agreed value; `lines`, when given, replaces all "
        "lines (keep each line's `key`; a line left out is removed). The proposed terms must be "
        "complete, differ from the agreed ones and keep the currency. The order's version moves "
        "on by one.",
        request=s.AmendmentProposeInputSerializer,
        responses={**ANSWER_RESPONSES, 201: s.AmendmentSerializer},
    )
    def post(self, request, order_id: int):
        data = validated(s.AmendmentProposeInputSerializer, request)
        version, reason = data.pop("version"), data.pop("reason")
        amendment = amendments.amendment_propose(
            order_id=order_id, actor=request.user, version=version, values=data, reason=reason
        )
        return _amendment_response(request, order_id, amendment.pk, status.HTTP_201_CREATED)


class AmendmentDetailApi(APIView):
    @extend_schema(
        summary="One amendment with its proposed terms and changes",
        responses={200: s.AmendmentSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int, amendment_id: int):
        return _amendment_response(request, order_id, amendment_id)


def _answer_view(service, summary: str, description: str):
    class AnswerApi(APIView):
        @extend_schema(
            summary=summary,
            description=description,
            request=s.VersionInputSerializer,
            responses=ANSWER_RESPONSES,
        )
        def post(self, request, order_id: int, amendment_id: int):
            data = validated(s.VersionInputSerializer, request)
            service(
                order_id=order_id,
                amendment_id=amendment_id,
                actor=request.user,
                version=data["version"],
            )
            return _amendment_response(request, order_id, amendment_id)

    AnswerApi.__name__ = AnswerApi.__qualname__ = (
        f"Amendment{service.__name__.removeprefix('amendment_').title()}Api"
    )
    return AnswerApi


AmendmentAcceptApi = _answer_view(
    amendments.amendment_accept,
    "Accept the open amendment (the other side)",
    "The proposed terms become the agreed order: a new revision and seal (`agreed_version`, "
    "`agreed_digest` of the order); the replaced seal stays verifiable. Send the order's "
    "current version: 409 if the order moved on since you looked.",
)
AmendmentRejectApi = _answer_view(
    amendments.amendment_reject,
    "Reject the open amendment (the other side)",
    "The agreed terms stay as they are.",
)
AmendmentWithdrawApi = _answer_view(
    amendments.amendment_withdraw,
    "Withdraw your side's open amendment",
    "The agreed terms stay as they are; a new amendment may then be proposed.",
)

BASE = "orders/<int:order_id>/amendments/"
urlpatterns = [
    path(BASE, AmendmentListProposeApi.as_view(), name="api-order-amendments"),
    path(f"{BASE}<int:amendment_id>/", AmendmentDetailApi.as_view(), name="api-order-amendment"),
    path(
        f"{BASE}<int:amendment_id>/accept/",
        AmendmentAcceptApi.as_view(),
        name="api-order-amendment-accept",
    ),
    path(
        f"{BASE}<int:amendment_id>/reject/",
        AmendmentRejectApi.as_view(),
        name="api-order-amendment-reject",
    ),
    path(
        f"{BASE}<int:amendment_id>/withdraw/",
        AmendmentWithdrawApi.as_view(),
        name="api-order-amendment-withdraw",
    ),
]
