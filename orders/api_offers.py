"""REST API for offers made in the chat (issue 14 point 1): thin views over orders.offers."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from orders import offers, selectors
from orders import serializers as s
from orders.api import BAD_INPUT, CONFLICT, FORBIDDEN

NOT_FOUND = OpenApiResponse(description="No such order visible to you, or no such offer of it.")
ANSWER_RESPONSES = {
    200: s.OfferSerializer,
    400: BAD_INPUT,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
}


def _offer_response(request, order_id: int, offer_id: int, code=status.HTTP_200_OK):
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    offer = offers.offer_get_for_user(user=request.user, order_id=order_id, offer_id=offer_id)
    context = {"order": order, "side": selectors.side_of(request.user, order)}
    return Response(s.OfferSerializer(offer, context=context).data, status=code)


class OfferListMakeApi(ListAPIView):
    serializer_class = s.OfferSerializer

    def _order_context(self) -> dict:
        # Also reached by OPTIONS (DRF's metadata builds a serializer): the access check runs
        # there too, so an outsider gets 404 whatever the method.
        if not hasattr(self, "_context"):
            order = selectors.order_get_for_user(
                user=self.request.user, order_id=self.kwargs["order_id"]
            )
            self._context = {"order": order, "side": selectors.side_of(self.request.user, order)}
        return self._context

    def get_queryset(self):
        order = self._order_context()["order"]
        return order.offers.select_related("proposed_by", "decided_by").order_by("created_at", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **self._order_context()}

    @extend_schema(
        summary="The order's offers, oldest first",
        responses={200: s.OfferSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Offer some of the terms to the other side",
        description="Either party, while the letter of intent is negotiated (seller_confirmed, "
        "buyer_confirmed), against the order's current `version`. Send only what the offer "
        "changes: module fields by name, `lines` as {key, quantity?, unit_price?} of existing "
        "lines. The terms are checked as the other side's modification would be (field errors "
        "as for `modify`, and the offered terms must be complete and change something). Your "
        "side's previous open offer is superseded; the order's version does not move.",
        request=s.OfferMakeInputSerializer,
        responses={**ANSWER_RESPONSES, 201: s.OfferSerializer},
    )
    def post(self, request, order_id: int):
        data = validated(s.OfferMakeInputSerializer, request)
        version, note = data.pop("version"), data.pop("note", "")
        offer = offers.offer_make(
            order_id=order_id, actor=request.user, version=version, values=data, note=note
        )
        return _offer_response(request, order_id, offer.pk, status.HTTP_201_CREATED)


class OfferDetailApi(APIView):
    @extend_schema(
        summary="One offer with its values and changes",
        responses={200: s.OfferSerializer, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int, offer_id: int):
        return _offer_response(request, order_id, offer_id)


class OfferAcceptApi(APIView):
    @extend_schema(
        summary="Accept the other side's open offer",
        description="The order is modified with exactly the offered values, based on the "
        "version the offer was made against, and becomes your confirmation (the proposer then "
        "confirms or modifies). 409 if the order moved on since the offer was made: the offer "
        "is then out of date (`stale`) and nothing else changes.",
        request=None,
        responses=ANSWER_RESPONSES,
    )
    def post(self, request, order_id: int, offer_id: int):
        offers.offer_accept(order_id=order_id, offer_id=offer_id, actor=request.user)
        return _offer_response(request, order_id, offer_id)


class OfferDeclineApi(APIView):
    @extend_schema(
        summary="Decline the other side's open offer, with an optional note",
        request=s.OfferDeclineInputSerializer,
        responses=ANSWER_RESPONSES,
    )
    def post(self, request, order_id: int, offer_id: int):
        data = validated(s.OfferDeclineInputSerializer, request)
        offers.offer_decline(
            order_id=order_id, offer_id=offer_id, actor=request.user, note=data.get("note", "")
        )
        return _offer_response(request, order_id, offer_id)


class OfferWithdrawApi(APIView):
    @extend_schema(
        summary="Withdraw your side's open offer",
        request=None,
        responses=ANSWER_RESPONSES,
    )
    def post(self, request, order_id: int, offer_id: int):
        offers.offer_withdraw(order_id=order_id, offer_id=offer_id, actor=request.user)
        return _offer_response(request, order_id, offer_id)


BASE = "orders/<int:order_id>/offers/"
urlpatterns = [
    path(BASE, OfferListMakeApi.as_view(), name="api-order-offers"),
    path(f"{BASE}<int:offer_id>/", OfferDetailApi.as_view(), name="api-order-offer"),
    path(f"{BASE}<int:offer_id>/accept/", OfferAcceptApi.as_view(), name="api-order-offer-accept"),
    path(
        f"{BASE}<int:offer_id>/decline/", OfferDeclineApi.as_view(), name="api-order-offer-decline"
    ),
    path(
        f"{BASE}<int:offer_id>/withdraw/",
        OfferWithdrawApi.as_view(),
        name="api-order-offer-withdraw",
    ),
]
