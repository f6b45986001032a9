"""Pages of amendments by consent: the proposal form and the answers (orders/amendments.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import amendments, forms, selectors
from orders import terms as order_terms
from orders.views import _int, _workspace_url

# Messages about amendments show in the amendment panel, where the person looks.
AMENDMENT = "amendment"


def _order_or_404(user, order_id: int):
    try:
        return selectors.order_get_for_user(user=user, order_id=order_id)
    except NotFound:
        raise Http404 from None


@login_required
def amendment_new(request, order_id: int):
    """The agreed terms as a form; sent, they become a proposal the other side answers."""
    order = _order_or_404(request.user, order_id)
    side = selectors.side_of(request.user, order)
    terms = order_terms.from_order(order)
    errors: dict = {}
    stale = False
    status = 200
    if request.method == "POST":
        values = forms.values_from_post(request.POST)
        reason = request.POST.get("reason", "")
        version = _int(request.POST.get("version"))
        if "add_line" in request.POST:
            values["lines"].append(dict.fromkeys(forms.LINE_INPUTS, ""))
        else:
            try:
                amendments.amendment_propose(
                    order_id=order.pk,
                    actor=request.user,
                    version=version,
                    values=values,
                    reason=reason,
                )
            except ValidationFailed as exc:
                errors, status = exc.errors, 400
            except StaleVersion as exc:
                stale, version, status = True, exc.current_version, 409
            except (NotAllowed, InvalidTransition) as exc:
                messages.error(request, exc.message, AMENDMENT)
                return redirect(_workspace_url(order, "amendment"))
            else:
                messages.success(
                    request,
                    _("Your amendment was sent. Waiting for the other side to answer."),
                    AMENDMENT,
                )
                return redirect(_workspace_url(order, "amendment"))
    else:
        actions = amendments.amendment_actions(order, side, amendments.open_amendment(order))
        if "propose_amendment" not in actions:
            messages.error(request, _("This order cannot be amended now."), AMENDMENT)
            return redirect(_workspace_url(order, "amendment"))
        values, reason, version = forms.values_from_terms(terms), "", order.version
    live = forms.live_state(terms, values)
    return render(
        request,
        "orders/amend.html",
        {
            "order": order,
            "sections": forms.module_sections(values, errors, None, live["required"]),
            "errors": errors,
            "missing": forms.missing_links(errors.get("missing", {})),
            "stale": stale,
            "reason": reason,
            "version": version,
        },
        status=status,
    )


ANSWERS = {
    "accept": (
        amendments.amendment_accept,
        _("Amendment accepted: the amended order is the new agreed version."),
    ),
    "reject": (amendments.amendment_reject, _("Amendment rejected: the agreed terms stay.")),
    "withdraw": (amendments.amendment_withdraw, _("Amendment withdrawn.")),
}


@login_required
@require_POST
def amendment_answer(request, order_id: int, amendment_id: int, action: str):
    """Accept, reject or withdraw the open amendment, as seen at the posted order version."""
    if action not in ANSWERS:
        raise Http404
    service, done = ANSWERS[action]
    order = _order_or_404(request.user, order_id)
    try:
        service(
            order_id=order.pk,
            amendment_id=amendment_id,
            actor=request.user,
            version=_int(request.POST.get("version")),
        )
    except NotFound:
        raise Http404 from None
    except StaleVersion as exc:
        messages.error(
            request,
            _(
                "The order changed since you loaded it (it is now at version %(version)s): "
                "nothing was done. Check the proposal below and answer again."
            )
            % {"version": exc.current_version},
            AMENDMENT,
        )
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message, AMENDMENT)
    else:
        messages.success(request, done, AMENDMENT)
    return redirect(_workspace_url(order, "amendment"))
