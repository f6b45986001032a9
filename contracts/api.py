"""REST API for contracts under /api/v1/: the parties' list and PDF download, and the public
verification (no authentication, rate-limited per address)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ValidationFailed
from common.files import private_file_response
from common.ratelimit import client_address
from common.serializers import ErrorSerializer
from contracts import selectors
from contracts import serializers as s

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such order or PDF visible to you.")
LIMITED = OpenApiResponse(
    ErrorSerializer, description="Too many checks from your address; see Retry-After."
)


class OrderContractsApi(APIView):
    @extend_schema(
        summary="The contract PDFs of an order, one per sealed version, newest first",
        responses={200: s.ContractSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, order_id: int):
        contracts = selectors.contracts_for_user(user=request.user, order_id=order_id)
        return Response(
            s.ContractSerializer(contracts, many=True, context={"request": request}).data
        )


class OrderContractPdfApi(APIView):
    @extend_schema(
        summary="Download a contract PDF (the order's parties only)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, order_id: int, contract_id: int):
        contract = selectors.contract_get_for_user(
            user=request.user, order_id=order_id, contract_id=contract_id
        )
        return private_file_response(
            contract.file, name=contract.download_name, content_type="application/pdf"
        )


class _PublicApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class VerifyTokenApi(_PublicApi):
    @extend_schema(
        summary="Verify a contract by the token of its QR link (no authentication)",
        responses={200: s.VerificationSerializer, 429: LIMITED},
        auth=[],
    )
    def get(self, request, token: str):
        result = selectors.contract_verify_token(token=token, address=client_address(request))
        return Response(s.VerificationSerializer(result).data)


class VerifyFileApi(_PublicApi):
    @extend_schema(
        summary="Verify a contract PDF by upload (no authentication)",
        request={"multipart/form-data": s.VerifyFileInputSerializer},
        responses={200: s.VerificationSerializer, 400: OpenApiResponse(), 429: LIMITED},
        auth=[],
    )
    def post(self, request):
        serializer = s.VerifyFileInputSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(serializer.errors)
        result = selectors.contract_verify_file(
            upload=serializer.validated_data["file"], address=client_address(request)
        )
        return Response(s.VerificationSerializer(result).data)


urlpatterns = [
    path(
        "orders/<int:order_id>/contracts/", OrderContractsApi.as_view(), name="api-order-contracts"
    ),
    path(
        "orders/<int:order_id>/contracts/<int:contract_id>/pdf/",
        OrderContractPdfApi.as_view(),
        name="api-order-contract-pdf",
    ),
    path("verify/", VerifyFileApi.as_view(), name="api-verify-file"),
    path("verify/<str:token>/", VerifyTokenApi.as_view(), name="api-verify-token"),
]
