from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from common import views as common_views

# Each app's api.py holds its REST routes under /api/v1/.
api_v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("inquiries.api")),
    path("", include("orders.api")),
    path("", include("chat.api")),
    path("", include("payments.api")),
    path("", include("notifications.api")),
    path("", include("rfq.api")),
]

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("products/", include("catalog.urls")),
    path("negotiations/", include("inquiries.urls")),
    path("orders/", include("orders.urls")),
    path("chat/", include("chat.urls")),
    path("payments/", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    path("rfq/", include("rfq.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG or not settings.PRODUCTION:
    # The embedded default has no proxy in front: Django serves uploads (product images) itself.
    # In production the proxy serves /media/ from the media volume (docs/deployment.md).
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
