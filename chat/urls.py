from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("attachments/<int:message_id>/", views.attachment, name="attachment"),
    path("negotiations/<int:negotiation_id>/", views.conversation, name="conversation"),
    path("quick-replies/", views.quick_reply_list, name="quick_replies"),
    path("quick-replies/menu/", views.quick_reply_menu, name="quick_reply_menu"),
    path("quick-replies/<int:quick_reply_id>/", views.quick_reply_edit, name="quick_reply_edit"),
    path(
        "quick-replies/<int:quick_reply_id>/delete/",
        views.quick_reply_delete,
        name="quick_reply_delete",
    ),
]
