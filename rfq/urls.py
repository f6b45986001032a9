from django.urls import path

from rfq import views

app_name = "rfq"

urlpatterns = [
    path("", views.rfq_list, name="list"),
    path("new/", views.rfq_create, name="create"),
    path("quotations/", views.my_quotations, name="my_quotations"),
    path("<int:rfq_id>/", views.rfq_detail, name="detail"),
    path("<int:rfq_id>/quote/", views.quotation_form, name="quote"),
    path("<int:rfq_id>/close/", views.rfq_close, name="close"),
    path(
        "<int:rfq_id>/attachments/<int:attachment_id>/",
        views.rfq_attachment,
        name="attachment",
    ),
    path(
        "quotations/<int:quotation_id>/attachment/",
        views.quotation_attachment,
        name="quotation_attachment",
    ),
    path(
        "quotations/<int:quotation_id>/accept/confirm/",
        views.quotation_accept_confirm,
        name="quotation_accept_confirm",
    ),
    path(
        "quotations/<int:quotation_id>/<str:decision>/",
        views.quotation_decide,
        name="quotation_decide",
    ),
]
