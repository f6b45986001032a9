"""Error bodies shared by every app's API, for the OpenAPI schema (see common/api.py)."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="not_found, not_allowed, invalid_transition, …")
    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(
        required=False, help_text="The version the object is at now."
    )
    current_status = serializers.CharField(required=False, help_text="Its state now.")
