"""Input checks every request passes before any view: one place for each rule."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
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
