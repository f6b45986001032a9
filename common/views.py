from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render


def home(request):
    if request.user.is_authenticated and getattr(request.user, "company_id", None):
        # Sellers land on their business opportunities, buyers on their orders and inquiries.
        return redirect("inquiries:inbox")
    return render(request, "home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def posted_version(request) -> int | None:
    """The ``version`` a form posted; None for a missing or garbled one.

    No object has version None, so the service answers with a stale version after its access
    check: an outsider still gets 404.
    """
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None
