"""Writes of payments, bank details and reminders: the payment rules, in one place.

The order's own transitions (payment recorded, ready to ship, overdue, completed, cancelled for
non-payment) stay in orders/services.py; this module keeps the instalments, decides when those
transitions happen and calls them.
"""

import datetime
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Side
from chat.services import system_message_post
from common.db import claim_and_queue
from common.errors import (
    InvalidTransition,
    NotAllowed,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from common.i18n import later, lazy_format
from common.money import (
    AmountError,
    format_money,
    minor_unit_exponent,
    money_string,
    parse_amount,
    quantize,
)
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders import services as order_services
from orders import terms as order_terms
from orders.models import Order, OrderStatus, PaymentMethod
from orders.selectors import order_get_for_user, side_of
from payments import selectors
from payments.models import (
    BANK_FIELDS,
    BankAccount,
    BankAccountChange,
    Instalment,
    InstalmentKind,
    InstalmentState,
    Payment,
    PaymentPlan,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundState,
    Reminder,
    ReminderKind,
)
from payments.providers import get_provider

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
SWIFT_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
ACCOUNT_NUMBER = re.compile(r"[A-Z0-9]{5,34}")
# The machine-readable code of the refusal to agree a T/T order without bank details.
BANK_DETAILS_MISSING = "bank_details_missing"


# --- Bank details ----------------------------------------------------------------------------


@transaction.atomic
def bank_account_update(*, actor, values: dict) -> BankAccount:
    """A seller member sets the company's bank details; every change is recorded, and the
    buyers of orders awaiting payment are warned (they keep paying to the agreed details)."""
    if actor.side != Side.SELLER:
        raise NotAllowed(_("Only sellers keep bank details."))
    cleaned = _clean_bank_details(values)
    account = BankAccount.objects.select_for_update().filter(company_id=actor.company_id).first()
    old = account.as_dict() if account else {}
    if old == cleaned:
        return account
    if account is None:
        account = BankAccount(company_id=actor.company_id)
    for name, value in cleaned.items():
        setattr(account, name, value)
    account.save()
    now = timezone.now()
    BankAccountChange.objects.create(
        company_id=actor.company_id, changed_by=actor, changed_at=now, old=old, new=cleaned
    )
    if old:
        _warn_buyers_of_bank_change(company_id=actor.company_id, changed_at=now)
    return account


def _clean_bank_details(values: dict) -> dict:
    cleaned = {name: " ".join(str(values.get(name) or "").split()) for name in BANK_FIELDS}
    cleaned["account_number"] = cleaned["account_number"].replace(" ", "").upper()
    cleaned["swift_bic"] = cleaned["swift_bic"].replace(" ", "").upper()
    errors = {}
    for name in ("beneficiary", "bank_name", "account_number", "swift_bic"):
        if not cleaned[name]:
            errors[name] = [_("This field is required.")]
    limits = {"beneficiary": 200, "bank_name": 200, "bank_address": 300}
    for name, limit in limits.items():
        if len(cleaned[name]) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if cleaned["account_number"] and not ACCOUNT_NUMBER.fullmatch(cleaned["account_number"]):
        errors["account_number"] = [_("Enter an IBAN or account number (5–34 letters or digits).")]
    if cleaned["swift_bic"] and not SWIFT_BIC.fullmatch(cleaned["swift_bic"]):
        errors["swift_bic"] = [_("Enter a SWIFT/BIC code of 8 or 11 characters.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def agreement_check_bank_details(*, order: Order, terms: dict, side: str) -> None:
    """A T/T order is agreed only when the seller's company has bank details on file, so the
    buyer always has an account to pay to (registered in orders' AGREEMENT_CHECKS).

    Reads the change history, as the snapshot taken at agreement does (``payment_plan_ensure``).
    """
    if terms.get("payment_method") != PaymentMethod.TT:
        return
    company_id = order.negotiation.seller_company_id
    if selectors.bank_details_at(company_id=company_id, moment=timezone.now()):
        return
    if side == Side.SELLER:
        message = _(
            "Add your company's bank details before agreeing a T/T (bank transfer) order: the "
            "buyer needs an account to pay to. Nothing was confirmed."
        )
    else:
        message = _(
            "The seller has no bank details on file yet, so a T/T (bank transfer) order cannot "
            "be agreed: ask the seller in the chat to add them. Nothing was confirmed."
        )
    errors = {"payment_method": [message], "code": BANK_DETAILS_MISSING}
    if side == Side.SELLER:
        errors["bank_details_url"] = reverse("payments:bank_account")
    raise ValidationFailed(errors, message=message)


def _warn_buyers_of_bank_change(*, company_id: int, changed_at: datetime.datetime) -> None:
    orders = selectors.orders_awaiting_payment_of_seller(company_id).select_related(
        "negotiation__seller_company"
    )
    messages = [
        Message(
            company_id=order.negotiation.buyer_company_id,
            kind=Kind.BANK_DETAILS_CHANGED,
            title=lazy_format(
                gettext_lazy("%(seller)s changed their bank details (order %(number)s)"),
                {"seller": str(order.negotiation.seller_company), "number": order.number},
            ),
            body=gettext_lazy(
                "Pay only to the bank details agreed with the order, shown on the payment page. "
                "Before paying to any other account, confirm the change with the seller by phone."
            ),
            url=selectors.pay_url(order),
            order_id=order.pk,
        )
        for order in orders
    ]
    notifications_send(messages=messages)


# --- The payment plan and its instalments ----------------------------------------------------


def payment_plan_ensure(*, order: Order) -> PaymentPlan:
    """The order's plan, created with the seller's bank details as they stood at agreement.

    Reading the details from the change history as of the agreement makes a late or repeated
    creation give the same snapshot.
    """
    plan, _ = PaymentPlan.objects.get_or_create(
        order=order,
        defaults={
            "bank_details": selectors.bank_details_at(
                company_id=order.negotiation.seller_company_id, moment=order.agreed_at
            ),
        },
    )
    return plan


@transaction.atomic
def payment_schedule_start(*, order_id: int) -> Order:
    """Both sides confirmed (orders.signals.order_agreed): the plan and the instalments of the
    agreed terms; with nothing due before shipment the order is ready to ship at once."""
    order, _instalments, _excess = _schedule_update(order_id=order_id, complete=False)
    return order


def _locked_order(order_id: int) -> Order:
    # Payments, receipts, amendments and cancellations of one order take turns on its row.
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("negotiation")
        .prefetch_related("lines")
        .get(pk=order_id)
    )


def _kept(order: Order) -> Decimal:
    """The received money the seller keeps: received payments less refunds owed or made."""
    received = Payment.objects.filter(order=order, status=PaymentStatus.RECEIVED).aggregate(
        total=Coalesce(Sum("amount"), Decimal(0))
    )["total"]
    refunded = Refund.objects.filter(order=order).aggregate(
        total=Coalesce(Sum("amount"), Decimal(0))
    )["total"]
    return received - refunded


def _schedule_sync(order: Order, *, now: datetime.datetime):
    """Writes the instalments the order's terms ask for (the order row holds the agreed terms,
    amended or not), and allots the money kept to them, earliest first: what was paid stays
    paid. Returns (instalments, their states before, money kept beyond the total)."""
    plan = payment_plan_ensure(order=order)
    terms = order_terms.canonical(order_terms.from_order(order))
    rows = selectors.schedule_for(
        terms=terms,
        agreed_at=order.agreed_at,
        shipped_on=plan.shipped_on,
        received_on=plan.received_on,
    )
    existing = {i.kind: i for i in Instalment.objects.select_for_update().filter(order=order)}
    before = {kind: i.state for kind, i in existing.items()}
    remaining = _kept(order)
    instalments = []
    for row in rows:
        instalment = existing.pop(row["kind"], None) or Instalment(order=order)
        for name, value in row.items():
            setattr(instalment, name, value)
        instalment.currency = order.currency
        instalment.paid_amount = min(remaining, instalment.amount)
        remaining -= instalment.paid_amount
        if instalment.paid_amount < instalment.amount:
            instalment.paid_at = None
        elif instalment.paid_at is None:
            instalment.paid_at = now
        if instalment.due_at is None or instalment.due_at > now:
            instalment.overdue_at = None
        instalment.state = selectors.instalment_state(instalment)
        instalment.save()
        instalments.append(instalment)
    if existing:
        Instalment.objects.filter(pk__in=[i.pk for i in existing.values()]).delete()
    _reschedule(plan=plan, instalments=instalments, now=now)
    return instalments, before, max(remaining, Decimal(0))


def _reschedule(*, plan: PaymentPlan, instalments: list[Instalment], now) -> None:
    """The sweep's next moment for the order, never later than it was (a batch holding the
    order finds its lease moved and leaves the order to the next sweep)."""
    moment = _next_at(instalments, now=now)
    if moment is None:
        return
    PaymentPlan.objects.filter(pk=plan.pk).update(
        next_reminder_at=Least(Coalesce("next_reminder_at", Value(moment)), Value(moment))
    )


def _instalment_data(instalments) -> list[dict]:
    return [
        {"kind": i.kind, "amount": money_string(i.amount, i.currency), "state": i.state}
        for i in instalments
    ]


def _schedule_update(*, order_id: int, complete: bool = True):
    """Brings the instalments up to date and moves the order on: an instalment newly paid (or
    no longer overdue) is recorded on the order; awaiting payment becomes ready to ship once
    what is due before shipment is paid; a delivered order is completed once everything is
    paid (``complete``: not from the receipt itself, which completes the order on its own)."""
    now = timezone.now()
    order = _locked_order(order_id)
    instalments, before, excess = _schedule_sync(order, now=now)
    if order.status not in order_services.PAYING_STATES:
        return order, instalments, excess
    fully_paid = all(i.is_paid for i in instalments)
    overdue = any(i.state == InstalmentState.OVERDUE for i in instalments)
    initial_paid = all(i.is_paid for i in instalments if i.kind == InstalmentKind.INITIAL)
    newly_paid = [
        i for i in instalments if i.is_paid and before.get(i.kind) != InstalmentState.PAID
    ]
    if (
        newly_paid
        or (order.overdue_at is not None) != overdue
        or (order.paid_at is not None) != fully_paid
    ):
        received = sum((i.paid_amount for i in instalments), Decimal(0))
        order = order_services.order_record_payment(
            order_id=order.pk,
            data={
                "amount": money_string(received, order.currency),
                "paid": [i.kind for i in newly_paid],
                "instalments": _instalment_data(instalments),
            },
            overdue=overdue,
            initial_paid=initial_paid,
            fully_paid=fully_paid,
        )
    if order.status == OrderStatus.AWAITING_PAYMENT and all(
        i.is_paid for i in instalments if i.before_shipment
    ):
        order = order_services.order_mark_ready_to_ship(order_id=order.pk)
    if complete and fully_paid and order.status == OrderStatus.DELIVERED:
        order = order_services.order_mark_completed(order_id=order.pk)
    return order, instalments, excess


@transaction.atomic
def payment_schedule_event(
    *,
    order_id: int,
    shipped_on: datetime.date | None = None,
    received_on: datetime.date | None = None,
) -> None:
    """A balance's event happened (orders.signals.goods_shipped / goods_received): its due
    date is set from the first shipment's ship date or the day everything was received.
    Runs in the shipment's transaction; the order row itself is left to the shipment."""
    order = _locked_order(order_id)
    plan = payment_plan_ensure(order=order)
    fields = {}
    if shipped_on is not None and plan.shipped_on is None:
        fields["shipped_on"] = shipped_on
    if received_on is not None and plan.received_on is None:
        fields["received_on"] = received_on
    if not fields:
        return
    PaymentPlan.objects.filter(pk=plan.pk).update(**fields)
    _schedule_sync(order, now=timezone.now())


@transaction.atomic
def payment_schedule_amended(*, order_id: int) -> Refund | None:
    """The agreed terms were amended (orders.signals.order_amended): the instalments are
    recomputed keeping what was already paid; money kept beyond the new total is recorded as a
    refund owed. Runs in the accepting transaction."""
    order, _instalments, excess = _schedule_update(order_id=order_id)
    if excess <= 0:
        return None
    refund = _refund_owe(order=order, amount=excess, reason=RefundReason.AMENDED)
    _schedule_update(order_id=order_id)
    return refund


# --- Refunds ---------------------------------------------------------------------------------


def _refund_owe(*, order: Order, amount: Decimal, reason: str) -> Refund:
    refund = Refund.objects.create(
        order=order, amount=amount, currency=order.currency, reason=reason
    )
    order_services.order_note_refund_owed(
        order_id=order.pk,
        data={"amount": money_string(amount, order.currency), "reason": reason},
    )
    return refund


@transaction.atomic
def order_cancel_for_non_payment(*, order_id: int, actor, version: int, reason: str) -> Order:
    """The seller cancels while an instalment is overdue (orders' cancel_overdue); money
    already received is recorded as a refund owed to the buyer, in the same transaction."""
    # Access first (outsiders learn nothing), then the row lock: a payment being recorded
    # meanwhile is counted in the refund, or finds the order cancelled.
    order_get_for_user(user=actor, order_id=order_id)
    _locked_order(order_id)
    order = order_services.order_cancel_overdue(
        order_id=order_id, actor=actor, version=version, reason=reason
    )
    kept = _kept(order)
    if kept > 0:
        _refund_owe(order=order, amount=kept, reason=RefundReason.CANCELLED)
    return order


@transaction.atomic
def refund_mark_refunded(*, refund_id: int, actor) -> Refund:
    """owed -> refunded: the seller (or staff, through the admin) sent the money back."""
    if actor.is_staff:
        refund = Refund.objects.select_related("order__negotiation").filter(pk=refund_id).first()
        if refund is None:
            raise NotFound(_("No such refund."))
    else:
        refund = selectors.refund_get_for_user(user=actor, refund_id=refund_id)
        if side_of(actor, refund.order) != Side.SELLER:
            raise NotAllowed(_("Only the seller marks a refund refunded."))
    now = timezone.now()
    changed = Refund.objects.filter(pk=refund.pk, state=RefundState.OWED).update(
        state=RefundState.REFUNDED, marked_by=actor, marked_at=now
    )
    if not changed:
        raise InvalidTransition(_("This refund is already marked refunded."))
    refund.state, refund.marked_by, refund.marked_at = RefundState.REFUNDED, actor, now
    return refund


def _payable_order(
    *, order_id: int, actor, side: str, states=order_services.PAYING_STATES
) -> Order:
    order = order_get_for_user(user=actor, order_id=order_id)
    if side_of(actor, order) != side:
        raise NotAllowed(
            _("Only the buyer pays.") if side == Side.BUYER else _("Only the seller may do this.")
        )
    # The state is read under the order's row lock: a cancellation or amendment racing this
    # payment waits for it, or it for them.
    order = _locked_order(order_id)
    if order.status not in states:
        raise InvalidTransition(
            _("The order is %(status)s: no payments are taken.")
            % {"status": order.get_status_display()},
            details={"current_status": order.status},
        )
    return order


# --- Paying ----------------------------------------------------------------------------------


@transaction.atomic
def payment_submit(
    *,
    order_id: int,
    actor,
    provider: str,
    amount: str,
    currency: str,
    idempotency_key: str,
    values: dict,
) -> Payment:
    """The buyer pays (part of) an order awaiting payment through a provider.

    A submission with a key already used on this order returns the first payment unchanged.
    Bank transfers wait as ``submitted``; an approved card payment is ``received`` at once.
    """
    key = (idempotency_key or "").strip()
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationFailed({"idempotency_key": [_("A payment needs an idempotency key.")]})
    order = _payable_order(order_id=order_id, actor=actor, side=Side.BUYER)
    existing = Payment.objects.filter(order=order, idempotency_key=key).first()
    if existing is not None:
        return existing
    method = get_provider(provider, payment_method=order.payment_method)
    # The order's row lock (_payable_order) lets one submission at a time pass the limit.
    amounts = selectors.order_amounts(order)
    value = _clean_amount(amount, currency, amounts)
    fields = method.clean(values)
    outcome = method.charge(amount=value, currency=amounts.currency, values=fields)
    fields.pop("card_number", None)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                provider=method.name,
                status=outcome.status,
                amount=value,
                currency=amounts.currency,
                idempotency_key=key,
                submitted_by=actor,
                reason=outcome.reason,
                decided_at=timezone.now() if outcome.status != PaymentStatus.SUBMITTED else None,
                **fields,
            )
    except IntegrityError:
        # The same key raced in from a second request; that one recorded the payment.
        return Payment.objects.get(order=order, idempotency_key=key)
    if payment.status == PaymentStatus.SUBMITTED:
        _notify_payment(payment, Kind.PAYMENT_SUBMITTED, to_side=Side.SELLER)
    elif payment.status == PaymentStatus.RECEIVED:
        _notify_payment(payment, Kind.PAYMENT_RECEIVED, to_side=Side.SELLER)
        _settle(order)
    return payment


def _clean_amount(amount, currency: str, amounts: selectors.Amounts) -> Decimal:
    if (currency or "").upper() != amounts.currency:
        raise ValidationFailed(
            {"currency": [_("This order is payable in %(c)s only.") % {"c": amounts.currency}]}
        )
    try:
        value = parse_amount(amount)
    except AmountError as exc:
        raise ValidationFailed({"amount": [str(exc)]}) from None
    if value <= 0:
        raise ValidationFailed({"amount": [_("Enter an amount greater than zero.")]})
    places = minor_unit_exponent(amounts.currency)
    if value != quantize(value, amounts.currency):
        raise ValidationFailed(
            {
                "amount": [
                    _("At most %(n)d decimal places in %(c)s.")
                    % {"n": places, "c": amounts.currency}
                ]
            }
        )
    if value > amounts.payable:
        message = _("This is more than the outstanding %(amount)s.") % {
            "amount": format_money(amounts.payable, amounts.currency)
        }
        if amounts.pending:
            message += " " + _("%(pending)s already awaits the seller's confirmation.") % {
                "pending": format_money(amounts.pending, amounts.currency)
            }
        raise ValidationFailed({"amount": [message]})
    return value


def _settle(order: Order) -> Order:
    """Received money changed: the instalments take it, and the order moves on."""
    order, _instalments, _excess = _schedule_update(order_id=order.pk)
    return order


@transaction.atomic
def payment_mark_received(*, payment_id: int, actor) -> Payment:
    """submitted -> received (the seller saw the money arrive); may pay instalments, make the
    order ready to ship, or complete a delivered order. On an order cancelled meanwhile the
    money is recorded as a refund owed to the buyer."""
    payment = selectors.payment_get_for_user(user=actor, payment_id=payment_id)
    order = _payable_order(
        order_id=payment.order_id,
        actor=actor,
        side=Side.SELLER,
        states=selectors.DECIDING_STATES,
    )
    payment = _decide(payment, actor=actor, target=PaymentStatus.RECEIVED, reason="")
    _notify_payment(payment, Kind.PAYMENT_RECEIVED, to_side=Side.BUYER)
    if order.status == OrderStatus.CANCELLED:
        _refund_owe(order=order, amount=_kept(order), reason=RefundReason.CANCELLED)
    else:
        _settle(order)
    return payment


@transaction.atomic
def payment_reject(*, payment_id: int, actor, reason: str) -> Payment:
    """submitted -> rejected, with a reason the buyer sees (e.g. no such transfer arrived)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the payment is rejected.")]})
    if len(reason) > 500:
        raise ValidationFailed({"reason": [_("At most 500 characters.")]})
    payment = selectors.payment_get_for_user(user=actor, payment_id=payment_id)
    _payable_order(
        order_id=payment.order_id,
        actor=actor,
        side=Side.SELLER,
        states=selectors.DECIDING_STATES,
    )
    payment = _decide(payment, actor=actor, target=PaymentStatus.REJECTED, reason=reason)
    _notify_payment(payment, Kind.PAYMENT_REJECTED, to_side=Side.BUYER)
    return payment


def _decide(payment: Payment, *, actor, target: str, reason: str) -> Payment:
    now = timezone.now()
    changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.SUBMITTED).update(
        status=target, decided_by=actor, decided_at=now, reason=reason
    )
    if not changed:
        raise InvalidTransition(
            _("This payment was already marked %(status)s.")
            % {"status": Payment.objects.get(pk=payment.pk).get_status_display()}
        )
    payment.status, payment.decided_by, payment.decided_at, payment.reason = (
        target,
        actor,
        now,
        reason,
    )
    return payment


def _notify_payment(payment: Payment, kind: str, *, to_side: str) -> None:
    order = payment.order
    negotiation = order.negotiation
    amount = later(format_money, payment.amount, payment.currency)
    titles = {
        Kind.PAYMENT_SUBMITTED: gettext_lazy("Payment of %(amount)s submitted for %(number)s"),
        Kind.PAYMENT_RECEIVED: gettext_lazy("Payment of %(amount)s received for %(number)s"),
        Kind.PAYMENT_REJECTED: gettext_lazy("Payment of %(amount)s rejected for %(number)s"),
    }
    body = ""
    if kind == Kind.PAYMENT_SUBMITTED:
        body = lazy_format(
            gettext_lazy(
                "Transfer reference: %(reference)s. Check your account, then mark it received."
            ),
            {"reference": payment.reference},
        )
    elif kind == Kind.PAYMENT_REJECTED:
        body = lazy_format(gettext_lazy("Reason: %(reason)s"), {"reason": payment.reason})
    notifications_send(
        messages=[
            Message(
                company_id=negotiation.seller_company_id
                if to_side == Side.SELLER
                else negotiation.buyer_company_id,
                kind=kind,
                title=lazy_format(titles[kind], {"amount": amount, "number": order.number}),
                body=body,
                url=reverse("payments:order", args=[order.pk]),
                order_id=order.pk,
            )
        ]
    )


# --- Reminders -------------------------------------------------------------------------------


@transaction.atomic
def reminder_request(*, order_id: int, actor) -> Reminder:
    """Remind buyer to pay (seller): at most one per order per MANUAL_REMINDER_INTERVAL_HOURS.

    The plan's ``next_manual_reminder_at`` is moved forward by a conditional UPDATE; the
    request that changes no row is refused, so two clicks never send two reminders.
    """
    order = _payable_order(order_id=order_id, actor=actor, side=Side.SELLER)
    current = selectors.order_amounts(order).current
    if current is None:
        raise InvalidTransition(_("No instalment is due: there is nothing to remind of."))
    plan = payment_plan_ensure(order=order)
    now = timezone.now()
    interval = datetime.timedelta(hours=settings.MANUAL_REMINDER_INTERVAL_HOURS)
    won = (
        PaymentPlan.objects.filter(pk=plan.pk)
        .filter(Q(next_manual_reminder_at__isnull=True) | Q(next_manual_reminder_at__lte=now))
        .update(
            next_manual_reminder_at=now + interval,
            # Should its task be lost, the sweep takes the order (and the reminder) then.
            next_reminder_at=Least(
                Coalesce("next_reminder_at", _queue_lease(now)), _queue_lease(now)
            ),
        )
    )
    if not won:
        next_at = PaymentPlan.objects.values_list("next_manual_reminder_at", flat=True).get(
            pk=plan.pk
        )
        raise RateLimited(
            # No full stop after the time: "9 a.m." ends with one already.
            _("A reminder was sent recently. Next reminder possible at %(when)s")
            % {"when": date_format(timezone.localtime(next_at), "DATETIME_FORMAT")},
            retry_after=int((next_at - now).total_seconds()) + 1,
        )
    # The gate allows one per interval, so (order, manual, today) is free.
    reminder = Reminder.objects.create(
        order=order,
        instalment=current,
        kind=ReminderKind.MANUAL,
        due_on=now.date(),
        requested_by=actor,
    )
    from payments.tasks import reminder_send

    transaction.on_commit(lambda: reminder_send.delay(reminder.pk))
    return reminder


def _queue_lease(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.REMINDER_QUEUE_LEASE_SECONDS)


def reminder_plan(*, due_from: datetime.datetime, due_at: datetime.datetime, today: datetime.date):
    """The scheduled reminder of an instalment that falls due today, as (kind, due_on), or None.

    One day after it became payable (agreement, shipment or delivery), three days before its
    due date, and on the due date. When a sweep missed a day, only the latest of the reminders
    due is sent, never a burst.
    """
    deadline = due_at.date()
    if today > deadline:
        return None
    due = [(kind, day) for kind, day in _reminder_days(due_from, due_at) if day <= today]
    return max(due, key=lambda item: item[1]) if due else None


def _reminder_days(due_from: datetime.datetime, due_at: datetime.datetime):
    deadline = due_at.date()
    plan = [
        (ReminderKind.AFTER_AGREEMENT, due_from.date() + datetime.timedelta(days=1)),
        (ReminderKind.BEFORE_DEADLINE, deadline - datetime.timedelta(days=3)),
        (ReminderKind.DEADLINE, deadline),
    ]
    return [(kind, day) for kind, day in plan if due_from.date() < day]


def reminder_next_at(
    *,
    due_from: datetime.datetime,
    due_at: datetime.datetime,
    overdue_at: datetime.datetime | None,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """When the sweep next has work for an unpaid instalment, once today's is done: the start
    (UTC) of the next day with a scheduled reminder, or the due date itself while the
    instalment is not marked overdue (a due date already past means: again at the next sweep).
    None when nothing is left."""
    moments = [
        datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        for _kind, day in _reminder_days(due_from, due_at)
        if day > now.date()
    ]
    if overdue_at is None:
        moments.append(due_at)
    return min(moments, default=None)


def _next_at(instalments, *, now: datetime.datetime) -> datetime.datetime | None:
    """The order's next moment: the earliest of its unpaid, dated instalments'."""
    moments = [
        reminder_next_at(due_from=i.due_from, due_at=i.due_at, overdue_at=i.overdue_at, now=now)
        for i in instalments
        if not i.is_paid and i.due_at is not None
    ]
    return min((m for m in moments if m is not None), default=None)


def _current(instalments) -> Instalment | None:
    return selectors.Amounts(
        currency="", instalments=tuple(instalments), received=Decimal(0), pending=Decimal(0)
    ).current


def reminder_schedule_stop(*, order_id: int) -> None:
    """Everything paid, or the order cancelled: the sweep has nothing more to do."""
    PaymentPlan.objects.filter(order_id=order_id).update(next_reminder_at=None)


@transaction.atomic
def reminders_sweep(*, now: datetime.datetime | None = None) -> dict:
    """The periodic sweep: takes the orders whose next reminder (or deadline) is due and queues
    them, REMINDER_BATCH_SIZE orders a task. One statement, however many orders; orders with
    nothing due are not read.

    Taking an order moves its ``next_reminder_at`` to a lease (REMINDER_QUEUE_LEASE_SECONDS
    ahead), so no sweep queues it again while its batch is pending; a batch that is lost
    leaves the lease to expire, and a later sweep queues the order again.
    """
    from payments.tasks import reminders_batch

    now = now or timezone.now()
    taken, batches = claim_and_queue(
        PaymentPlan.objects.filter(next_reminder_at__lte=now),
        key="order_id",
        lease_field="next_reminder_at",
        lease=_queue_lease(now),
        batch_size=settings.REMINDER_BATCH_SIZE,
        task=reminders_batch,
        noun="orders",
    )
    return {"orders": taken, "batches": batches}


def reminders_batch_run(
    *, order_ids: list[int], lease: datetime.datetime, now: datetime.datetime | None = None
) -> dict:
    """One batch the sweep queued: for each order it still holds, marks its instalments overdue
    once past their due date, sends the reminder of the instalment to pay next that falls due
    today and any manual reminder whose task was lost (each claimed, so never twice), and
    stores when the order is next due. The instalments of all its orders are read at once.

    The batch first moves its orders from the sweep's lease to its own, shorter one
    (REMINDER_RUN_LEASE_SECONDS): an order the sweep queued again meanwhile (the lease expired
    while this task waited) belongs to the newer batch, and a second delivery of this task
    finds nothing left to take. An order whose reminder failed keeps the lease and is retried.
    """
    now = now or timezone.now()
    held = now + datetime.timedelta(seconds=settings.REMINDER_RUN_LEASE_SECONDS)
    PaymentPlan.objects.filter(order_id__in=order_ids, next_reminder_at=lease).update(
        next_reminder_at=held
    )
    orders = list(
        Order.objects.filter(payment_plan__next_reminder_at=held, pk__in=order_ids).values_list(
            "pk", "status"
        )
    )
    paying = [pk for pk, status in orders if status in order_services.PAYING_STATES]
    unpaid: dict[int, list[Instalment]] = {pk: [] for pk in paying}
    for instalment in Instalment.objects.filter(order_id__in=paying, due_at__isnull=False).exclude(
        state=InstalmentState.PAID
    ):
        unpaid[instalment.order_id].append(instalment)
    planned = []
    for pk in paying:
        current = _current(unpaid[pk])
        if current is None:
            continue
        step = reminder_plan(due_from=current.due_from, due_at=current.due_at, today=now.date())
        if step is not None:
            planned.append(Reminder(order_id=pk, instalment=current, kind=step[0], due_on=step[1]))
    Reminder.objects.bulk_create(planned, ignore_conflicts=True)
    keys = {(r.order_id, r.kind, r.due_on) for r in planned}
    due = [
        (pk, order_id)
        for pk, order_id, kind, due_on in Reminder.objects.filter(
            order_id__in=paying, claimed_at__isnull=True, skipped=False
        ).values_list("pk", "order_id", "kind", "due_on")
        if (order_id, kind, due_on) in keys or kind == ReminderKind.MANUAL
    ]
    failed = set()
    sent = 0
    for pk, order_id in due:
        # One order's failure must not hold up the others; it keeps the lease and is retried.
        try:
            sent += reminder_deliver(reminder_id=pk)
        except Exception:
            logger.exception("Payment reminder %s failed", pk)
            failed.add(order_id)
    next_at: dict[datetime.datetime | None, list[int]] = {}
    for pk, _status in orders:
        if pk in failed:
            continue
        instalments = unpaid.get(pk, [])
        if any(i.overdue_at is None and i.due_at <= now for i in instalments):
            try:
                payment_overdue_mark(order_id=pk, now=now)
            except Exception:
                logger.exception("Marking order %s overdue failed", pk)
                continue
            for instalment in instalments:
                if instalment.due_at <= now:
                    instalment.overdue_at = instalment.overdue_at or now
        next_at.setdefault(_next_at(instalments, now=now), []).append(pk)
    for moment, pks in next_at.items():
        # Only where the batch still holds the lease: a service may have moved it meanwhile.
        PaymentPlan.objects.filter(order_id__in=pks, next_reminder_at=held).update(
            next_reminder_at=moment
        )
    return {"orders": len(orders), "reminders": sent, "failed": len(failed)}


@transaction.atomic
def reminder_deliver(*, reminder_id: int) -> bool:
    """Sends a reminder to the buyer's members: in-app, by e-mail (queued after commit) and in
    the chat, naming the instalment to pay next and its amount. Claimed first by a conditional
    UPDATE in the same transaction: a second delivery of the task changes no row and sends
    nothing; a worker dying midway rolls the claim back.
    """
    now = timezone.now()
    if not Reminder.objects.filter(pk=reminder_id, claimed_at__isnull=True).update(claimed_at=now):
        return False
    reminder = Reminder.objects.select_related(
        "order__negotiation__seller_company", "requested_by"
    ).get(pk=reminder_id)
    order = reminder.order
    amounts = selectors.order_amounts(order)
    current = amounts.current
    if order.status not in order_services.PAYING_STATES or current is None:
        Reminder.objects.filter(pk=reminder_id).update(skipped=True)
        return False
    if reminder.instalment_id != current.pk:
        # Paid meanwhile: the reminder names what is to be paid now.
        Reminder.objects.filter(pk=reminder_id).update(instalment=current)
    link = selectors.pay_url(order)
    # The pages' date format, so that the e-mail, the chat line and the page agree.
    # Lazy: each recipient reads them in their own language and date format.
    deadline = later(date_format, timezone.localtime(current.due_at), "DATE_FORMAT")
    amount = later(format_money, current.outstanding, amounts.currency)
    instalment = later(selectors.instalment_label, current)
    values = {
        "amount": amount,
        "number": order.number,
        "instalment": instalment,
        "deadline": deadline,
    }
    notifications_send(
        messages=[
            Message(
                company_id=order.negotiation.buyer_company_id,
                kind=Kind.PAYMENT_REMINDER,
                title=lazy_format(
                    gettext_lazy(
                        "Payment reminder: %(instalment)s, %(amount)s, due for %(number)s"
                    ),
                    values,
                ),
                body=lazy_format(
                    gettext_lazy("Please pay the %(instalment)s, %(amount)s, by %(deadline)s."),
                    values,
                ),
                url=link,
                order_id=order.pk,
                email_template="payment_reminder",
                email_context={
                    "order_number": order.number,
                    "seller": str(order.negotiation.seller_company),
                    "instalment": instalment,
                    "amount": amount,
                    "outstanding": later(format_money, amounts.outstanding, amounts.currency),
                    "deadline": deadline,
                    "overdue": current.state == InstalmentState.OVERDUE,
                    "pay_url": link,
                    "kind": later(reminder.get_kind_display),
                },
            )
        ]
    )
    _chat_reminder(order=order, instalment=current, currency=amounts.currency)
    return True


CHAT_REMINDER = "payment_reminder"


def chat_reminder_values(data: dict) -> dict:
    """The instalment's words in the reader's language (chat.system_messages)."""
    instalment = Instalment(**data["instalment"])
    return {"instalment": selectors.instalment_label(instalment)}


def _chat_reminder(*, order: Order, instalment: Instalment, currency: str) -> None:
    """A system message in the negotiation's chat (the chat posts order events itself;
    reminders are not order events, so they are posted here); each reader reads it in their
    language (registered as CHAT_REMINDER in payments.apps)."""
    system_message_post(
        negotiation_id=order.negotiation_id,
        kind=CHAT_REMINDER,
        data={
            "instalment": {
                "kind": instalment.kind,
                "due_event": instalment.due_event,
                "due_days": instalment.due_days,
            },
            "amount": str(instalment.outstanding),
            "currency": currency,
            "deadline": timezone.localtime(instalment.due_at).date().isoformat(),
        },
        order_id=order.pk,
        version=order.version,
    )


# --- Overdue ---------------------------------------------------------------------------------


@transaction.atomic
def payment_overdue_mark(*, order_id: int, now: datetime.datetime | None = None) -> bool:
    """Marks the order's unpaid instalments past their due date overdue, once each; both sides
    are told through the order's 'overdue' event, which names them. False when there is
    nothing (more) to do."""
    now = now or timezone.now()
    order = _locked_order(order_id)
    if order.status not in order_services.PAYING_STATES:
        return False
    late = list(
        Instalment.objects.filter(order=order, due_at__lte=now, overdue_at__isnull=True).exclude(
            state=InstalmentState.PAID
        )
    )
    if not late:
        return False
    Instalment.objects.filter(pk__in=[i.pk for i in late]).update(
        overdue_at=now, state=InstalmentState.OVERDUE
    )
    order_services.order_mark_overdue(
        order_id=order_id,
        data={
            "instalments": [
                {
                    "kind": i.kind,
                    "amount": money_string(i.amount - i.paid_amount, i.currency),
                }
                for i in late
            ]
        },
    )
    return True
