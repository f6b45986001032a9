from django.apps import AppConfig


class ShipmentsConfig(AppConfig):
    name = "shipments"

    def ready(self):
        from orders.amendments import amendment_check_register
        from shipments import services

        amendment_check_register(services.amendment_check_shipped)
