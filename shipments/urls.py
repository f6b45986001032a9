from django.urls import path

from shipments import views

app_name = "shipments"

urlpatterns = [
    path("orders/<int:order_id>/new/", views.shipment_new, name="new"),
    path("<int:shipment_id>/receive/", views.shipment_receive, name="receive"),
    path("documents/<int:document_id>/", views.document, name="document"),
]
