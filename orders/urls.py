from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("start/<int:product_id>/", views.order_start, name="start"),
    path("draft/<int:inquiry_id>/", views.order_create_draft, name="create_draft"),
    path("<int:order_id>/", views.order_view, name="view"),
    path("<int:order_id>/save/", views.order_save, name="save"),
    path("<int:order_id>/confirm/", views.order_confirm, name="confirm"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
    path("<int:order_id>/completion/", views.order_completion, name="completion"),
    path("<int:order_id>/history/", views.order_history, name="history"),
]
