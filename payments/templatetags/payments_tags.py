from django import template

from payments import selectors

register = template.Library()


@register.inclusion_tag("payments/partials/panel.html", takes_context=True)
def payment_panel(context, order):
    """What is due, paid and outstanding, with the actions the viewer may take.

    Renders nothing for orders that both sides have not confirmed yet.
    """
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    # A page that already loaded the summary for this order (the history page) passes it on.
    summary = context.get("payment_summary")
    if summary is None or summary.order.pk != order.pk:
        summary = selectors.payment_summary(user=user, order=order) if user else None
    return {
        "summary": summary,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
    }


@register.filter
def instalment_label(instalment) -> str:
    """'initial payment', 'balance (due 30 days after delivery)'."""
    return selectors.instalment_label(instalment)
