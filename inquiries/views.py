"""Pages: the inbox, the Contact Supplier form and the negotiation workspace.

Views parse input, call one service or selector and render; the rules live in the services
and selectors of ``inquiries`` and ``orders``.
"""

import datetime
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import Side
from accounts.selectors import company_profile
from catalog.models import Product, Unit
from chat import selectors as chat_selectors
from common import fragments
from common.errors import NotAllowed, NotFound, ValidationFailed
from common.money import currency_choices
from fx import selectors as fx_selectors
from inquiries import selectors, services
from orders import forms as order_forms
from orders import selectors as order_selectors
from orders import services as order_services
from orders import terms as order_terms
from orders.models import OrderStatus

INBOX_PAGE_SIZE = 25


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _tab_label(tab: dict, side: str | None) -> str:
    state = tab["state"]
    if state == "inquiry":
        return _("New inquiries") if side == Side.SELLER else _("Inquiries")
    # A unilateral confirmation waits for the other side: name the tab by whose turn it is.
    if state in order_services.CONFIRMED_BY.values():
        if tab["waiting_for"] == side:
            return _("Waiting for me")
        if tab["waiting_for"] == Side.BUYER:
            return _("Waiting for buyer")
        return _("Waiting for seller")
    if state == order_selectors.EXPIRED_TAB:
        return _("Expired")
    if state == OrderStatus.CANCELLED:
        return _("Closed (cancelled)")
    return str(OrderStatus(state).label)


