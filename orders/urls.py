from django.urls import path

from orders import amendment_views, offer_views, views

app_name = "orders"

urlpatterns = [
    path("start/<int:product_id>/", views.order_start, name="start"),
    path("draft/<int:inquiry_id>/", views.order_create_draft, name="create_draft"),
    path("<int:order_id>/", views.order_view, name="view"),
    path("<int:order_id>/save/", views.order_save, name="save"),
    path("<int:order_id>/confirm/", views.order_confirm, name="confirm"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
    path("<int:order_id>/extend/", views.order_extend, name="extend"),
    path(
        "<int:order_id>/request-extension/",
        views.order_request_extension,
        name="request_extension",
    ),
    path("<int:order_id>/completion/", views.order_completion, name="completion"),
    path("<int:order_id>/history/", views.order_history, name="history"),
    # Issue 14 point 3: attachments that are part of the terms.
    path("<int:order_id>/attachments/", views.order_attachment_add, name="attachment_add"),
    path(
        "<int:order_id>/attachments/<int:attachment_id>/",
        views.order_attachment_file,
        name="attachment_file",
    ),
    path(
        "<int:order_id>/attachments/<int:attachment_id>/remove/",
        views.order_attachment_remove,
        name="attachment_remove",
    ),
    # Issue 13 point 6: amendments by consent.
    path("<int:order_id>/amend/", amendment_views.amendment_new, name="amendment_new"),
    path(
        "<int:order_id>/amendments/<int:amendment_id>/<str:action>/",
        amendment_views.amendment_answer,
        name="amendment_answer",
    ),
    # Issue 14 point 1: offers made in the chat.
    path("<int:order_id>/offers/", offer_views.offer_make, name="offer_make"),
    path("<int:order_id>/offers/<int:offer_id>/", offer_views.offer_card, name="offer_card"),
    path(
        "<int:order_id>/offers/<int:offer_id>/<str:action>/",
        offer_views.offer_answer,
        name="offer_answer",
    ),
]
