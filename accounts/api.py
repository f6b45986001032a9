"""REST API of accounts under /api/v1/: API tokens (django-rest-knox), log-out, /me, and a
seller company's sales contact and freight rates."""

from collections.abc import Mapping

from django.conf import settings
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import MAX_OFFER_VALIDITY_DAYS, Company, FreightRate, User
from common.api import validated
from common.errors import ValidationFailed
from common.serializers import ErrorSerializer, MoneyField, OptionalEmailField


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="token_key", help_text="The token's first characters: public, for revoking it."
    )
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True, help_text="null: never expires.")


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once.")


class TokenLoginApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Log in: a new API token for this client",
        request=TokenLoginSerializer,
        responses={
            200: TokenCreatedSerializer,
            429: OpenApiResponse(
                ErrorSerializer, description="Too many failed log-ins; retry_after seconds."
            ),
        },
        auth=[],
    )
    def post(self, request):
        credentials = TokenLoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = services.login_authenticate(request=request, **credentials.validated_data)
        if user is None:
            raise ValidationFailed(
                {"non_field_errors": [_("Unable to log in with the given credentials.")]}
            )
        instance, token = services.api_token_create(user=user)
        instance.token = token
        return Response(TokenCreatedSerializer(instance).data)


class TokenListApi(APIView):
    @extend_schema(summary="Your API tokens (not expired)", responses=TokenSerializer(many=True))
    def get(self, request):
        tokens = selectors.api_tokens_for_user(request.user)
        return Response(TokenSerializer(tokens, many=True).data)


class TokenRevokeApi(APIView):
    @extend_schema(summary="Revoke one of your API tokens", responses={204: None})
    def delete(self, request, token_key: str):
        services.api_token_revoke(user=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereApi(APIView):
    @extend_schema(
        summary="Log out everywhere: every session and API token ends, chat sockets close",
        request=None,
        responses={204: None},
    )
    def post(self, request):
        services.user_sign_out_everywhere(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCompanySerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = Company
        fields = ("id", "legal_name", "side", "country", "city", "currency", "verified")


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    side = serializers.CharField(allow_null=True, help_text="buyer or seller; None for staff.")
    company = MyCompanySerializer(allow_null=True)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "is_staff",
            "side",
            "company",
            "language",
        )


class MePatchSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        help_text="Your language for pages, e-mails, notifications and this API's messages.",
    )


class MeApi(APIView):
    @extend_schema(summary="You and your company", responses=MeSerializer)
    def get(self, request):
        user = User.objects.select_related("company").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)

    @extend_schema(
        summary="Change your preferred language",
        request=MePatchSerializer,
        responses={200: MeSerializer, 400: OpenApiResponse(description="Field errors")},
    )
    def patch(self, request):
        values = _body(request)
        services.user_language_set(user=request.user, language=values.get("language"))
        # Answered in the new language from here on.
        translation.activate(request.user.language)
        return self.get(request)


SELLERS_ONLY = OpenApiResponse(ErrorSerializer, description="Only sellers keep these.")


def _body(request, *, nullable: tuple = ()) -> dict:
    """The request body as a dict of its fields (the service checks each value); anything but
    an object is refused whole."""
    if not isinstance(request.data, Mapping):
        raise ValidationFailed({"non_field_errors": [_("Send a JSON object of fields.")]})
    values = dict(request.data.items())
    # Every field of these bodies is text (a price too, as the API's money format is a string).
    errors = {
        name: [_("Must be text.")]
        for name, value in values.items()
        if not isinstance(value, str) and not (value is None and name in nullable)
    }
    if errors:
        raise ValidationFailed(errors)
    return values


class SalesContactSerializer(serializers.Serializer):
    sales_contact_name = serializers.CharField(allow_blank=True, required=False)
    sales_contact_email = OptionalEmailField(required=False)
    sales_contact_phone = serializers.CharField(allow_blank=True, required=False)


