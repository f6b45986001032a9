from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from django.db.models.signals import post_save

        from inquiries.models import Inquiry
        from notifications import receivers
        from orders.services import order_event_recorded

        post_save.connect(
            receivers.inquiry_created, sender=Inquiry, dispatch_uid="notifications.inquiry_created"
        )
        order_event_recorded.connect(
            receivers.order_event_recorded, dispatch_uid="notifications.order_event_recorded"
        )
