from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from django.utils.translation import gettext_lazy

        from chat import system_messages
        from orders import signals
        from orders.services import agreement_check_register, order_event_recorded
        from payments import receivers, services

        agreement_check_register(services.agreement_check_bank_details)
        system_messages.register(
            services.CHAT_REMINDER,
            gettext_lazy(
                "Payment reminder: the %(instalment)s, %(amount)s, is due by %(deadline)s."
            ),
            values=services.chat_reminder_values,
        )

        # Inside the orders' transactions: the schedule commits or rolls back with them.
        for signal, receiver in (
            (signals.order_agreed, receivers.start_schedule_on_agreement),
            (signals.goods_shipped, receivers.date_balance_on_shipment),
            (signals.goods_received, receivers.date_balance_on_delivery),
            (signals.order_amended, receivers.recompute_schedule_on_amendment),
        ):
            signal.connect(receiver, dispatch_uid=f"payments.{receiver.__name__}")
        order_event_recorded.connect(
            receivers.stop_reminders_when_settled,
            dispatch_uid="payments.stop_reminders_when_settled",
        )