class SalesContactApi(APIView):
    @extend_schema(
        summary="Your company's default sales contact (Start Order's seller contact)",
        responses={200: SalesContactSerializer},
    )
    def get(self, request):
        return Response(SalesContactSerializer(selectors.company_of_user(request.user)).data)

    @extend_schema(
        summary="Set your company's default sales contact (seller)",
        description="Buyers' Start Order takes the seller contact from it, read-only for them. "
        "Fields left out are cleared.",
        request=SalesContactSerializer,
        responses={
            200: SalesContactSerializer,
            400: OpenApiResponse(description="Field errors"),
            403: SELLERS_ONLY,
        },
    )
    def put(self, request):
        company = services.sales_contact_update(actor=request.user, values=_body(request))
        return Response(SalesContactSerializer(company).data)


class OfferValiditySerializer(serializers.Serializer):
    offer_validity_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_OFFER_VALIDITY_DAYS,
        help_text="Days a confirmation of your orders stays open for the other side to confirm "
        "as is, unless the confirming party sets its own valid_until.",
    )


class OfferValidityApi(APIView):
    @extend_schema(
        summary="How long confirmations of your company's orders stay open by default",
        responses={200: OfferValiditySerializer},
    )
    def get(self, request):
        return Response(OfferValiditySerializer(selectors.company_of_user(request.user)).data)

    @extend_schema(
        summary="Set how long confirmations of your company's orders stay open (seller)",
        request=OfferValiditySerializer,
        responses={
            200: OfferValiditySerializer,
            400: OpenApiResponse(description="Field errors"),
            403: SELLERS_ONLY,
        },
    )
    def put(self, request):
        data = validated(OfferValiditySerializer, request)
        company = services.offer_validity_update(
            actor=request.user, days=data["offer_validity_days"]
        )
        return Response(OfferValiditySerializer(company).data)


class FreightRateSerializer(serializers.ModelSerializer):
    destination_country = CountryField()
    per_order = MoneyField(allow_null=True, help_text="Per order; null: none.")
    per_unit = MoneyField(allow_null=True, help_text="Per unit ordered; null: none.")

    class Meta:
        model = FreightRate
        fields = ("id", "destination_country", "currency", "per_order", "per_unit", "updated_at")


class FreightRateInputSerializer(serializers.Serializer):
    destination_country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    currency = serializers.CharField(help_text="ISO 4217 code.")
    per_order = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    per_unit = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class FreightRateListApi(APIView):
    @extend_schema(
        summary="Your company's freight rates (seller)",
        responses={200: FreightRateSerializer(many=True)},
    )
    def get(self, request):
        rates = selectors.freight_rates_of_seller(request.user.company_id)
        return Response(FreightRateSerializer(rates, many=True).data)

    @extend_schema(
        summary="Add or replace the rate to a destination in a currency (seller)",
        description="Per order and/or per unit (at least one). With CFR, CIF, CPT, CIP, DAP, "
        "DPU or DDP, Start Order's shipping fee is per_order + per_unit x quantity, in the "
        "product's currency; without a rate to the destination Start Order refuses them.",
        request=FreightRateInputSerializer,
        responses={
            200: FreightRateSerializer,
            400: OpenApiResponse(description="Field errors"),
            403: SELLERS_ONLY,
        },
    )
    def post(self, request):
        rate = services.freight_rate_set(
            actor=request.user, values=_body(request, nullable=("per_order", "per_unit"))
        )
        return Response(FreightRateSerializer(rate).data)


class FreightRateDetailApi(APIView):
    @extend_schema(
        summary="Remove one of your freight rates (seller)",
        request=None,
        responses={204: None, 404: OpenApiResponse(ErrorSerializer, description="Not yours.")},
    )
    def delete(self, request, rate_id: int):
        services.freight_rate_delete(actor=request.user, rate_id=rate_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("company/sales-contact/", SalesContactApi.as_view(), name="api-sales-contact"),
    path("company/offer-validity/", OfferValidityApi.as_view(), name="api-offer-validity"),
    path("company/freight-rates/", FreightRateListApi.as_view(), name="api-freight-rates"),
    path(
        "company/freight-rates/<int:rate_id>/",
        FreightRateDetailApi.as_view(),
        name="api-freight-rate",
    ),
    path("auth/token/", TokenLoginApi.as_view(), name="api-token"),
    path("auth/tokens/", TokenListApi.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("auth/logout-everywhere/", LogoutEverywhereApi.as_view(), name="api-logout-everywhere"),
]
