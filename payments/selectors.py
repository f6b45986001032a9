"""Reads of payments, each with the access check of the order they belong to."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Side
from common.errors import NotFound
from common.money import quantize
from orders import services as order_services
from orders.models import Order, OrderStatus, Revision
from orders.selectors import order_get_for_user, orders_for_user, side_of
from payments.models import (
    BankAccount,
    BankAccountChange,
    Payment,
    PaymentPlan,
    PaymentStatus,
    Reminder,
)


@dataclass(frozen=True)
class Amounts:
    """What the agreed terms ask for and what has come in, in the order's currency."""

    currency: str
    total: Decimal
    initial_percent: int
    initial: Decimal
    balance: Decimal
    balance_due: str
    received: Decimal
    pending: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.total - self.received, Decimal(0))

    @property
    def due_now(self) -> Decimal:
        """The initial payment still missing; the balance falls due later."""
        return max(self.initial - self.received, Decimal(0))

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
    def initial_covered(self) -> bool:
        return self.received >= self.initial

    @property
    def fully_paid(self) -> bool:
        return self.received >= self.total


def amounts_due(*, terms: dict, payments: Iterable[Payment]) -> Amounts:
    """From the agreed terms (a canonical Revision document) and the order's payments."""
    currency = terms["totals"]["currency"]
    total = quantize(Decimal(terms["totals"]["total"] or 0), currency)
    percent = int(terms["payment"].get("initial_payment_percent") or 0)
    initial = quantize(total * percent / 100, currency)
    received = pending = Decimal(0)
    for payment in payments:
        if payment.status == PaymentStatus.RECEIVED:
            received += payment.amount
        elif payment.status == PaymentStatus.SUBMITTED:
            pending += payment.amount
    return Amounts(
        currency=currency,
        total=total,
        initial_percent=percent,
        initial=initial,
        balance=total - initial,
        balance_due=terms["payment"].get("balance_due") or "",
        received=quantize(received, currency),
        pending=quantize(pending, currency),
    )


def agreed_terms(order: Order) -> dict:
    return Revision.objects.values_list("terms", flat=True).get(
        order_id=order.pk, version=order.agreed_version
    )


def is_payable_order(order: Order) -> bool:
    """Orders both sides confirmed (awaiting payment or paid) have a payment side at all."""
    return order.status in Order.CONFIRMED_BY_BOTH_STATES


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
    reminders: list[Reminder] = field(default_factory=list)

    @property
    def deadline(self) -> datetime.datetime | None:
        return self.order.payment_due_at

    @property
    def overdue(self) -> bool:
        return self.order.overdue_at is not None and not self.paid

    @property
    def paid(self) -> bool:
        return self.order.status == OrderStatus.PAID

    @property
    def awaiting(self) -> bool:
        return self.order.status == OrderStatus.AWAITING_PAYMENT

    @property
    def can_pay(self) -> bool:
        return self.side == Side.BUYER and self.awaiting and self.amounts.payable > 0

    @property
    def can_remind(self) -> bool:
        return self.side == Side.SELLER and self.awaiting

    @property
    def reminder_limited(self) -> bool:
        return self.next_reminder_at is not None and self.next_reminder_at > timezone.now()

    @property
    def can_decide(self) -> bool:
        return self.side == Side.SELLER and self.awaiting

    @property
    def can_cancel_overdue(self) -> bool:
        return "cancel_overdue" in order_services.allowed_actions(self.order, self.side)

    @property
    def submitted(self) -> list[Payment]:
        return [p for p in self.payments if p.status == PaymentStatus.SUBMITTED]


def payment_summary(*, user, order: Order, with_reminders: bool = False) -> PaymentSummary | None:
    """The payment side of an order the user may see, or None before both sides confirmed.

    A constant number of queries: the agreed revision, the payments, the plan, the latest
    bank-detail change (and the reminders when asked).
    """
    if not is_payable_order(order):
        return None
    terms = agreed_terms(order)
    payments = list(
        Payment.objects.filter(order_id=order.pk).select_related("submitted_by", "decided_by")
    )
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
            .select_related("requested_by")
            .order_by("-claimed_at")
        )
    return PaymentSummary(
        order=order,
        side=side_of(user, order),
        amounts=amounts_due(terms=terms, payments=payments),
        payments=payments,
        bank_details=bank_details,
        bank_changed_at=latest_change["changed_at"],
        current_bank_details=latest_change["new"],
        next_reminder_at=plan.next_manual_reminder_at if plan else None,
        reminders=reminders,
    )


def payment_summary_for_user(*, user, order_id: int, with_reminders: bool = False):
    """The summary, or NotFound for outsiders and for orders not yet agreed."""
    order = order_get_for_user(user=user, order_id=order_id)
    summary = payment_summary(user=user, order=order, with_reminders=with_reminders)
    if summary is None:
        raise NotFound("This order is not awaiting payment.")
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
        raise NotFound("No such payment.")
    return payment


def bank_account_for_company(company_id: int) -> BankAccount | None:
    return BankAccount.objects.filter(company_id=company_id).first()


def bank_account_changes(company_id: int) -> QuerySet[BankAccountChange]:
    return BankAccountChange.objects.filter(company_id=company_id).select_related("changed_by")


def orders_awaiting_payment_of_seller(company_id: int) -> QuerySet[Order]:
    return Order.objects.filter(
        negotiation__seller_company_id=company_id, status=OrderStatus.AWAITING_PAYMENT
    ).select_related("negotiation__buyer_company")


def pay_url(order: Order) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("payments:pay", args=[order.pk])


def order_fully_paid(order: Order) -> bool:
    """Every instalment of the order is paid (the completion rule asks this)."""
    return order.paid_at is not None
