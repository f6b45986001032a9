"""Writes of payments, bank details and reminders: the payment rules, in one place.

The order's own transitions (initial payment recorded, paid, overdue) stay in orders/services.py;
this module decides when they happen and calls them.
"""

import datetime
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Side
from chat.services import system_message_post
from common.db import update_returning
from common.errors import InvalidTransition, NotAllowed, RateLimited, StaleVersion, ValidationFailed
from common.money import AmountError, format_money, minor_unit_exponent, parse_amount, quantize
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders import services as order_services
from orders.models import Order, OrderStatus, PaymentMethod
from orders.selectors import order_get_for_user, side_of
from payments import selectors
from payments.models import (
    BANK_FIELDS,
    BankAccount,
    BankAccountChange,
    Payment,
    PaymentPlan,
    PaymentStatus,
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
            title=_("%(seller)s changed their bank details (order %(number)s)")
            % {"seller": order.negotiation.seller_company, "number": order.number},
            body=_(
                "Pay only to the bank details agreed with the order, shown on the payment page. "
                "Before paying to any other account, confirm the change with the seller by phone."
            ),
            url=selectors.pay_url(order),
            order_id=order.pk,
        )
        for order in orders
    ]
    notifications_send(messages=messages)


# --- The payment plan ------------------------------------------------------------------------


def payment_plan_ensure(*, order: Order) -> PaymentPlan:
    """The order's plan, created with the seller's bank details as they stood at agreement.

    Created when the 'agreed' event is recorded; reading the details from the change history
    as of the agreement makes a late or repeated creation give the same snapshot. The reminder
    schedule starts with it: the sweep takes the order on its first reminder day.
    """
    plan, _ = PaymentPlan.objects.get_or_create(
        order=order,
        defaults={
            "bank_details": selectors.bank_details_at(
                company_id=order.negotiation.seller_company_id, moment=order.agreed_at
            ),
            "next_reminder_at": reminder_next_at(
                agreed_at=order.agreed_at,
                due_at=order.payment_due_at,
                overdue_at=order.overdue_at,
                now=timezone.now(),
            )
            if order.status == OrderStatus.AWAITING_PAYMENT
            else None,
        },
    )
    return plan


