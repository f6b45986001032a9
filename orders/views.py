"""Pages: Start Order, the letter-of-intent actions, revision history and View Order.

Each view parses the form, calls one service or selector of ``orders`` and renders or
redirects; the state machine and every check live in orders/services.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Side
from catalog.models import Product
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from common.files import private_file_response
from inquiries.views import workspace_for_order
from orders import attachments, forms, selectors, services
from orders import terms as order_terms
from orders.agreed_rates import agreed_rates_for_order

# Messages about the letter of intent show beside its buttons, where the person looks.
LOI = "loi"


def _order_or_404(user, order_id: int):
    try:
        return selectors.order_detail_for_user(user=user, order_id=order_id)
    except NotFound:
        raise Http404 from None


def _version(request) -> int | None:
    return _int(request.POST.get("version"))


def _workspace_url(order, anchor: str = "") -> str:
    url = reverse("inquiries:workspace", args=[order.negotiation_id])
    return f"{url}#{anchor}" if anchor else url


def _stale(user, order, seen_version: int | None, error: StaleVersion) -> dict:
    """What changed between the version the page had and the current one."""
    rows = None
    if seen_version is not None:
        try:
            result = selectors.revision_diff_for_user(
                user=user,
                order_id=order.pk,
                from_version=seen_version,
                to_version=error.current_version,
            )
            rows = forms.change_rows(result["changes"], currency=result["currency"])
        except NotFound:
            rows = None  # The page's version was an unsaved draft state: no revision to compare.
    return {"seen_version": seen_version, "version": error.current_version, "rows": rows}


@login_required
def order_start(request, product_id: int):
    """Start Order: the buyer fills every module; the order is born as his confirmation.

    The seller's side (seller contact, origin country, shipping fee) is shown read-only: the
    service fills it from the seller, whatever is posted."""
    product = Product.objects.select_related("seller").filter(pk=product_id, active=True).first()
    if product is None:
        raise Http404
    seller = selectors.start_order_seller(product)
    errors: dict = {}
    if request.method == "POST":
        values = forms.values_from_post(request.POST)
        values["lines"] = values["lines"][:1]
        try:
            order = services.order_start(actor=request.user, product_id=product.pk, values=values)
        except ValidationFailed as exc:
            errors = exc.errors
        except NotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("catalog:product_detail", product_id=product.pk)
        else:
            messages.success(
                request, _("Your order has been sent to the supplier for confirmation.")
            )
            return redirect(_workspace_url(order))
    else:
        values = forms.start_values(product, request.user)
    # The service's own list: it fills the catalog line's price before checking completeness.
    missing = forms.missing_links(errors.get("missing", {}))
    return render(
        request,
        "orders/start.html",
        {
            "product": product,
            "seller": seller,
            **forms.start_order_form(values, errors, seller),
            "errors": errors,
            "missing": missing,
            "can_start": request.user.side == Side.BUYER,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def order_create_draft(request, inquiry_id: int):
    """The seller's "Draft Letter of Intent" on an inquiry."""
    try:
        order = services.order_create_draft(inquiry_id=inquiry_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect("inquiries:inbox")
    messages.success(request, _("Letter of intent drafted from the inquiry."))
    return redirect(_workspace_url(order, "loi"))


@login_required
@require_POST
def order_save(request, order_id: int):
    """Saves the letter of intent (a draft), or sends it modified as this side's confirmation."""
    order = _order_or_404(request.user, order_id)
    values = forms.values_from_post(request.POST)
    if "add_line" in request.POST:
        values["lines"].append(dict.fromkeys(forms.LINE_INPUTS, ""))
        return workspace_for_order(request, order, values=values)
    version = _version(request)
    try:
        order = services.order_modify(
            order_id=order.pk, actor=request.user, version=version, values=values
        )
    except StaleVersion as exc:
        return workspace_for_order(
            request,
            order,
            values=values,
            stale=_stale(request.user, order, version, exc),
            status=409,
        )
    except ValidationFailed as exc:
        return workspace_for_order(request, order, values=values, errors=exc.errors, status=400)
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect(_workspace_url(order))
    if selectors.is_draft(order):
        messages.success(request, _("Draft saved."), LOI)
    else:
        messages.success(
            request,
            _("Your changes were sent as your confirmation. Waiting for the other side."),
            LOI,
        )
    return redirect(_workspace_url(order, "loi"))


@login_required
@require_POST
def order_confirm(request, order_id: int):
    """Confirms the version the page showed; a stale page is refused and shows what changed."""
    order = _order_or_404(request.user, order_id)
    version = _version(request)
    # Posted from the open editor: the typed terms go along (see services.order_confirm).
    values = forms.values_from_post(request.POST) if "terms_posted" in request.POST else None
    try:
        order = services.order_confirm(
            order_id=order.pk, actor=request.user, version=version, values=values
        )
    except StaleVersion as exc:
        return workspace_for_order(
            request,
            order,
            values=values,
            stale=_stale(request.user, order, version, exc),
            status=409,
        )
    except ValidationFailed as exc:
        return workspace_for_order(request, order, values=values, errors=exc.errors, status=400)
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect(_workspace_url(order))
    if order.agreed_digest:
        messages.success(request, _("Both parties have confirmed: the order is agreed."), LOI)
    else:
        messages.success(request, _("Order confirmed. Waiting for the other side."), LOI)
    return redirect(_workspace_url(order, "loi"))


def _offer_action(request, order_id: int, service, done: str):
    """Extend, or request the extension of, the current confirmation (issue 14 point 2)."""
    order = _order_or_404(request.user, order_id)
    version = _version(request)
    try:
        service(order_id=order.pk, actor=request.user, version=version)
    except StaleVersion as exc:
        return workspace_for_order(
            request, order, stale=_stale(request.user, order, version, exc), status=409
        )
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message, LOI)
        return redirect(_workspace_url(order, "loi"))
    messages.success(request, done, LOI)
    return redirect(_workspace_url(order, "loi"))


