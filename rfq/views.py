"""Pages for both sides: the RFQ list, posting an RFQ, the RFQ detail with the comparison
table, the quotation form, the seller's quotations, and the buyer's decisions.

Views parse input, call one service or selector, and render; the rules live in
rfq/services.py and rfq/selectors.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Side
from common.errors import DomainError, NotFound, ValidationFailed
from common.files import private_file_response
from common.money import currency_choices
from fx import selectors as fx_selectors
from rfq import selectors, services
from rfq.forms import BrowseForm, QuotationForm, RFQForm
from rfq.models import RFQ, Quotation

PAGE_SIZE = 25

# Service error keys that name a different form field.
FORM_FIELD = {"category_id": "category", "invited_seller_ids": "invited_sellers"}


def _add_errors(form, exc: ValidationFailed) -> None:
    for name, errors in exc.errors.items():
        field = FORM_FIELD.get(name, name)
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, str(error))


def _get_or_404(function, **kwargs):
    try:
        return function(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message)


@login_required
def rfq_list(request):
    """Buyer: my RFQs; seller: the open RFQs they may quote on, with filters; staff: all."""
    user = request.user
    is_seller = not user.is_staff and user.side == Side.SELLER
    browse = BrowseForm(request.GET or None)
    state = request.GET.get("state", "")
    if state not in RFQ.State.values:
        state = ""
    if is_seller:
        rfqs = selectors.rfqs_for_user(user, open_only=True, **browse.filters())
    else:
        rfqs = selectors.rfqs_for_user(user, state=state or None)
    page = Paginator(rfqs, PAGE_SIZE).get_page(request.GET.get("page"))
    if is_seller:
        for rfq in page.object_list:
            if rfq.my_quotation_state:
                rfq.my_quotation_label = Quotation.State(rfq.my_quotation_state).label
    return render(
        request,
        "rfq/rfq_list.html",
        {
            "page": page,
            "rfqs": page.object_list,
            "is_seller": is_seller,
            "browse": browse,
            "state": state,
            "states": RFQ.State.choices,
        },
    )


@login_required
def rfq_create(request):
    if request.user.side != Side.BUYER:
        raise Http404(_("Only buyers post requests for quotation."))
    form = RFQForm(
        request.POST or None,
        request.FILES or None,
        currency=selectors.rfq_default_currency(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rfq = services.rfq_create(
                actor=request.user,
                values=form.values(),
                invited_seller_ids=form.invited_seller_ids(),
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationFailed as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your request for quotation is published."))
            return redirect("rfq:detail", rfq.pk)
    return render(request, "rfq/rfq_form.html", {"form": form})


@login_required
def rfq_detail(request, rfq_id: int):
    """The RFQ; the buyer's comparison table (sortable, one page at a time), or the seller's
    own quotation."""
    user = request.user
    rfq = _get_or_404(selectors.rfq_get_for_user, user=user, rfq_id=rfq_id)
    sort = selectors.comparison_sort(request.GET.get("sort"))
    is_buyer = user.company_id == rfq.buyer_company_id
    own = None
    page = None
    rows = []
    currency = selectors.comparison_currency(user, rfq, request.GET.get("currency"))
    if is_buyer or user.is_staff:
        page, rows = selectors.comparison_page(
            user=user,
            rfq=rfq,
            sort=sort,
            number=request.GET.get("page"),
            per_page=COMPARISON_PAGE_SIZE,
            currency=currency,
            # Today's rates, shared with the page's other equivalents: one query.
            book=fx_selectors.request_rate_book(request),
        )
    else:
        own = selectors.comparison_queryset(user=user, rfq=rfq, sort=sort).first()
    return render(
        request,
        "rfq/rfq_detail.html",
        {
            "rfq": rfq,
            "rows": rows,
            "ranked_rows": [row for row in rows if row.ranked],
            "unranked_rows": [row for row in rows if not row.ranked],
            "comparison_currency": currency,
            "currency_choices": currency_choices(),
            "page": page,
            "sort": sort,
            "is_buyer": is_buyer,
            "own": own,
            "can_quote": (
                user.side == Side.SELLER and own is None and rfq.is_open and rfq.taking_quotations
            ),
            "can_revise": own is not None
            and own.state == Quotation.State.SUBMITTED
            and rfq.taking_quotations,
            "columns": COLUMNS,
        },
    )


# One page of the comparison: constant time and queries, however many sellers quoted.
COMPARISON_PAGE_SIZE = 25

# The comparison table's sortable columns: (sort key, heading, numeric). The seller column
# also shows the country, the verified badge and the year the seller joined, so that State
# and the decisions fit at 1280 px without scrolling.
COLUMNS = [
    ("seller", _("Seller"), False),
    ("unit_price", _("Unit price"), True),
    ("total", _("Total"), True),
    ("moq", _("MOQ"), True),
    ("lead_time", _("Lead time"), True),
    ("incoterm", _("Incoterm"), False),
    ("validity", _("Valid until"), False),
    ("state", _("State"), False),
]


@login_required
def quotation_form(request, rfq_id: int):
    """A seller quotes on an RFQ, or revises the quotation they already made."""
    user = request.user
    rfq = _get_or_404(selectors.rfq_get_for_user, user=user, rfq_id=rfq_id)
    if user.side != Side.SELLER:
        raise Http404(_("Only sellers quote."))
    own = Quotation.objects.filter(rfq=rfq, seller_company_id=user.company_id).first()
    # A quotation starts in the RFQ's currency: only those are totalled and compared.
    form = QuotationForm(
        request.POST or None, request.FILES or None, instance=own, currency=rfq.currency
    )
    if request.method == "POST" and form.is_valid():
        # Only a new upload: without one the form hands back the file already stored.
        attachment = request.FILES.get("attachment")
        try:
            if own is None:
                services.quotation_submit(
                    rfq_id=rfq.pk, actor=user, values=form.values(), attachment=attachment
                )
                messages.success(request, _("Your quotation has been sent to the buyer."))
            else:
                services.quotation_revise(
                    quotation_id=own.pk,
                    actor=user,
                    version=form.cleaned_data.get("version") or 0,
                    values=form.values(),
                    attachment=attachment,
                )
                messages.success(request, _("Your quotation has been revised."))
        except ValidationFailed as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("rfq:detail", rfq.pk)
        else:
            return redirect("rfq:detail", rfq.pk)
    return render(request, "rfq/quotation_form.html", {"rfq": rfq, "form": form, "own": own})


@login_required
def my_quotations(request):
    """The seller's quotations and what became of each."""
    state = request.GET.get("state", "")
    if state not in Quotation.State.values:
        state = ""
    quotations = selectors.quotations_for_user(request.user, state=state or None).filter(
        seller_company_id=request.user.company_id
    )
    page = Paginator(quotations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rfq/my_quotations.html",
        {
            "page": page,
            "quotations": page.object_list,
            "state": state,
            "states": Quotation.State.choices,
        },
    )


