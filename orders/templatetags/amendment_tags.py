from django import template

from orders import amendments, services
from orders.forms import change_rows

register = template.Library()


@register.inclusion_tag("orders/_amendment.html", takes_context=True)
def amendment_panel(context, order, side):
    """The open amendment as a diff with the viewer's answers, or the way to propose one.

    Renders nothing (and reads nothing) for orders whose terms cannot be amended.
    """
    amendable = order.status in services.AMENDABLE
    amendment = amendments.open_amendment(order) if amendable else None
    return {
        "order": order,
        "amendment": amendment,
        "actions": amendments.amendment_actions(order, side, amendment) if amendable else set(),
        "rows": change_rows(amendment.diff, currency=amendment.currency) if amendment else [],
        "mine": amendment is not None and amendment.side == side,
        "csrf_token": context.get("csrf_token"),
        # The outcome of the last amendment request (base.html leaves these to this panel).
        "notes": [m for m in context.get("messages") or () if "amendment" in m.tags],
    }


@register.inclusion_tag("orders/_seals_replaced.html")
def seals_replaced(order):
    """The earlier seals of an amended order, each still checked against its revision."""
    return {"seals": amendments.seals_replaced(order) if order.agreed_digest else []}
