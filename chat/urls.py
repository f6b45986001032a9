from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("attachments/<int:message_id>/", views.attachment, name="attachment"),
    path("negotiations/<int:negotiation_id>/", views.conversation, name="conversation"),
]
