from decimal import Decimal

from payments.models import Payment, PaymentStatus
from payments.selectors import amounts_due


def terms(total="5150.00", percent=30, currency="USD", balance_due="before_shipment"):
    return {
        "totals": {"currency": currency, "total": total},
        "payment": {"initial_payment_percent": percent, "balance_due": balance_due},
    }


def payment(amount, status=PaymentStatus.RECEIVED):
    return Payment(amount=Decimal(amount), status=status)


def test_initial_payment_is_the_percent_of_the_total_and_the_balance_the_rest():
    amounts = amounts_due(terms=terms(), payments=[])

    assert amounts.initial == Decimal("1545.00")
    assert amounts.balance == Decimal("3605.00")
    assert amounts.due_now == Decimal("1545.00")
    assert amounts.outstanding == Decimal("5150.00")


def test_amounts_are_rounded_to_the_currency_minor_unit():
    amounts = amounts_due(terms=terms(total="1001", percent=33, currency="JPY"), payments=[])

    assert amounts.initial == Decimal("330")
    assert amounts.balance == Decimal("671")


def test_a_partial_payment_reduces_what_is_due_now_and_outstanding():
    amounts = amounts_due(terms=terms(), payments=[payment("1000.00")])

    assert amounts.received == Decimal("1000.00")
    assert amounts.due_now == Decimal("545.00")
    assert amounts.due_later == Decimal("3605.00")
    assert amounts.outstanding == Decimal("4150.00")
    assert not amounts.initial_covered


def test_submitted_payments_limit_what_may_still_be_paid_but_are_not_received():
    amounts = amounts_due(terms=terms(), payments=[payment("1545.00", PaymentStatus.SUBMITTED)])

    assert amounts.received == Decimal("0.00")
    assert amounts.pending == Decimal("1545.00")
    assert amounts.payable == Decimal("3605.00")


def test_rejected_and_declined_payments_count_for_nothing():
    amounts = amounts_due(
        terms=terms(),
        payments=[payment("100", PaymentStatus.REJECTED), payment("200", PaymentStatus.DECLINED)],
    )

    assert amounts.received == amounts.pending == Decimal("0.00")


def test_payments_covering_the_total_leave_nothing_outstanding():
    amounts = amounts_due(terms=terms(), payments=[payment("1545.00"), payment("3605.00")])

    assert amounts.fully_paid
    assert amounts.outstanding == Decimal(0)
    assert amounts.payable == Decimal(0)
