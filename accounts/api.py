"""REST API for the signed-in user under /api/v1/: who am I, for which company."""

from django.urls import path
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Company, User


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


urlpatterns = [path("me/", MeApi.as_view(), name="api-me")]
