"""The portal's URLs plus the benchmark's ceiling: a bare JSON view behind the same middleware
and session (login required, so it loads the session and the user like every page does).

Only scripts/bench/settings.py routes here; the shipped settings never do.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import path

from negotiation_portal.urls import urlpatterns as portal_urlpatterns

BARE_PATH = "/__bench__/bare/"


@login_required
def bare(request):
    return JsonResponse({"user": request.user.pk})


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"), *portal_urlpatterns]
