"""REST API for payments under /api/v1/: thin views, one service or selector call each."""

from collections.abc import Mapping

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import validated
from common.serializers import ConflictSerializer, ErrorSerializer
from payments import selectors, services
from payments import serializers as s

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Your side may not do this.")
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The order or payment is in a state that does not allow this; nothing changed.",
)


class OrderPaymentsApi(APIView):
    @extend_schema(
        summary="What is due, paid and outstanding, with the payments",
        responses={200: s.SummarySerializer, 409: CONFLICT},
    )
    def get(self, request, order_id: int):
        summary = selectors.payment_summary_for_user(user=request.user, order_id=order_id)
        return Response(s.SummarySerializer(summary).data)

    @extend_schema(
        summary="Pay (buyer); idempotent by the Idempotency-Key header or field",
        request=s.PaymentInputSerializer,
        responses={
            201: OpenApiResponse(
                s.PaymentSerializer,
                description="The payment; a retry with a used key answers the first one.",
            ),
            403: FORBIDDEN,
            409: CONFLICT,
        },
    )
    def post(self, request, order_id: int):
        header = request.headers.get("Idempotency-Key")
        body = request.data
        if header and isinstance(body, Mapping):  # anything else is refused whole
            body = {**dict(body.items()), "idempotency_key": header}
        data = validated(s.PaymentInputSerializer, request, data=body)
        payment = services.payment_submit(
            order_id=order_id,
            actor=request.user,
            provider=data["provider"],
            amount=data["amount"],
            currency=data["currency"],
            idempotency_key=data["idempotency_key"],
            values={
                "reference": data.get("reference", ""),
                "slip": data.get("slip"),
                "card_number": data.get("card_number", ""),
            },
        )
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentReceiveApi(APIView):
    @extend_schema(
        summary="Mark a submitted transfer received (seller)",
        request=None,
        responses={200: s.PaymentSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, payment_id: int):
        payment = services.payment_mark_received(payment_id=payment_id, actor=request.user)
        return Response(s.PaymentSerializer(payment).data)


class PaymentRejectApi(APIView):
    @extend_schema(
        summary="Reject a submitted transfer with a reason (seller)",
        request=s.RejectInputSerializer,
        responses={200: s.PaymentSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, payment_id: int):
        data = validated(s.RejectInputSerializer, request)
        payment = services.payment_reject(
            payment_id=payment_id, actor=request.user, reason=data["reason"]
        )
        return Response(s.PaymentSerializer(payment).data)


class ReminderApi(APIView):
    @extend_schema(
        summary="Remind the buyer to pay (seller; once per 24 hours)",
        request=None,
        responses={
            202: s.ReminderSerializer,
            403: FORBIDDEN,
            409: CONFLICT,
            429: OpenApiResponse(
                ErrorSerializer, description="A reminder went out less than 24 hours ago."
            ),
        },
    )
    def post(self, request, order_id: int):
        reminder = services.reminder_request(order_id=order_id, actor=request.user)
        return Response({"reminder_id": reminder.pk}, status=status.HTTP_202_ACCEPTED)


class CancelForNonPaymentApi(APIView):
    @extend_schema(
        summary="Cancel for non-payment (seller; only while an instalment is overdue)",
        description="Money already received is recorded as a refund owed to the buyer, in the "
        "same transaction. Answers the order's payment summary, with the refund.",
        request=s.CancelForNonPaymentInputSerializer,
        responses={200: s.SummarySerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, order_id: int):
        data = validated(s.CancelForNonPaymentInputSerializer, request)
        services.order_cancel_for_non_payment(
            order_id=order_id, actor=request.user, version=data["version"], reason=data["reason"]
        )
        summary = selectors.payment_summary_for_user(user=request.user, order_id=order_id)
        return Response(s.SummarySerializer(summary).data)


class RefundDoneApi(APIView):
    @extend_schema(
        summary="Mark an owed refund refunded (seller)",
        request=None,
        responses={200: s.RefundSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, refund_id: int):
        refund = services.refund_mark_refunded(refund_id=refund_id, actor=request.user)
        return Response(s.RefundSerializer(refund).data)


urlpatterns = [
    path("orders/<int:order_id>/payments/", OrderPaymentsApi.as_view(), name="api-order-payments"),
    path(
        "payments/<int:payment_id>/receive/",
        PaymentReceiveApi.as_view(),
        name="api-payment-receive",
    ),
    path(
        "payments/<int:payment_id>/reject/", PaymentRejectApi.as_view(), name="api-payment-reject"
    ),
    path("orders/<int:order_id>/reminders/", ReminderApi.as_view(), name="api-order-reminders"),
    path(
        "orders/<int:order_id>/cancel-for-non-payment/",
        CancelForNonPaymentApi.as_view(),
        name="api-order-cancel-for-non-payment",
    ),
    path("refunds/<int:refund_id>/refunded/", RefundDoneApi.as_view(), name="api-refund-done"),
]