@login_required
@require_POST
def order_extend(request, order_id: int):
    return _offer_action(
        request,
        order_id,
        services.order_extend,
        _("Your confirmation is extended: the other side can confirm it again."),
    )


@login_required
@require_POST
def order_request_extension(request, order_id: int):
    return _offer_action(
        request,
        order_id,
        services.order_request_extension,
        _("Extension requested: the other side has been told."),
    )


@login_required
@require_POST
def order_cancel(request, order_id: int):
    order = _order_or_404(request.user, order_id)
    version = _version(request)
    try:
        order = services.order_cancel(
            order_id=order.pk,
            actor=request.user,
            version=version,
            reason=request.POST.get("reason", ""),
        )
    except StaleVersion as exc:
        return workspace_for_order(
            request, order, stale=_stale(request.user, order, version, exc), status=409
        )
    except ValidationFailed as exc:
        return workspace_for_order(request, order, cancel_errors=exc.errors, status=400)
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect(_workspace_url(order))
    messages.success(request, _("The order has been cancelled."))
    return redirect(_workspace_url(order))


@login_required
@require_POST
def order_completion(request, order_id: int):
    """HTMX, as the user types: completion, totals and the buttons for the typed values
    (nothing is saved), by the services' own rules."""
    try:
        order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    side = selectors.side_of(request.user, order)
    live = forms.live_state(
        order_terms.from_order(order),
        forms.values_from_post(request.POST),
        forms.posted_line_indexes(request.POST),
    )
    actions = services.allowed_actions(order, side)
    return render(
        request,
        "orders/partials/live.html",
        {
            **live,
            **forms.decision(order, side, live, actions=actions, editing="modify" in actions),
            "order": order,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def order_history(request, order_id: int):
    """Every revision, a side-by-side comparison of any two, and the order's timeline."""
    order = _order_or_404(request.user, order_id)
    revisions = list(order.revisions.all())
    versions = [revision.version for revision in revisions]
    compare = None
    from_version = _int(request.GET.get("from"))
    to_version = _int(request.GET.get("to"))
    if from_version is None and len(versions) >= 2:
        from_version, to_version = versions[-2], versions[-1]
    if from_version is not None and to_version is not None:
        try:
            result = selectors.revision_diff_for_user(
                user=request.user,
                order_id=order.pk,
                from_version=from_version,
                to_version=to_version,
            )
        except NotFound:
            raise Http404 from None
        numbers = {revision.version: revision.terms_version for revision in revisions}
        compare = {
            "from_version": from_version,
            "to_version": to_version,
            # The numbers people see (terms_version); the form keeps the internal ones.
            "from_number": numbers.get(from_version, order.terms_version),
            "to_number": numbers.get(to_version, order.terms_version),
            "rows": forms.change_rows(result["changes"], currency=result["currency"]),
        }
    return render(
        request,
        "orders/history.html",
        {
            "order": order,
            "revisions": revisions,
            "events": list(order.events.all()),
            "compare": compare,
        },
    )


@login_required
def order_view(request, order_id: int):
    """The printable order summary: parties, lines, totals, terms, seal and timeline."""
    order = _order_or_404(request.user, order_id)
    terms = order_terms.from_order(order)
    currency = terms["currency"]
    return render(
        request,
        "orders/view.html",
        {
            "order": order,
            "negotiation": order.negotiation,
            "terms": terms,
            "lines": [
                {**line, "total": order_terms.line_total(line, currency)} for line in terms["lines"]
            ],
            "totals": order_terms.totals(terms),
            "seal_ok": selectors.order_seal_check(order),
            "agreed_rates": agreed_rates_for_order(order),
            "events": list(order.events.all()),
            "attachments": order.current_attachments(),
        },
    )


# --- Attachments that are part of the terms (issue 14 point 3) ----------------------------


@login_required
@require_POST
def order_attachment_add(request, order_id: int):
    """Attaches a file to the letter of intent: a change of the terms (orders.attachments)."""
    order = _order_or_404(request.user, order_id)
    version = _version(request)
    try:
        attachment = attachments.order_attachment_add(
            order_id=order.pk, actor=request.user, version=version, file=request.FILES.get("file")
        )
    except StaleVersion as exc:
        return workspace_for_order(
            request, order, stale=_stale(request.user, order, version, exc), status=409
        )
    except ValidationFailed as exc:
        return workspace_for_order(request, order, attachment_errors=exc.errors, status=400)
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect(_workspace_url(order))
    messages.success(request, _("Attached “%(name)s”.") % {"name": attachment.name}, LOI)
    return redirect(_workspace_url(order, "loi-attachments"))


@login_required
@require_POST
def order_attachment_remove(request, order_id: int, attachment_id: int):
    """Takes an attachment out of the letter of intent: a change of the terms."""
    order = _order_or_404(request.user, order_id)
    version = _version(request)
    try:
        attachments.order_attachment_remove(
            order_id=order.pk, attachment_id=attachment_id, actor=request.user, version=version
        )
    except NotFound:
        raise Http404 from None
    except StaleVersion as exc:
        return workspace_for_order(
            request, order, stale=_stale(request.user, order, version, exc), status=409
        )
    except ValidationFailed as exc:
        return workspace_for_order(request, order, attachment_errors=exc.errors, status=400)
    except (NotAllowed, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return redirect(_workspace_url(order))
    messages.success(request, _("Attachment removed."), LOI)
    return redirect(_workspace_url(order, "loi-attachments"))


@login_required
def order_attachment_file(request, order_id: int, attachment_id: int):
    """Serves an attachment to the parties (and staff); anyone else: 404."""
    try:
        attachment = attachments.attachment_get_for_user(
            user=request.user, order_id=order_id, attachment_id=attachment_id
        )
    except NotFound:
        raise Http404 from None
    return private_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )
