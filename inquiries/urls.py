from django.urls import path

from inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("contact/<int:product_id>/", views.contact_supplier, name="contact_supplier"),
    path("<int:negotiation_id>/", views.workspace, name="workspace"),
]