@login_required
def inbox(request):
    """Seller: business opportunities; buyer: my orders and inquiries. Tabs by state."""
    user = request.user
    side = user.side
    tabs = order_selectors.inbox_tabs_for_user(user)
    states = [tab["state"] for tab in tabs]
    state = request.GET.get("state", "")
    if state not in states:
        state = ""
    filters = {
        "query": request.GET.get("q", "")[:100],
        "country": request.GET.get("country", "")[:2].upper(),
        "since": _date(request.GET.get("since", "")),
        "until": _date(request.GET.get("until", "")),
    }
    negotiations = order_selectors.inbox_for_user(user, state=state or None, **filters)
    page = Paginator(negotiations, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # Labels translated once per request, not once per row (lazy labels cost a gettext each).
    labels = {
        "inquiry": _("Inquiry"),
        **{value: str(label) for value, label in OrderStatus.choices},
    }
    now = timezone.now()
    rows = [_inbox_row(negotiation, user, labels, now) for negotiation in page.object_list]
    chat_unread = chat_selectors.unread_counts(
        user=user, negotiation_ids=[row["negotiation"].pk for row in rows]
    )
    for row in rows:
        row["chat_unread"] = chat_unread.get(row["negotiation"].pk, 0)
    _render_rows(rows, is_seller=side == Side.SELLER, request=request)
    for tab in tabs:
        tab["label"] = _tab_label(tab, side)
    return render(
        request,
        "inquiries/inbox.html",
        {
            "tabs": tabs,
            "state": state,
            "page": page,
            "rows": rows,
            "filters": filters,
            "is_seller": side == Side.SELLER,
        },
    )


def _render_rows(rows: list[dict], *, is_seller: bool, request) -> None:
    """Each row's HTML, from the cache when the same row was rendered before.

    A row's key is made of everything it shows (the order by its version, which covers its
    state, lines and totals): a change to any of it is another key, so no row is ever stale.
    The order lines are read only for the rows that are not cached.
    """
    # A total in another currency shows its equivalent in the viewer's: the key names the rate
    # used, so a new rate is another key (one rates query for the page, only when needed).
    fx_currency = request.user.company.currency if request.user.company_id else ""
    fx_book = None
    if fx_currency and any(row["order"] and row["order"].currency != fx_currency for row in rows):
        fx_book = fx_selectors.request_rate_book(request)

    def fx_input(row) -> tuple:
        order = row["order"]
        rate = fx_book.rate(order.currency, fx_currency) if fx_book and order else None
        return (fx_currency, rate)

    keys = [
        fragments.content_key("inbox-row", *_row_inputs(row, is_seller), fx_input(row))
        for row in rows
    ]
    stored = cache.get_many(keys)
    missing = [row for row, key in zip(rows, keys, strict=True) if key not in stored]
    orders = [row["order"] for row in missing if row["order"]]
    prefetch_related_objects(orders, "lines")
    # The terms of orders with attachments name them (issue 14): one query for all such rows.
    prefetch_related_objects([order for order in orders if order.attachment_count], "attachments")
    rendered = {}
    for row, key in zip(rows, keys, strict=True):
        if key not in stored:
            _add_order_figures(row)
            rendered[key] = render_to_string(
                "inquiries/partials/inbox_row.html",
                {
                    "row": row,
                    "is_seller": is_seller,
                    "fx_currency": fx_currency,
                    "fx_book": fx_book,
                },
            )
        row["html"] = mark_safe(stored.get(key) or rendered[key])  # noqa: S308 (our template)
    if rendered:
        cache.set_many(rendered, fragments.TIMEOUT)


def _row_inputs(row: dict, is_seller: bool) -> tuple:
    negotiation, counterpart, order = row["negotiation"], row["counterpart"], row["order"]
    return (
        is_seller,
        negotiation.pk,
        negotiation.last_activity_at,
        counterpart.pk,
        counterpart.legal_name,
        counterpart.country.code,
        row["product"],
        row["unread"],
        row["chat_unread"],
        row["state"],
        row["expiry"],
        (order.pk, order.version, order.number) if order is not None else None,
        (row["quantity"], row["unit"]) if order is None else None,
    )


def _add_order_figures(row: dict) -> None:
    """Quantity, unit, total and the product name of a row's order, from its lines."""
    order = row["order"]
    if order is None:
        return
    lines = order.lines.all()
    totals = order_terms.totals(order_terms.from_order(order))
    row.update(
        total=totals.total,
        currency=totals.currency,
        quantity=lines[0].quantity if len(lines) == 1 else None,
        unit=lines[0].unit if len(lines) == 1 else "",
        lines=len(lines),
    )
    if not row["product"] and lines:
        row["product"] = lines[0].name


def _expiry(order, side: str | None, now: datetime.datetime) -> tuple | None:
    """What the row says of the current confirmation's validity: ("expired",) once past it,
    ("hours", n) or ("days", n) left while it waits for the viewer, else None. Part of the
    row's cache key: the hours left change without a write to the order."""
    if order is None or order.valid_until is None or order.status not in order.OFFER_STATES:
        return None
    if order.offer_expired(now):
        return ("expired",)
    if order.waiting_for != side:
        return None
    hours = max(1, math.ceil((order.valid_until - now).total_seconds() / 3600))
    return ("hours", hours) if hours < 48 else ("days", hours // 24)


def _inbox_row(negotiation, user, labels: dict, now: datetime.datetime) -> dict:
    inquiry = getattr(negotiation, "inquiry", None)
    order = getattr(negotiation, "order", None)
    if order is not None and not order_selectors.order_is_visible(user, order):
        order = None
    counterpart = (
        negotiation.buyer_company
        if user.company_id == negotiation.seller_company_id
        else negotiation.seller_company
    )
    row = {
        "negotiation": negotiation,
        "counterpart": counterpart,
        "product": negotiation.product.name if negotiation.product else "",
        "inquiry": inquiry,
        "unread": bool(
            inquiry and inquiry.is_unread and user.company_id == negotiation.seller_company_id
        ),
        "order": order,
        "quantity": inquiry.quantity if inquiry else None,
        "unit": inquiry.unit if inquiry else "",
        "total": None,
        "currency": "",
        "state": labels["inquiry"],
        "expiry": _expiry(order, user.side, now),
    }
    if order is not None:
        row["state"] = labels[order.status]
    elif inquiry and not row["product"]:
        row["product"] = inquiry.subject
    return row


@login_required
def contact_supplier(request, product_id: int):
    """The buyer's inquiry to the product's seller."""
    product = Product.objects.select_related("seller").filter(pk=product_id, active=True).first()
    if product is None:
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in services.INQUIRY_FIELDS}
        try:
            inquiry = services.inquiry_create(
                actor=request.user, values=values, product_id=product.pk
            )
        except ValidationFailed as exc:
            errors = exc.errors
        except NotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("catalog:product_detail", product_id=product.pk)
        else:
            messages.success(request, _("Your inquiry has been sent to the supplier."))
            return redirect("inquiries:workspace", negotiation_id=inquiry.negotiation_id)
    else:
        company = request.user.company
        values = {
            "subject": _("Inquiry about %(product)s") % {"product": product.name},
            "message": "",
            "quantity": format(product.moq.normalize(), "f"),
            "unit": product.unit,
            "target_price": "",
            "target_currency": product.currency,
            "destination_country": company.country.code if company else "",
        }
    return render(
        request,
        "inquiries/contact_supplier.html",
        {
            "product": product,
            "values": values,
            "errors": errors,
            "units": Unit.choices,
            "currencies": currency_choices(),
            "countries": countries,
            "can_send": request.user.side == Side.BUYER,
        },
        status=400 if errors else 200,
    )


@login_required
def workspace(request, negotiation_id: int):
    try:
        negotiation = selectors.negotiation_get_for_user(
            user=request.user, negotiation_id=negotiation_id
        )
    except NotFound:
        raise Http404 from None
    return render_workspace(request, negotiation, edit="edit" in request.GET)


def workspace_for_order(request, order, **kwargs):
    """The workspace re-rendered after an order form was posted (errors, stale version)."""
    negotiation = selectors.negotiation_get_for_user(
        user=request.user, negotiation_id=order.negotiation_id
    )
    return render_workspace(request, negotiation, **kwargs)


def render_workspace(
    request,
    negotiation,
    *,
    edit: bool = False,
    values: dict | None = None,
    errors: dict | None = None,
    stale: dict | None = None,
    cancel_errors: dict | None = None,
    attachment_errors: dict | None = None,
    status: int = 200,
):
    """The three-pane workspace: counterpart and inquiry, the letter of intent, the chat."""
    user = request.user
    inquiry = getattr(negotiation, "inquiry", None)
    side = selectors.negotiation_side(user, negotiation)
    counterpart_id = (
        negotiation.seller_company_id if side == Side.BUYER else negotiation.buyer_company_id
    )
    if inquiry is not None and side == Side.SELLER and inquiry.is_unread:
        inquiry = services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=user)
    order = getattr(negotiation, "order", None)
    if order is not None:
        order = order_selectors.order_for_workspace(user, order)
    # The navigation names the user's company: it is one of the two already loaded.
    for company in (negotiation.buyer_company, negotiation.seller_company):
        if company.pk == user.company_id:
            user.company = company
    context = {
        "negotiation": negotiation,
        "inquiry": inquiry,
        "side": side,
        "counterpart": company_profile(company_id=counterpart_id),
        "order": order,
        "can_draft": side == Side.SELLER and inquiry is not None and order is None,
        "stale": stale,
        "cancel_errors": cancel_errors or {},
        "attachment_errors": attachment_errors or {},
    }
    if order is not None:
        context.update(_order_context(order, side, edit=edit, values=values, errors=errors or {}))
    return render(request, "inquiries/workspace.html", context, status=status)


