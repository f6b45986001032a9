"""JSON from clients (API bodies, chat frames): bounded in size and depth, no NUL characters.

``json.loads`` recurses once per nesting level, so ``[`` x 100,000 ends in RecursionError, and
PostgreSQL refuses NUL in text. Every JSON input passes ``loads`` (or ``check`` for an already
parsed value), which raises ``InvalidJSON`` with a message fit for the client.
"""

import json

from django.utils.translation import gettext as _

# Deeper than any body the API documents (order terms: body > lines > line > field is 3).
MAX_DEPTH = 32
NUL_MESSAGE = "Null characters are not allowed."


class InvalidJSON(ValueError):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def loads(text: str | bytes):
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise InvalidJSON(_too_deep()) from None
    except (TypeError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJSON(_("Not valid JSON: %(error)s") % {"error": exc}) from None
    check(value)
    return value


def check(value) -> None:
    """Raises InvalidJSON if ``value`` nests deeper than MAX_DEPTH or holds a NUL anywhere.

    Iterative, so it cannot itself run out of stack. ``field`` names the top-level key that
    holds the NUL, for a field-level error.
    """
    stack = [(value, 0, None)]
    while stack:
        item, depth, top = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidJSON(_too_deep())
        if isinstance(item, str):
            if "\x00" in item:
                raise InvalidJSON(_(NUL_MESSAGE), field=top)
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise InvalidJSON(_(NUL_MESSAGE), field=top)
                stack.append((child, depth + 1, key if top is None else top))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, top) for child in item)


def _too_deep() -> str:
    return _("The JSON is nested too deeply: at most %(n)d levels.") % {"n": MAX_DEPTH}


def _refuse_constant(name: str):
    raise InvalidJSON(_("%(name)s is not a number JSON allows.") % {"name": name})
