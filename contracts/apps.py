from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from contracts import receivers
        from orders import signals

        # Inside the sealing transaction: the contract row commits or rolls back with the seal.
        for signal, receiver in (
            (signals.order_agreed, receivers.contract_on_agreement),
            (signals.order_amended, receivers.contract_on_amendment),
        ):
            signal.connect(receiver, dispatch_uid=f"contracts.{receiver.__name__}")
