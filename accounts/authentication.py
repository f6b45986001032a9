from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

from accounts.middleware import activate_user_language


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token authentication; the API then answers in the token user's language (error
    ``detail`` included; codes stay English)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            activate_user_language(request._request, result[0])
        return result


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema's security scheme for it: knox's, unchanged."""

    target_class = "accounts.authentication.TokenAuthentication"
