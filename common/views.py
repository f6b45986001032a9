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
