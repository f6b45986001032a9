"""Reads of payments, each with the access check of the order they belong to."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Side
from common.errors import NotFound
from common.money import quantize
from orders import services as order_services
from orders.models import BalanceDue, Order, OrderStatus, Revision
from orders.selectors import order_get_for_user, orders_for_user, side_of
from payments.models import (
    BankAccount,
    BankAccountChange,
    Instalment,
    InstalmentKind,
    InstalmentState,
    Payment,
    PaymentPlan,
    PaymentStatus,
    Refund,
    RefundState,
    Reminder,
)

# A transfer the buyer reported is decided by the seller while the order takes payments, and
# still after it was cancelled: the money may have arrived (received, it is owed back).
DECIDING_STATES = (*order_services.PAYING_STATES, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class Amounts:
    """What the schedule asks for and what has come in, in the order's currency.

    ``instalments`` are the order's rows in schedule order; ``paid`` is the received money
    they hold (money refunded or owed back is not counted).
    """

    currency: str
    instalments: tuple[Instalment, ...]
    received: Decimal
    pending: Decimal
    refunds: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((i.paid_amount for i in self.instalments), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        return max(self.total - self.paid, Decimal(0))

    @property
    def current(self) -> Instalment | None:
        """The instalment to pay next: the earliest unpaid one with a due date."""
        dated = [i for i in self.instalments if not i.is_paid and i.due_at is not None]
        return min(dated, key=lambda i: (i.due_at, i.position), default=None)

    @property
    def due_now(self) -> Decimal:
        """What is left of the instalment to pay next; the rest falls due later."""
        current = self.current
        return current.outstanding if current else Decimal(0)

    @property
    def due_later(self) -> Decimal:
        return self.outstanding - self.due_now

    @property
    def payable(self) -> Decimal:
        """The most a new payment may be: outstanding less what awaits the seller's check."""
        return max(self.outstanding - self.pending, Decimal(0))

    @property
    def suggested(self) -> Decimal:
        """The amount the payment form starts with."""
        return min(max(self.due_now - self.pending, Decimal(0)) or self.payable, self.payable)

    @property
    def fully_paid(self) -> bool:
        return bool(self.instalments) and all(i.is_paid for i in self.instalments)

    @property
    def overdue(self) -> list[Instalment]:
        return [i for i in self.instalments if i.state == InstalmentState.OVERDUE]


def received_and_pending(payments: Iterable[Payment]) -> tuple[Decimal, Decimal]:
    received = pending = Decimal(0)
    for payment in payments:
        if payment.status == PaymentStatus.RECEIVED:
            received += payment.amount
        elif payment.status == PaymentStatus.SUBMITTED:
            pending += payment.amount
    return received, pending


def amounts_due(
    *,
    instalments: Iterable[Instalment],
    payments: Iterable[Payment],
    refunds: Iterable[Refund] = (),
    currency: str,
) -> Amounts:
    """From the order's instalments, payments and refunds (already loaded)."""
    received, pending = received_and_pending(payments)
    return Amounts(
        currency=currency,
        instalments=tuple(instalments),
        received=quantize(received, currency),
        pending=quantize(pending, currency),
        refunds=quantize(sum((r.amount for r in refunds), Decimal(0)), currency),
    )


def order_amounts(order: Order) -> Amounts:
    """The order's amounts, read fresh (three queries)."""
    return amounts_due(
        instalments=Instalment.objects.filter(order_id=order.pk),
        payments=Payment.objects.filter(order_id=order.pk),
        refunds=Refund.objects.filter(order_id=order.pk),
        currency=order.currency,
    )


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=datetime.UTC)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def schedule_for(
    *,
    terms: dict,
    agreed_at: datetime.datetime,
    shipped_on: datetime.date | None,
    received_on: datetime.date | None,
) -> list[dict]:
    """The instalments the terms (a canonical document) ask for, as field dicts.

    The initial payment (deposit %) is due ``payment_deadline_days`` after agreement. The
    balance is due on its event: before shipment, by the same payment deadline (the seller
    may not ship before it is paid); N days (``balance_due_days``) after the first shipment or
    after delivery, with no due date until that event happened.
    """
    currency = terms["totals"]["currency"]
    total = quantize(Decimal(terms["totals"]["total"] or 0), currency)
    payment = terms["payment"]
    percent = int(payment.get("initial_payment_percent") or 0)
    initial = quantize(total * percent / 100, currency)
    deadline_days = int(payment.get("payment_deadline_days") or 0)
    deadline = agreed_at + datetime.timedelta(days=deadline_days)
    rows = []
    if initial > 0:
        rows.append(
            {
                "kind": InstalmentKind.INITIAL,
                "position": 0,
                "due_event": "agreement",
                "due_days": deadline_days,
                "before_shipment": True,
                "amount": initial,
                "due_from": agreed_at,
                "due_at": deadline,
            }
        )
    balance = total - initial
    if balance > 0:
        event = payment.get("balance_due") or BalanceDue.BEFORE_SHIPMENT
        days = int(payment.get("balance_due_days") or 0)
        if event == BalanceDue.BEFORE_SHIPMENT:
            start, due_at, days = agreed_at, deadline, deadline_days
        else:
            day = shipped_on if event == BalanceDue.AFTER_SHIPMENT else received_on
            start = _start_of_day(day) if day else None
            due_at = _end_of_day(day + datetime.timedelta(days=days)) if day else None
        rows.append(
            {
                "kind": InstalmentKind.BALANCE,
                "position": 1,
                "due_event": event,
                "due_days": days,
                "before_shipment": event == BalanceDue.BEFORE_SHIPMENT,
                "amount": balance,
                "due_from": start,
                "due_at": due_at,
            }
        )
    return rows


