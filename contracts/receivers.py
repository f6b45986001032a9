from contracts import services


def contract_on_agreement(sender, order, **kwargs) -> None:
    """orders.signals.order_agreed, inside the agreeing transaction: the sealed version gets
    its contract row, rendered after commit."""
    services.contract_seal(order=order)


def contract_on_amendment(sender, order, **kwargs) -> None:
    """orders.signals.order_amended: an accepted amendment seals a new version; the earlier
    contracts stay."""
    services.contract_seal(order=order)
