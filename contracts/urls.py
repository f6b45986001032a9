from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path(
        "orders/<int:order_id>/contracts/<int:contract_id>/pdf/",
        views.download,
        name="download",
    ),
    path("verify/", views.verify, name="verify_upload"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