def instalment_state(instalment: Instalment) -> str:
    if instalment.paid_amount >= instalment.amount:
        return InstalmentState.PAID
    if instalment.due_at is None:
        return InstalmentState.PENDING
    if instalment.overdue_at is not None:
        return InstalmentState.OVERDUE
    if instalment.paid_amount > 0:
        return InstalmentState.PARTLY_PAID
    return InstalmentState.DUE


def instalment_label(instalment: Instalment) -> str:
    """'initial payment (30 %)', 'balance (due before shipment)', 'balance (due 30 days
    after delivery)': the words reminders and pages use."""
    if instalment.kind == InstalmentKind.INITIAL:
        return _("initial payment")
    if instalment.due_event == BalanceDue.BEFORE_SHIPMENT:
        return _("balance (due before shipment)")
    event = BalanceDue(instalment.due_event).label
    return ngettext(
        "balance (due %(days)d day %(event)s)",
        "balance (due %(days)d days %(event)s)",
        instalment.due_days,
    ) % {"days": instalment.due_days, "event": event}


def agreed_terms(order: Order) -> dict:
    return Revision.objects.values_list("terms", flat=True).get(
        order_id=order.pk, version=order.agreed_version
    )


def is_payable_order(order: Order) -> bool:
    """Orders both sides confirmed have a payment side at all; so do those cancelled after
    agreement (for non-payment), which show their payments and any refund owed."""
    return order.status in Order.CONFIRMED_BY_BOTH_STATES or order.agreed_at is not None


def bank_details_at(*, company_id: int, moment: datetime.datetime) -> dict:
    """The company's bank details as they stood at ``moment``, from the change history."""
    change = (
        BankAccountChange.objects.filter(company_id=company_id, changed_at__lte=moment)
        .order_by("-changed_at", "-pk")
        .first()
    )
    return change.new if change else {}


@dataclass
class PaymentSummary:
    order: Order
    side: str | None
    amounts: Amounts
    payments: list[Payment]
    bank_details: dict
    bank_changed_at: datetime.datetime | None
    # The seller's details as changed after agreement (the latest change), or {}.
    current_bank_details: dict
    next_reminder_at: datetime.datetime | None
    refunds: list[Refund] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)

    @property
    def instalments(self) -> tuple[Instalment, ...]:
        return self.amounts.instalments

    @property
    def deadline(self) -> datetime.datetime | None:
        """The due date of the instalment to pay next."""
        current = self.amounts.current
        return current.due_at if current else None

    @property
    def overdue(self) -> bool:
        return bool(self.amounts.overdue)

    @property
    def paid(self) -> bool:
        return self.amounts.fully_paid

    @property
    def paying(self) -> bool:
        return self.order.status in order_services.PAYING_STATES

    @property
    def can_pay(self) -> bool:
        return self.side == Side.BUYER and self.paying and self.amounts.payable > 0

    @property
    def can_remind(self) -> bool:
        return self.side == Side.SELLER and self.paying and self.amounts.current is not None

    @property
    def reminder_limited(self) -> bool:
        return self.next_reminder_at is not None and self.next_reminder_at > timezone.now()

    @property
    def can_decide(self) -> bool:
        return self.side == Side.SELLER and self.order.status in DECIDING_STATES

    @property
    def can_cancel_overdue(self) -> bool:
        return "cancel_overdue" in order_services.allowed_actions(self.order, self.side)

    @property
    def can_mark_refunded(self) -> bool:
        return self.side == Side.SELLER

    @property
    def submitted(self) -> list[Payment]:
        return [p for p in self.payments if p.status == PaymentStatus.SUBMITTED]

    @property
    def refunds_owed(self) -> list[Refund]:
        return [r for r in self.refunds if r.state == RefundState.OWED]


