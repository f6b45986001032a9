"""DRF glue shared by every app's API: domain errors become JSON responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common import errors

STATUS_BY_ERROR = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.NotAllowed: status.HTTP_403_FORBIDDEN,
    errors.InvalidTransition: status.HTTP_409_CONFLICT,
    errors.StaleVersion: status.HTTP_409_CONFLICT,
    errors.ValidationFailed: status.HTTP_400_BAD_REQUEST,
    errors.RateLimited: status.HTTP_429_TOO_MANY_REQUESTS,
}


def exception_handler(exc, context):
    if isinstance(exc, errors.ValidationFailed):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, errors.DomainError):
        body = {"code": exc.code, "detail": exc.message, **exc.details}
        return Response(body, status=STATUS_BY_ERROR.get(type(exc), 400))
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return drf_exception_handler(exc, context)
