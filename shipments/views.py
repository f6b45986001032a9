"""Pages: mark a shipment (seller), confirm its receipt (buyer), download its documents.
Thin: each view parses the request, calls one service or selector and renders or redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Side
from common.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from common.files import private_file_response
from common.views import posted_version
from orders.selectors import order_get_for_user, side_of
from shipments import selectors, services
from shipments.models import DocumentKind


def _order_page(order_id: int) -> str:
    return reverse("orders:view", args=[order_id]) + "#shipments"


def _posted_lines(post, order) -> list[dict]:
    """One {order_line_id, quantity} per order line the seller filled in."""
    return [
        {"order_line_id": line.pk, "quantity": post.get(f"quantity-{line.pk}", "").strip()}
        for line in order.lines.all()
        if post.get(f"quantity-{line.pk}", "").strip()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def shipment_new(request, order_id: int):
    """Mark a shipment (seller): the goods and quantities, the carriage and the documents."""
    try:
        order = order_get_for_user(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    if side_of(request.user, order) != Side.SELLER:
        raise PermissionDenied
    panel = selectors.shipment_panel(user=request.user, order=order)
    if panel is None or not panel.can_ship:
        messages.info(
            request,
            _("The order is %(status)s: nothing can be shipped now.")
            % {"status": order.get_status_display()},
        )
        return redirect(_order_page(order.pk))
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        lines = _posted_lines(posted, order)
        try:
            services.shipment_create(
                order_id=order.pk,
                actor=request.user,
                version=posted_version(request),
                values={
                    "carrier": posted.get("carrier", ""),
                    "tracking_number": posted.get("tracking_number", ""),
                    "transport_document_number": posted.get("transport_document_number", ""),
                    "ship_date": posted.get("ship_date", ""),
                    "lines": lines,
                },
                documents={kind: request.FILES.get(kind) for kind in DocumentKind.values},
            )
        except ValidationFailed as error:
            errors = error.errors
            line_errors = errors.get("lines")
            if isinstance(line_errors, list) and line_errors and isinstance(line_errors[0], dict):
                # Per posted line, back onto the order line each was typed for.
                errors = {
                    **errors,
                    "line": {
                        line["order_line_id"]: error
                        for line, error in zip(lines, line_errors, strict=True)
                    },
                }
                del errors["lines"]
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_order_page(order.pk))
        else:
            messages.success(request, _("The shipment is recorded; the buyer has been told."))
            return redirect(_order_page(order.pk))
    rows = [
        (
            row,
            posted.get(f"quantity-{row.line.pk}", "") if posted else "",
            errors.get("line", {}).get(row.line.pk, {}).get("quantity", []),
        )
        for row in panel.progress
    ]
    context = {
        "order": order,
        "rows": rows,
        "errors": errors,
        "posted": posted,
        "documents": DocumentKind.choices,
    }
    return render(request, "shipments/new.html", context, status=400 if errors else 200)


@login_required
@require_POST
def shipment_receive(request, shipment_id: int):
    """The buyer confirms that a shipment arrived."""
    try:
        shipment = services.shipment_confirm_receipt(
            shipment_id=shipment_id, actor=request.user, version=posted_version(request)
        )
    except NotFound:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
        order_id = selectors.shipment_get_for_user(
            user=request.user, shipment_id=shipment_id
        ).order_id
        return redirect(_order_page(order_id))
    messages.success(
        request,
        _("Receipt of shipment %(sequence)s confirmed.") % {"sequence": shipment.sequence},
    )
    return redirect(_order_page(shipment.order_id))


@login_required
def document(request, document_id: int):
    """A shipping document, to the buyer and the seller of the order (and staff) only."""
    try:
        doc = selectors.document_get_for_user(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404 from None
    return private_file_response(doc.file, name=doc.name, content_type=doc.content_type)
