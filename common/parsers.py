"""The API's JSON parser: bodies bounded in size and depth, no NUL characters (common.jsoninput)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from common import jsoninput


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig()
        try:
            return jsoninput.loads(body)
        except jsoninput.InvalidJSON as exc:
            if exc.field is not None:
                raise ValidationError({exc.field: [exc.message]}) from None
            raise ParseError(exc.message) from None
