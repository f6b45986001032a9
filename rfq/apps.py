from django.apps import AppConfig


class RfqConfig(AppConfig):
    name = "rfq"
