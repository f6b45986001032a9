from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render


def home(request):
    if request.user.is_authenticated and getattr(request.user, "company_id", None):
        if request.user.company.is_seller:
            return redirect("catalog:product_list")
        return redirect("catalog:product_list")
    return render(request, "home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
