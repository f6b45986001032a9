from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("orders/<int:order_id>/", views.order_payments, name="order"),
    path("orders/<int:order_id>/pay/", views.pay, name="pay"),
    path("orders/<int:order_id>/remind/", views.remind, name="remind"),
    path("orders/<int:order_id>/cancel/", views.cancel_overdue, name="cancel_overdue"),
    path("<int:payment_id>/receive/", views.receive, name="receive"),
    path("<int:payment_id>/reject/", views.reject, name="reject"),
    path("<int:payment_id>/slip/", views.slip, name="slip"),
    path("refunds/<int:refund_id>/refunded/", views.refund_done, name="refund_done"),
    path("bank-details/", views.bank_account, name="bank_account"),
]