@login_required
@require_POST
def rfq_close(request, rfq_id: int):
    try:
        services.rfq_close(rfq_id=rfq_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request for quotation is closed without award."))
    return redirect("rfq:detail", rfq_id)


DECISIONS = {
    "shortlist": (services.quotation_shortlist, _("The quotation is shortlisted.")),
    "decline": (services.quotation_decline, _("The quotation is declined.")),
    "accept": (services.quotation_accept, _("Quotation accepted: the negotiation is open.")),
}


def _negotiation_url(negotiation_id: int, rfq_id: int) -> str:
    try:
        return reverse("inquiries:workspace", args=[negotiation_id])
    except NoReverseMatch:
        return reverse("rfq:detail", args=[rfq_id])


@login_required
@require_POST
def quotation_decide(request, quotation_id: int, decision: str):
    """The buyer shortlists, declines or accepts a quotation at the version they saw.

    Accepting cannot be undone: it goes through the confirmation page, whose form carries
    ``confirmed``; an accept posted without it is sent to that page instead.
    """
    if decision not in DECISIONS:
        raise Http404
    service, success = DECISIONS[decision]
    quotation = _get_or_404(
        selectors.quotation_get_for_user, user=request.user, quotation_id=quotation_id
    )
    if decision == "accept" and request.POST.get("confirmed") != "yes":
        return redirect("rfq:quotation_accept_confirm", quotation.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        decided = service(quotation_id=quotation.pk, actor=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("rfq:detail", quotation.rfq_id)
    messages.success(request, success)
    if decision == "accept":
        rfq = RFQ.objects.only("negotiation_id").get(pk=decided.rfq_id)
        return redirect(_negotiation_url(rfq.negotiation_id, decided.rfq_id))
    return redirect(f"{reverse('rfq:detail', args=[quotation.rfq_id])}#quotation-{quotation.pk}")


@login_required
def quotation_accept_confirm(request, quotation_id: int):
    """The confirmation step before an accept: names the seller and the total."""
    quotation = _get_or_404(
        selectors.quotation_get_for_user, user=request.user, quotation_id=quotation_id
    )
    if request.user.company_id != quotation.rfq.buyer_company_id:
        raise Http404
    return render(
        request,
        "rfq/accept_confirm.html",
        {
            "quotation": quotation,
            "rfq": quotation.rfq,
            "total": selectors.quotation_total(quotation, quotation.rfq),
        },
    )


@login_required
def rfq_attachment(request, rfq_id: int, attachment_id: int):
    rfq = _get_or_404(selectors.rfq_get_for_user, user=request.user, rfq_id=rfq_id)
    attachment = next((a for a in rfq.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    return private_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@login_required
def quotation_attachment(request, quotation_id: int):
    quotation = _get_or_404(
        selectors.quotation_get_for_user, user=request.user, quotation_id=quotation_id
    )
    if not quotation.attachment:
        raise Http404
    return private_file_response(
        quotation.attachment,
        name=quotation.attachment_name,
        content_type=quotation.attachment_type or "application/octet-stream",
    )
