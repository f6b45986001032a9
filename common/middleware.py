"""Checks and headers every request passes through: one place for each rule."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from common.jsoninput import NUL_MESSAGE

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulMiddleware:
    """400 for a NUL character in any query parameter or form field, name or value.

    PostgreSQL cannot store NUL in text and refuses queries that compare with it; JSON bodies
    are checked by common.parsers.JSONParser (and chat frames by common.jsoninput).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_field(request.GET)
        if field is None and request.content_type in FORM_TYPES:
            try:
                field = _nul_field(request.POST)
            except MultiPartParserError:
                # Answered here, as a 400 without a logged traceback.
                return bad_input(request, {"non_field_errors": [_("The form body is malformed.")]})
        if field is not None:
            return bad_input(request, {field: [_(NUL_MESSAGE)]})
        return self.get_response(request)


def _nul_field(query_dict) -> str | None:
    for name, values in query_dict.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_input(request, errors: dict):
    """A 400 with field-level errors: the API's JSON shape, or plain text for pages."""
    if is_api(request):
        return JsonResponse(errors, status=400)
    text = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


class PrivateCacheMiddleware:
    """Nothing a signed-in user sees, and no API answer, is kept by a browser or a proxy.

    ``Cache-Control: private, no-store`` on every API response (token-authenticated calls never
    touch the session) and on every page served to a signed-in user. A response that already
    chose a private cache policy keeps it (a chat attachment may be kept by its own browser).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "private" in response.get("Cache-Control", ""):
            return response
        if request.path.startswith("/api/") or request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
