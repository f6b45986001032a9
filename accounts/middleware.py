from django.utils import timezone

from accounts import services


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
