from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from common import api as common_api
from common import views as common_views

# Under /api/ every error is JSON {code, detail}; pages keep Django's error pages.
handler400 = common_api.handler400
handler403 = common_api.handler403
handler404 = common_api.handler404
handler500 = common_api.handler500

# Each app's api.py holds its REST routes under /api/v1/.
api_v1 = [
    path("", include("accounts.api")),
    path("", include("catalog.api")),
    path("", include("inquiries.api")),
    path("", include("orders.api")),
    path("", include("chat.api")),
    path("", include("payments.api")),
    path("", include("shipments.api")),
    path("", include("notifications.api")),
    path("", include("rfq.api")),
    path("", include("contracts.api")),
]

# Swagger UI comes from its CDN and styles itself inline; the split view serves its start-up
# script as a file (no inline script). Only this page's policy is widened.
api_docs = csp_update(
    {
        "script-src": ["https://cdn.jsdelivr.net"],
        "style-src": ["https://cdn.jsdelivr.net", "'unsafe-inline'"],
        "img-src": ["https://cdn.jsdelivr.net"],
    }
)(SpectacularSwaggerSplitView.as_view(url_name="schema"))

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
    path("shipments/", include("shipments.urls")),
    path("notifications/", include("notifications.urls")),
    path("rfq/", include("rfq.urls")),
    path("", include("contracts.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
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