def payment_summary(*, user, order: Order, with_reminders: bool = False) -> PaymentSummary | None:
    """The payment side of an order the user may see, or None before both sides confirmed.

    A constant number of queries, however many instalments and payments: the instalments, the
    payments, the refunds, the plan, the latest bank-detail change (and the reminders when
    asked).
    """
    if not is_payable_order(order):
        return None
    instalments = list(Instalment.objects.filter(order_id=order.pk))
    payments = list(
        Payment.objects.filter(order_id=order.pk).select_related("submitted_by", "decided_by")
    )
    refunds = list(Refund.objects.filter(order_id=order.pk).select_related("marked_by"))
    plan = PaymentPlan.objects.filter(order_id=order.pk).first()
    seller_company_id = order.negotiation.seller_company_id
    if plan is not None:
        bank_details = plan.bank_details
    else:
        bank_details = bank_details_at(company_id=seller_company_id, moment=order.agreed_at)
    latest_change = (
        BankAccountChange.objects.filter(
            company_id=seller_company_id, changed_at__gt=order.agreed_at
        )
        .order_by("-changed_at", "-pk")
        .values("changed_at", "new")
        .first()
    ) or {"changed_at": None, "new": {}}
    reminders = []
    if with_reminders:
        reminders = list(
            Reminder.objects.filter(order_id=order.pk, claimed_at__isnull=False, skipped=False)
            .select_related("requested_by", "instalment")
            .order_by("-claimed_at")
        )
    return PaymentSummary(
        order=order,
        side=side_of(user, order),
        amounts=amounts_due(
            instalments=instalments, payments=payments, refunds=refunds, currency=order.currency
        ),
        payments=payments,
        bank_details=bank_details,
        bank_changed_at=latest_change["changed_at"],
        current_bank_details=latest_change["new"],
        next_reminder_at=plan.next_manual_reminder_at if plan else None,
        refunds=refunds,
        reminders=reminders,
    )


def payment_summary_for_user(*, user, order_id: int, with_reminders: bool = False):
    """The summary, or NotFound for outsiders and for orders not yet agreed."""
    order = order_get_for_user(user=user, order_id=order_id)
    summary = payment_summary(user=user, order=order, with_reminders=with_reminders)
    if summary is None:
        raise NotFound(_("This order is not awaiting payment."))
    return summary


def payments_for_user(user) -> QuerySet[Payment]:
    return Payment.objects.filter(order__in=orders_for_user(user).values("pk"))


def payment_get_for_user(*, user, payment_id: int) -> Payment:
    payment = (
        payments_for_user(user)
        .select_related("order__negotiation", "submitted_by")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFound(_("No such payment."))
    return payment


def bank_account_for_company(company_id: int) -> BankAccount | None:
    return BankAccount.objects.filter(company_id=company_id).first()


def bank_account_changes(company_id: int) -> QuerySet[BankAccountChange]:
    return BankAccountChange.objects.filter(company_id=company_id).select_related("changed_by")


def orders_awaiting_payment_of_seller(company_id: int) -> QuerySet[Order]:
    """The seller's orders with money still to come: not completed, not cancelled, and an
    instalment not yet paid."""
    return (
        Order.objects.filter(
            negotiation__seller_company_id=company_id,
            status__in=order_services.PAYING_STATES,
        )
        .filter(
            Exists(
                Instalment.objects.filter(order_id=OuterRef("pk")).exclude(
                    state=InstalmentState.PAID
                )
            )
        )
        .select_related("negotiation__buyer_company")
    )


def pay_url(order: Order) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("payments:pay", args=[order.pk])


def order_fully_paid(order: Order) -> bool:
    """Every instalment of the order is paid (the completion rule asks this). One query."""
    states = set(Instalment.objects.filter(order_id=order.pk).values_list("state", flat=True))
    return states == {InstalmentState.PAID}


def refunds_for_user(user) -> QuerySet[Refund]:
    return Refund.objects.filter(order__in=orders_for_user(user).values("pk"))


def refund_get_for_user(*, user, refund_id: int) -> Refund:
    refund = (
        refunds_for_user(user).select_related("order__negotiation").filter(pk=refund_id).first()
    )
    if refund is None:
        raise NotFound(_("No such refund."))
    return refund