def _payable_order(*, order_id: int, actor, side: str) -> Order:
    order = order_get_for_user(user=actor, order_id=order_id)
    if side_of(actor, order) != side:
        raise NotAllowed(
            _("Only the buyer pays.") if side == Side.BUYER else _("Only the seller may do this.")
        )
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise InvalidTransition(
            _("The order is %(status)s, not awaiting payment.")
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
    # One submission at a time per order (PostgreSQL), so two cannot both pass the limit.
    list(PaymentPlan.objects.select_for_update().filter(pk=payment_plan_ensure(order=order).pk))
    amounts = selectors.amounts_due(
        terms=selectors.agreed_terms(order), payments=order.payments.all()
    )
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
    """Records the initial payment and the paid state once received payments cover them."""
    amounts = selectors.amounts_due(
        terms=selectors.agreed_terms(order), payments=order.payments.all()
    )
    received = str(amounts.received)
    if amounts.initial and amounts.initial_covered and order.initial_paid_at is None:
        order = order_services.order_record_initial_payment(order_id=order.pk, amount=received)
    if amounts.fully_paid:
        order = order_services.order_mark_paid(order_id=order.pk, amount=received)
    return order


@transaction.atomic
def payment_mark_received(*, payment_id: int, actor) -> Payment:
    """submitted -> received (the seller saw the money arrive); may make the order paid."""
    payment = selectors.payment_get_for_user(user=actor, payment_id=payment_id)
    order = _payable_order(order_id=payment.order_id, actor=actor, side=Side.SELLER)
    payment = _decide(payment, actor=actor, target=PaymentStatus.RECEIVED, reason="")
    _notify_payment(payment, Kind.PAYMENT_RECEIVED, to_side=Side.BUYER)
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
    _payable_order(order_id=payment.order_id, actor=actor, side=Side.SELLER)
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
    amount = format_money(payment.amount, payment.currency)
    titles = {
        Kind.PAYMENT_SUBMITTED: _("Payment of %(amount)s submitted for %(number)s"),
        Kind.PAYMENT_RECEIVED: _("Payment of %(amount)s received for %(number)s"),
        Kind.PAYMENT_REJECTED: _("Payment of %(amount)s rejected for %(number)s"),
    }
    body = ""
    if kind == Kind.PAYMENT_SUBMITTED:
        body = _("Transfer reference: %(reference)s. Check your account, then mark it received.")
        body %= {"reference": payment.reference}
    elif kind == Kind.PAYMENT_REJECTED:
        body = _("Reason: %(reason)s") % {"reason": payment.reason}
    notifications_send(
        messages=[
            Message(
                company_id=negotiation.seller_company_id
                if to_side == Side.SELLER
                else negotiation.buyer_company_id,
                kind=kind,
                title=titles[kind] % {"amount": amount, "number": order.number},
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
        order=order, kind=ReminderKind.MANUAL, due_on=now.date(), requested_by=actor
    )
    from payments.tasks import reminder_send

    transaction.on_commit(lambda: reminder_send.delay(reminder.pk))
    return reminder


def _queue_lease(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(seconds=settings.REMINDER_QUEUE_LEASE_SECONDS)


def reminder_plan(*, agreed_at: datetime.datetime, due_at: datetime.datetime, today: datetime.date):
    """The scheduled reminder that falls due today, as (kind, due_on), or None.

    One day after agreement, three days before the deadline, and on the deadline day. When a
    sweep missed a day, only the latest of the reminders due is sent, never a burst.
    """
    deadline = due_at.date()
    if today > deadline:
        return None
    due = [(kind, day) for kind, day in _reminder_days(agreed_at, due_at) if day <= today]
    return max(due, key=lambda item: item[1]) if due else None


def _reminder_days(agreed_at: datetime.datetime, due_at: datetime.datetime):
    deadline = due_at.date()
    plan = [
        (ReminderKind.AFTER_AGREEMENT, agreed_at.date() + datetime.timedelta(days=1)),
        (ReminderKind.BEFORE_DEADLINE, deadline - datetime.timedelta(days=3)),
        (ReminderKind.DEADLINE, deadline),
    ]
    return [(kind, day) for kind, day in plan if agreed_at.date() < day]


def reminder_next_at(
    *,
    agreed_at: datetime.datetime,
    due_at: datetime.datetime,
    overdue_at: datetime.datetime | None,
    now: datetime.datetime,
) -> datetime.datetime | None:
    """When the sweep next has work for an order awaiting payment, once today's is done: the
    start (UTC) of the next day with a scheduled reminder, or the deadline itself while the
    order is not marked overdue (a deadline already past means: again at the next sweep).
    None when nothing is left."""
    moments = [
        datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        for _kind, day in _reminder_days(agreed_at, due_at)
        if day > now.date()
    ]
    if overdue_at is None:
        moments.append(due_at)
    return min(moments, default=None)


def reminder_schedule_stop(*, order_id: int) -> None:
    """The order left awaiting payment (paid or cancelled): the sweep has nothing more to do."""
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
    now = now or timezone.now()
    lease = _queue_lease(now)
    order_ids = sorted(
        update_returning(
            PaymentPlan.objects.filter(next_reminder_at__lte=now),
            "order_id",
            next_reminder_at=lease,
        )
    )
    size = settings.REMINDER_BATCH_SIZE
    batches = [order_ids[i : i + size] for i in range(0, len(order_ids), size)]
    if batches:
        from payments.tasks import reminders_batch

        def enqueue():
            with reminders_batch.app.producer_or_acquire() as producer:
                for batch in batches:
                    # One connection for all; argsrepr spares a repr of every id in the logs.
                    reminders_batch.apply_async(
                        (batch, lease.isoformat()),
                        producer=producer,
                        argsrepr=f"({len(batch)} orders, {lease.isoformat()})",
                    )

        transaction.on_commit(enqueue)
    return {"orders": len(order_ids), "batches": len(batches)}


def reminders_batch_run(
    *, order_ids: list[int], lease: datetime.datetime, now: datetime.datetime | None = None
) -> dict:
    """One batch the sweep queued: for each order it still holds, marks the order overdue once
    past its deadline, sends the reminder that falls due today and any manual reminder whose
    task was lost (each claimed, so never twice), and stores when the order is next due.

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
            "pk", "status", "agreed_at", "payment_due_at", "overdue_at"
        )
    )
    awaiting = [row for row in orders if row[1] == OrderStatus.AWAITING_PAYMENT]
    planned = []
    for pk, _status, agreed_at, due_at, _overdue_at in awaiting:
        step = reminder_plan(agreed_at=agreed_at, due_at=due_at, today=now.date())
        if step is not None:
            planned.append(Reminder(order_id=pk, kind=step[0], due_on=step[1]))
    Reminder.objects.bulk_create(planned, ignore_conflicts=True)
    keys = {(r.order_id, r.kind, r.due_on) for r in planned}
    due = [
        (pk, order_id)
        for pk, order_id, kind, due_on in Reminder.objects.filter(
            order_id__in=[row[0] for row in awaiting], claimed_at__isnull=True, skipped=False
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
    for pk, status, agreed_at, due_at, overdue_at in orders:
        if pk in failed:
            continue
        if status != OrderStatus.AWAITING_PAYMENT:
            next_at.setdefault(None, []).append(pk)
            continue
        if overdue_at is None and due_at <= now:
            try:
                payment_overdue_mark(order_id=pk)
            except Exception:
                logger.exception("Marking order %s overdue failed", pk)
                continue
            overdue_at = now
        moment = reminder_next_at(
            agreed_at=agreed_at, due_at=due_at, overdue_at=overdue_at, now=now
        )
        next_at.setdefault(moment, []).append(pk)
    for moment, pks in next_at.items():
        # Only where the batch still holds the lease: a service may have moved it meanwhile.
        PaymentPlan.objects.filter(order_id__in=pks, next_reminder_at=held).update(
            next_reminder_at=moment
        )
    return {"orders": len(orders), "reminders": sent, "failed": len(failed)}


@transaction.atomic
def reminder_deliver(*, reminder_id: int) -> bool:
    """Sends a reminder to the buyer's members: in-app, by e-mail (queued after commit) and in
    the chat. Claimed first by a conditional UPDATE in the same transaction: a second delivery
    of the task changes no row and sends nothing; a worker dying midway rolls the claim back.
    """
    now = timezone.now()
    if not Reminder.objects.filter(pk=reminder_id, claimed_at__isnull=True).update(claimed_at=now):
        return False
    reminder = Reminder.objects.select_related(
        "order__negotiation__seller_company", "requested_by"
    ).get(pk=reminder_id)
    order = reminder.order
    if order.status != OrderStatus.AWAITING_PAYMENT:
        Reminder.objects.filter(pk=reminder_id).update(skipped=True)
        return False
    amounts = selectors.amounts_due(
        terms=selectors.agreed_terms(order), payments=order.payments.all()
    )
    amount_due = amounts.due_now or amounts.outstanding
    link = selectors.pay_url(order)
    # The pages' date format, so that the e-mail, the chat line and the page agree.
    deadline = date_format(timezone.localtime(order.payment_due_at), "DATE_FORMAT")
    amount = format_money(amount_due, amounts.currency)
    notifications_send(
        messages=[
            Message(
                company_id=order.negotiation.buyer_company_id,
                kind=Kind.PAYMENT_REMINDER,
                title=_("Payment reminder: %(amount)s due for %(number)s")
                % {"amount": amount, "number": order.number},
                body=_("Please pay %(amount)s by %(deadline)s.")
                % {"amount": amount, "deadline": deadline},
                url=link,
                order_id=order.pk,
                email_template="payment_reminder",
                email_context={
                    "order_number": order.number,
                    "seller": str(order.negotiation.seller_company),
                    "amount": amount,
                    "outstanding": format_money(amounts.outstanding, amounts.currency),
                    "deadline": deadline,
                    "overdue": order.overdue_at is not None,
                    "pay_url": link,
                    "kind": reminder.get_kind_display(),
                },
            )
        ]
    )
    _chat_reminder(order=order, amount=amount, deadline=deadline)
    return True


def _chat_reminder(*, order: Order, amount: str, deadline: str) -> None:
    """A system message in the negotiation's chat (the chat posts order events itself;
    reminders are not order events, so they are posted here)."""
    system_message_post(
        negotiation_id=order.negotiation_id,
        text=_("Payment reminder: %(amount)s is due by %(deadline)s.")
        % {"amount": amount, "deadline": deadline},
        order_id=order.pk,
        version=order.version,
    )


# --- Overdue ---------------------------------------------------------------------------------


@transaction.atomic
def payment_overdue_mark(*, order_id: int) -> bool:
    """Marks an unpaid order overdue once its deadline has passed (both sides are told through
    the order's 'overdue' event). False when there is nothing (more) to do."""
    # The orders state machine owns the rule (awaiting payment, past due, not yet marked).
    try:
        order_services.order_mark_overdue(order_id=order_id)
    except (Order.DoesNotExist, InvalidTransition, StaleVersion):
        return False
    return True
