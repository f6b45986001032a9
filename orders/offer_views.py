"""Offers in the chat pane (issue 14 point 1): the "Make an offer" form, the offer card and
its answers. Thin: parse, one service or selector call, render (orders/offers.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import offers, selectors
from orders import terms as order_terms
from orders.forms import change_rows
from orders.models import Incoterm, PaymentMethod
from orders.views import _int, _workspace_url

# The module fields the chat form offers (the API takes every term); blank means unchanged.
FORM_FIELDS = (
    "packaging",
    "delivery_lead_days",
    "delivery_date",
    "incoterm",
    "shipping_fee",
    "payment_method",
    "initial_payment_percent",
    "payment_deadline_days",
)


def _order_or_404(user, order_id: int):
    try:
        return selectors.order_get_for_user(user=user, order_id=order_id)
    except NotFound:
        raise Http404 from None


def values_from_post(data, order) -> tuple[dict, list[str]]:
    """The offer typed in the form: only the filled inputs, lines by key; and the keys of the
    offered lines in the offer's order (to place line errors)."""
    # Prefixed: the letter of intent's own form on the same page has the plain names.
    values = {
        name: data[f"offer-{name}"].strip()
        for name in FORM_FIELDS
        if data.get(f"offer-{name}", "").strip()
    }
    lines, keys = [], []
    for line in order.lines.all():
        key = str(line.key)
        offered = {
            name: data[f"offer-line-{key}-{name}"].strip()
            for name in offers.LINE_FIELDS
            if data.get(f"offer-line-{key}-{name}", "").strip()
        }
        if offered:
            lines.append({"key": key, **offered})
            keys.append(key)
    if lines:
        values["lines"] = lines
    return values, keys


def offer_form_context(order, *, values=None, errors=None, keys=(), note="", status="") -> dict:
    """What templates/orders/_offer_form.html shows: the current terms as placeholders."""
    values, errors = values or {}, errors or {}
    line_errors = dict(zip(keys, errors.get("lines") or [], strict=False))
    offered_lines = {line["key"]: line for line in values.get("lines", [])}
    current = order_terms.from_order(order)
    fields = []
    for name in FORM_FIELDS:
        choices = {"incoterm": Incoterm.choices, "payment_method": PaymentMethod.choices}.get(name)
        fields.append(
            {
                "name": name,
                "label": order_terms.label(name),
                "value": values.get(name, ""),
                "current": current.get(name) if current.get(name) is not None else "",
                "choices": choices,
                "type": {"delivery_date": "date"}.get(
                    name, "text" if name == "packaging" else "number"
                ),
                "errors": errors.get(name, []),
            }
        )
    lines = [
        {
            "key": str(line["key"]),
            "name": line["name"],
            "unit": line["unit"],
            "quantity": offered_lines.get(str(line["key"]), {}).get("quantity", ""),
            "unit_price": offered_lines.get(str(line["key"]), {}).get("unit_price", ""),
            "current_quantity": line["quantity"],
            "current_unit_price": line["unit_price"],
            "errors": line_errors.get(str(line["key"]), {}),
        }
        for line in current["lines"]
    ]
    general = [*errors.get("non_field_errors", []), *errors.get("note", [])]
    if errors.get("missing"):
        missing = [
            order_terms.label(name.rsplit(".", 1)[-1])
            for names in errors["missing"].values()
            for name in names
        ]
        general.append(
            _("The terms would not be complete: %(missing)s.") % {"missing": ", ".join(missing)}
        )
    return {
        "order": order,
        "fields": fields,
        "lines": lines,
        "currency": current["currency"],
        "note": note,
        "general_errors": general,
        "status": status,
        "open": bool(errors or status),
    }


@login_required
@require_POST
def offer_make(request, order_id: int):
    """The chat pane's form (HTMX): makes the offer and answers with the form again, empty
    after success (the card arrives over the chat socket), with the errors by the fields."""
    order = _order_or_404(request.user, order_id)
    values, keys = values_from_post(request.POST, order)
    note = request.POST.get("offer-note", "")
    try:
        offers.offer_make(
            order_id=order.pk,
            actor=request.user,
            version=_int(request.POST.get("offer-version")),
            values=values,
            note=note,
        )
    except ValidationFailed as exc:
        context = offer_form_context(order, values=values, errors=exc.errors, keys=keys, note=note)
    except StaleVersion:
        order = _order_or_404(request.user, order_id)
        context = offer_form_context(
            order,
            values=values,
            keys=keys,
            note=note,
            errors={
                "non_field_errors": [
                    _("The order changed since you opened it: check its terms and send again.")
                ]
            },
        )
    except (NotAllowed, InvalidTransition) as exc:
        context = offer_form_context(order, errors={"non_field_errors": [exc.message]})
    else:
        context = offer_form_context(order, status=_("Your offer was sent."))
    return render(request, "orders/_offer_form.html", context)


def offer_card_context(offer, order, side) -> dict:
    """The card: the offered changes before -> after against the current version (as made,
    once decided), what the viewer may do, and for an out-of-date offer what changed since."""
    current = offers.offer_is_current(offer, order)
    changes = offer.diff
    if offer.state == offer.State.OPEN and not current:
        try:
            _typed, changes = order_terms.apply_values(
                order_terms.from_order(order), offers.offer_apply_values(offer, order)
            )
        except ValidationFailed:
            changes = offer.diff
    out_of_date = offer.state == offer.State.STALE or (
        offer.state == offer.State.OPEN and not current
    )
    since = offers.offer_since(offer, order) if out_of_date else []
    return {
        "offer": offer,
        "order": order,
        "mine": offer.side == side,
        "actions": offers.offer_actions(offer, order, side),
        "rows": change_rows(
            [c for c in changes if c["module"] != "totals" or c["field"] == "total"],
            currency=offer.currency,
        ),
        "out_of_date": out_of_date,
        "since": change_rows(
            [c for c in since if c["module"] != "totals"], currency=order.currency
        ),
    }


@login_required
@require_GET
def offer_card(request, order_id: int, offer_id: int):
    """One offer's card (an HTML fragment the chat pane loads and refreshes)."""
    order = _order_or_404(request.user, order_id)
    try:
        offer = offers.offer_get_for_user(user=request.user, order_id=order.pk, offer_id=offer_id)
    except NotFound:
        raise Http404 from None
    side = selectors.side_of(request.user, order)
    return render(request, "orders/_offer_card.html", offer_card_context(offer, order, side))


ANSWERS = {
    "accept": _(
        "Offer accepted: the letter of intent now has its terms and waits for the other side."
    ),
    "decline": _("Offer declined."),
    "withdraw": _("Offer withdrawn."),
}


@login_required
@require_POST
def offer_answer(request, order_id: int, offer_id: int, action: str):
    """Accept, decline (with a note) or withdraw, then back to the workspace, whose letter of
    intent shows the result."""
    if action not in ANSWERS:
        raise Http404
    order = _order_or_404(request.user, order_id)
    kwargs = {"order_id": order.pk, "offer_id": offer_id, "actor": request.user}
    try:
        if action == "accept":
            offers.offer_accept(**kwargs)
        elif action == "decline":
            offers.offer_decline(**kwargs, note=request.POST.get("note", ""))
        else:
            offers.offer_withdraw(**kwargs)
    except NotFound:
        raise Http404 from None
    except (StaleVersion, NotAllowed, InvalidTransition, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ANSWERS[action])
    return redirect(_workspace_url(order, f"offer-{offer_id}"))