def _order_context(order, side, *, edit: bool, values, errors) -> dict:
    actions = order_services.allowed_actions(order, side)
    terms = order_terms.from_order(order)
    my_last = order_selectors.last_revision_of_side(order, side) if side else None
    changes = []
    if my_last is not None and my_last.version < order.version:
        changes = order_terms.diff(my_last.terms, order_terms.canonical(terms))
    can_modify = "modify" in actions
    # Until someone has confirmed (a draft) the editor is open; afterwards "Modify" opens it.
    editing = can_modify and (edit or values is not None or order_selectors.is_draft(order))
    live = order_forms.live_state(terms, values)

    def terms_sections() -> list[dict]:
        form_values = values if values is not None else order_forms.values_from_terms(terms)
        sections = order_forms.module_sections(form_values, errors, changes, live["required"])
        for section in sections:
            section["percent"] = live["completion"].modules[section["module"]].percent
        line_totals = {line["index"]: line["total"] for line in live["line_totals"]}
        for line in sections[0]["lines"]:
            line["total"] = line_totals.get(line["index"])
        return sections

    # The terms as stored (no typed values, no errors) are the same for every viewer on the
    # same side, version, language and editing state: rendered once, then taken from the cache.
    sections, terms_html = None, None
    if values is None and not errors:
        key = fragments.versioned_key("loi-terms", order, side, editing)
        terms_html = mark_safe(  # noqa: S308 (our own template's output)
            fragments.cached(
                key,
                lambda: render_to_string(
                    "orders/partials/loi_sections.html",
                    {"sections": terms_sections(), "editing": editing, "totals": live["totals"]},
                ),
            )
        )
    else:
        sections = terms_sections()
    return {
        **live,
        **order_forms.decision(order, side, live, actions=actions, editing=editing),
        "terms": terms,
        "sections": sections,
        "terms_html": terms_html,
        "errors": errors,
        "changes": order_forms.change_rows(changes, currency=terms.get("currency", "")),
        "changes_since": my_last.terms_version if changes else None,
        "changes_since_internal": my_last.version if changes else None,
        "agreed": bool(order.agreed_digest),
        "offer_validity_days": order.negotiation.seller_company.offer_validity_days,
        "valid_until_value": (values or {}).get("valid_until", ""),
        "attachments": order.current_attachments(),
        "can_attach": can_modify,
    }
