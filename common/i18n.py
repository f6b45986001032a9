"""Languages: the one place that says in which language something reaches a person.

Pages follow the reader (accounts.middleware.UserLocaleMiddleware); e-mails, notifications and
anything rendered for one recipient outside their request follow the recipient, through
``in_language_of``. Text written once for many recipients (a notification to every member of a
company) is built lazily with ``lazy_format`` / ``later`` and turned into a string per recipient
inside ``in_language_of``.
"""

from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy


def supported_language(code: str | None) -> str:
    """The LANGUAGES code for ``code`` ("de-at" -> "de"), or the default language."""
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def user_language(user) -> str:
    return supported_language(getattr(user, "language", None))


@contextmanager
def in_language_of(user):
    """Renders what is inside in the user's preferred language (e-mails, notifications)."""
    with translation.override(user_language(user)):
        yield


def resolve(value):
    """A lazy text as a string in the active language; anything else unchanged."""
    return str(value) if isinstance(value, Promise) else value


def resolve_all(values: dict) -> dict:
    return {key: resolve(value) for key, value in values.items()}


def _interpolate(template, values: dict) -> str:
    return str(template) % resolve_all(values)


# lazy_format(gettext_lazy("Payment of %(amount)s"), {"amount": later(format_money, ...)}):
# translated and filled in only when turned into a string, in the language active then.
lazy_format = lazy(_interpolate, str)


def later(func: Callable[..., str], *args, **kwargs) -> Promise:
    """``func(*args, **kwargs)`` called when the result is turned into a string (in the
    language active then): money and dates formatted for the recipient."""
    return lazy(func, str)(*args, **kwargs)


def by_side(buyer, seller, portal=None) -> dict:
    """One sentence per acting side: "the buyer" and "the seller" are words of the sentence
    (their case and gender differ by language), never a value put into it."""
    sentences = {"buyer": buyer, "seller": seller}
    if portal is not None:
        sentences[""] = portal
    return sentences
