from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import services
from common.errors import RateLimited
from common.ratelimit import client_address


class RateLimitedModelBackend(ModelBackend):
    """Django's ModelBackend behind the login rate limit.

    Every way to log in (our log-in page, the admin's, the API token endpoint) goes through
    ``authenticate()``, so the limit is applied here rather than in one of those views.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_address(request)
        try:
            services.login_attempt_check(username=username, ip=ip)
        except RateLimited:
            # Stops here without checking the password; authenticate() reports a failure.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.login_failure_record(username=username, ip=ip)
        else:
            services.login_success_record(username=username, ip=ip)
        return user
