"""Response headers that depend on who asked."""

from django.utils.cache import patch_cache_control


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
