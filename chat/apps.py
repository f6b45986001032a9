from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_save

        from accounts.signals import password_changed
        from chat import receivers
        from orders.services import order_event_recorded

        order_event_recorded.connect(receivers.post_order_event, dispatch_uid="chat-order-event")
        user_logged_out.connect(receivers.close_sockets_on_logout, dispatch_uid="chat-logout")
        password_changed.connect(
            receivers.close_sockets_on_password_change, dispatch_uid="chat-password-changed"
        )
        post_save.connect(
            receivers.recheck_access_on_user_change,
            sender=get_user_model(),
            dispatch_uid="chat-user-change",
        )
