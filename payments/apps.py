from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from orders.services import agreement_check_register, order_event_recorded
        from payments import receivers, services

        agreement_check_register(services.agreement_check_bank_details)

        order_event_recorded.connect(
            receivers.snapshot_bank_details_on_agreement,
            dispatch_uid="payments.snapshot_bank_details_on_agreement",
        )
        order_event_recorded.connect(
            receivers.stop_reminders_when_settled,
            dispatch_uid="payments.stop_reminders_when_settled",
        )
