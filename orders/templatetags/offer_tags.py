from django import template

from orders import offers
from orders.offer_views import offer_form_context

register = template.Library()


@register.inclusion_tag("orders/_offer_form.html", takes_context=True)
def offer_form(context, order, side):
    """The chat pane's "Make an offer" form, for a party while the letter of intent is
    negotiated; nothing (and no query) otherwise."""
    if order is None or not offers.offer_can_make(order, side):
        return {"hidden": True}
    return {**offer_form_context(order), "csrf_token": context.get("csrf_token")}
