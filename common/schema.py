"""The OpenAPI schema documents every answer an operation can give, errors included.

Views declare their own success and domain-error responses with ``extend_schema``; what any
operation may answer (bad input, not signed in, not found, a body too large or of the wrong
type) is added here once, in the shapes common.api produces.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny

from common.serializers import ErrorSerializer

FIELD_ERRORS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {},
        "description": "Field-level errors {field: [messages]}, or {code, detail} for a body "
        "that is not valid JSON, nests too deeply or is malformed.",
    },
    description="Bad input: nothing changed.",
)
DEFAULT_ERRORS = {
    "400": FIELD_ERRORS,
    "401": OpenApiResponse(ErrorSerializer, description="Not signed in."),
    "404": OpenApiResponse(
        ErrorSerializer, description="No such object visible to you, or no such page."
    ),
}
BODY_ERRORS = {
    "413": OpenApiResponse(
        ErrorSerializer,
        description="The body is larger than the limit (DATA_UPLOAD_MAX_MEMORY_SIZE, files: "
        "ATTACHMENT_MAX_BYTES); the detail names it.",
    ),
    "415": OpenApiResponse(ErrorSerializer, description="A content type the API does not read."),
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(DEFAULT_ERRORS)
        if any(permission is AllowAny for permission in self.view.permission_classes):
            errors.pop("401")
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERRORS)
        for code, response in errors.items():
            default = self._get_response_for_code(response, code, None, direction)
            if code not in responses:
                responses[code] = default
            elif "content" not in responses[code]:
                # A view described the error in words only: add the body it has.
                responses[code]["content"] = default["content"]
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and "properties" in schema:
            # An output serializer writes every field; a model field with a default is
            # optional only as input. Fields declared required=False without a default may
            # really be absent.
            declared = getattr(serializer, "_declared_fields", {})
            required = [
                name
                for name in schema["properties"]
                if name not in declared
                or declared[name].required
                or declared[name].default is not empty
            ]
            schema["required"] = sorted(set(schema.get("required", [])) | set(required))
        return schema
