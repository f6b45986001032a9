from django import template

from shipments import selectors

register = template.Library()


@register.inclusion_tag("shipments/_panel.html", takes_context=True)
def shipment_panel(context, order):
    """The order's shipments, what is left to ship and receive, and the viewer's actions.

    Renders nothing before the order is ready to ship.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return {
        "panel": selectors.shipment_panel(user=user, order=order) if user else None,
        "csrf_token": context.get("csrf_token"),
    }
