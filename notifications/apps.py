from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from django.db.models.signals import post_save

        from inquiries.models import Inquiry
        from notifications import receivers
        from orders.services import order_event_recorded
        from orders.signals import offers_swept

        post_save.connect(
            receivers.inquiry_created, sender=Inquiry, dispatch_uid="notifications.inquiry_created"
        )
        order_event_recorded.connect(
            receivers.order_event_recorded, dispatch_uid="notifications.order_event_recorded"
        )
        offers_swept.connect(receivers.offers_swept, dispatch_uid="notifications.offers_swept")
