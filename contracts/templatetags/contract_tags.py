from django import template

from contracts import selectors

register = template.Library()


@register.inclusion_tag("contracts/_panel.html")
def contract_panel(order):
    """The contract PDFs of a sealed order (every version, newest first) on the order sheet;
    nothing for an order not sealed yet (and no query)."""
    if not order.agreed_version:
        return {"contracts": []}
    return {"order": order, "contracts": selectors.contracts_of_order(order)}
