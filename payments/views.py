"""Pages: Go To Pay, the order's payment status and history, bank details. Thin: each view
parses the request, calls one service or selector and renders."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Side
from common.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from common.files import private_file_response
from common.money import money_string
from common.views import posted_version
from payments import selectors, services
from payments.models import BANK_FIELDS, BankAccount, PaymentStatus
from payments.providers import providers_for


def _summary_or_404(request, order_id: int, **kwargs):
    try:
        return selectors.payment_summary_for_user(user=request.user, order_id=order_id, **kwargs)
    except NotFound:
        raise Http404 from None


def _back(request, order_id: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("payments:order", order_id)


def _flash_error(request, error: DomainError) -> None:
    if isinstance(error, ValidationFailed):
        for field_errors in error.errors.values():
            for message in field_errors:
                messages.error(request, message)
    else:
        messages.error(request, error.message)


@login_required
def order_payments(request, order_id: int):
    """View Order, payment side: the figures, every payment and every reminder sent."""
    summary = _summary_or_404(request, order_id, with_reminders=True)
    context = {"summary": summary, "payment_summary": summary, "order": summary.order}
    return render(request, "payments/order.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, order_id: int):
    """Go To Pay (buyer): the amount due, the agreed bank details and the payment methods."""
    summary = _summary_or_404(request, order_id)
    if summary.side != Side.BUYER:
        raise PermissionDenied
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            payment = services.payment_submit(
                order_id=order_id,
                actor=request.user,
                provider=posted.get("provider", ""),
                amount=posted.get("amount", ""),
                currency=posted.get("currency", ""),
                idempotency_key=posted.get("idempotency_key", ""),
                values={
                    "reference": posted.get("reference", ""),
                    "slip": request.FILES.get("slip"),
                    "card_number": posted.get("card_number", ""),
                },
            )
        except ValidationFailed as error:
            errors = error.errors
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("payments:order", order_id)
        else:
            if payment.status == PaymentStatus.DECLINED:
                messages.error(request, payment.reason)
                return redirect("payments:pay", order_id)
            if payment.status == PaymentStatus.RECEIVED:
                messages.success(request, _("Thank you: your payment was received."))
            else:
                messages.success(
                    request,
                    _("Your transfer was submitted; the seller will confirm when it arrives."),
                )
            return redirect("payments:order", order_id)
    if not summary.can_pay and not errors:
        messages.info(request, _("Nothing is payable on this order right now."))
        return redirect("payments:order", order_id)
    # Only the methods the agreed payment method allows (a card only for a card order).
    providers = providers_for(summary.order.payment_method)
    chosen = posted.get("provider") or next(iter(providers), "")
    context = {
        "summary": summary,
        "order": summary.order,
        "providers": providers,
        "chosen": chosen,
        "errors": errors,
        "posted": posted,
        # A fresh key per rendering: resending this very form finds the first payment.
        "idempotency_key": posted.get("idempotency_key") or uuid.uuid4().hex,
        # In the format parse_amount reads ("864.00"), not the page's locale ("864,0000").
        "amount": posted.get("amount")
        or money_string(summary.amounts.suggested, summary.amounts.currency),
    }
    return render(request, "payments/pay.html", context, status=400 if errors else 200)


@login_required
@require_POST
def remind(request, order_id: int):
    try:
        services.reminder_request(order_id=order_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("The buyer is being reminded to pay."))
    return _back(request, order_id)


def _decision(request, payment_id: int, decide):
    try:
        payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
    except NotFound:
        raise Http404 from None
    try:
        decide(payment)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        _flash_error(request, error)
    return _back(request, payment.order_id)


@login_required
@require_POST
def receive(request, payment_id: int):
    def decide(payment):
        services.payment_mark_received(payment_id=payment.pk, actor=request.user)
        messages.success(request, _("The payment is marked received."))

    return _decision(request, payment_id, decide)


@login_required
@require_POST
def reject(request, payment_id: int):
    def decide(payment):
        services.payment_reject(
            payment_id=payment.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The payment is marked rejected."))

    return _decision(request, payment_id, decide)


@login_required
@require_POST
def cancel_overdue(request, order_id: int):
    try:
        services.order_cancel_for_non_payment(
            order_id=order_id,
            actor=request.user,
            version=posted_version(request),
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        _flash_error(request, error)
        return redirect("payments:order", order_id)
    messages.success(request, _("The overdue order is cancelled."))
    return redirect("payments:order", order_id)


@login_required
@require_POST
def refund_done(request, refund_id: int):
    """The seller sent an owed refund back to the buyer."""
    try:
        refund = selectors.refund_get_for_user(user=request.user, refund_id=refund_id)
    except NotFound:
        raise Http404 from None
    try:
        services.refund_mark_refunded(refund_id=refund.pk, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("The refund is marked refunded."))
    return _back(request, refund.order_id)


@login_required
def slip(request, payment_id: int):
    """The remittance slip, to the buyer and the seller of the order only."""
    try:
        payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
    except NotFound:
        raise Http404 from None
    if not payment.slip:
        raise Http404
    return private_file_response(
        payment.slip,
        name=payment.slip_name or f"remittance-{payment.order.number}-{payment.pk}",
        content_type=payment.slip_content_type,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_account(request):
    """The seller company's bank details and the record of every change."""
    user = request.user
    if user.side != Side.SELLER:
        raise PermissionDenied
    errors = {}
    account = selectors.bank_account_for_company(user.company_id)
    values = account.as_dict() if account else dict.fromkeys(BANK_FIELDS, "")
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in BANK_FIELDS}
        try:
            services.bank_account_update(actor=user, values=values)
        except ValidationFailed as error:
            errors = error.errors
        else:
            messages.success(request, _("Your bank details are saved."))
            return redirect("payments:bank_account")
    fields = [
        (
            name,
            BankAccount._meta.get_field(name).verbose_name,
            values.get(name, ""),
            errors.get(name),
        )
        for name in BANK_FIELDS
    ]
    context = {
        "fields": fields,
        "changes": selectors.bank_account_changes(user.company_id)[:50],
        "awaiting_payment": selectors.orders_awaiting_payment_of_seller(user.company_id),
    }
    return render(request, "payments/bank_account.html", context, status=400 if errors else 200)
