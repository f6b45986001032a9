"""REST API of accounts under /api/v1/: API tokens (django-rest-knox), log-out, and /me."""

from django.urls import path
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Company, User
from common.errors import ValidationFailed
from common.serializers import ErrorSerializer


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
        fields = ("id", "legal_name", "side", "country", "city", "verified")


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
        )


class MeApi(APIView):
    @extend_schema(summary="You and your company", responses=MeSerializer)
    def get(self, request):
        user = User.objects.select_related("company").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("auth/token/", TokenLoginApi.as_view(), name="api-token"),
    path("auth/tokens/", TokenListApi.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("auth/logout-everywhere/", LogoutEverywhereApi.as_view(), name="api-logout-everywhere"),
]
