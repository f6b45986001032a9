from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from accounts import services
from common.i18n import user_language


def activate_user_language(request, user) -> None:
    """The signed-in user's preferred language for the rest of the request."""
    translation.activate(user_language(user))
    request.LANGUAGE_CODE = translation.get_language()


class UserLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the language cookie, then Accept-Language), except that a
    signed-in user's preferred language wins. API token users are authenticated later, by
    DRF: accounts.authentication.TokenAuthentication activates theirs."""

    def process_request(self, request):
        super().process_request(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)


class LastActiveMiddleware:
    """Records when a signed-in user was last active, at most once every few minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            services.user_touch_last_active(user=user, now=timezone.now())
        return response
