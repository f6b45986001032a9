"""DRF glue shared by every app's API: every error under /api/ is JSON.

Domain errors and DRF's own errors (401, 403, 404, 405, 406, 415, 429) get ``{code, detail}``;
bad input gets field-level errors ``{field: [messages]}``. Django's error views (unknown path,
an oversize body, a server error) answer the same shape under /api/ (see ``error_view``).
"""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common import errors
from common.middleware import is_api

STATUS_BY_ERROR = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.NotAllowed: status.HTTP_403_FORBIDDEN,
    errors.InvalidTransition: status.HTTP_409_CONFLICT,
    errors.OfferExpired: status.HTTP_409_CONFLICT,
    errors.StaleVersion: status.HTTP_409_CONFLICT,
    errors.ValidationFailed: status.HTTP_400_BAD_REQUEST,
    errors.RateLimited: status.HTTP_429_TOO_MANY_REQUESTS,
}


def validated(serializer_class, request, *, data=None, **kwargs) -> dict:
    """The request body (or ``data``) checked by the serializer: its validated data, or
    ValidationFailed with the field errors (a 400 that changes nothing)."""
    serializer = serializer_class(data=request.data if data is None else data, **kwargs)
    if not serializer.is_valid():
        raise errors.ValidationFailed(serializer.errors)
    return dict(serializer.validated_data)


def exception_handler(exc, context):
    if isinstance(exc, errors.ValidationFailed):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, errors.DomainError):
        body = {"code": exc.code, "detail": exc.message, **exc.details}
        response = Response(body, status=STATUS_BY_ERROR.get(type(exc), 400))
        if isinstance(exc, errors.RateLimited) and exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, SuspiciousOperation):
        code, body = _suspicious_body(exc)
        return Response(body, status=code)
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, APIException)
        and not isinstance(exc, DRFValidationError)
        and isinstance(response.data, dict)
    ):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else exc.default_code,
            "detail": response.data.get("detail", str(exc.detail)),
        }
    return response


def _suspicious_body(exc) -> tuple[int, dict]:
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request body is larger than the limit of %(limit)s bytes.") % {
            "limit": f"{limit:,}"
        }
        return 413, {"code": "too_large", "detail": detail, "limit": limit}
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, {"code": "too_many_fields", "detail": str(exc)}
    return 400, {"code": "bad_request", "detail": _("The request was malformed.")}


def error_view(status_code: int, page_view):
    """A Django error handler: JSON ``{code, detail}`` under /api/, the HTML page elsewhere."""
    codes = {
        400: ("bad_request", "The request was malformed."),
        403: ("permission_denied", "You may not do this."),
        404: ("not_found", "Not found."),
        500: ("server_error", "Something went wrong on our side; it has been logged."),
    }

    def view(request, exception=None):
        if not is_api(request):
            if exception is None:
                return page_view(request)
            return page_view(request, exception)
        if isinstance(exception, SuspiciousOperation):
            code, body = _suspicious_body(exception)
            return JsonResponse(body, status=code)
        code, detail = codes[status_code]
        return JsonResponse({"code": code, "detail": _(detail)}, status=status_code)

    return view


handler400 = error_view(400, defaults.bad_request)
handler403 = error_view(403, defaults.permission_denied)
handler404 = error_view(404, defaults.page_not_found)
handler500 = error_view(500, defaults.server_error)
