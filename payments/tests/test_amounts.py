import datetime
from decimal import Decimal

from payments.models import Instalment, InstalmentState, Payment, PaymentStatus
from payments.selectors import amounts_due, instalment_state, schedule_for

AGREED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def terms(total="5150.00", percent=30, currency="USD", balance_due="before_shipment", days=None):
    payment = {
        "initial_payment_percent": percent,
        "balance_due": balance_due,
        "payment_deadline_days": 14,
    }
    if days is not None:
        payment["balance_due_days"] = days
    return {"totals": {"currency": currency, "total": total}, "payment": payment}


def schedule(document, shipped_on=None, received_on=None):
    return schedule_for(
        terms=document, agreed_at=AGREED, shipped_on=shipped_on, received_on=received_on
    )


def instalments(*amounts_paid_due, currency="USD"):
    rows = []
    for position, (amount, paid, due_at) in enumerate(amounts_paid_due):
        instalment = Instalment(
            kind=("initial", "balance")[position],
            position=position,
            amount=Decimal(amount),
            paid_amount=Decimal(paid),
            currency=currency,
            due_at=due_at,
        )
        instalment.state = instalment_state(instalment)
        rows.append(instalment)
    return rows


def payment(amount, status=PaymentStatus.RECEIVED):
    return Payment(amount=Decimal(amount), status=status)


def test_the_initial_payment_is_the_percent_of_the_total_and_the_balance_the_rest():
    initial, balance = schedule(terms())

    assert (initial["kind"], initial["amount"]) == ("initial", Decimal("1545.00"))
    assert (balance["kind"], balance["amount"]) == ("balance", Decimal("3605.00"))


def test_instalments_are_rounded_to_the_currency_minor_unit():
    initial, balance = schedule(terms(total="1001", percent=33, currency="JPY"))

    assert (initial["amount"], balance["amount"]) == (Decimal("330"), Decimal("671"))


def test_the_initial_payment_and_a_balance_before_shipment_are_due_by_the_payment_deadline():
    initial, balance = schedule(terms())

    deadline = AGREED + datetime.timedelta(days=14)
    assert (initial["due_at"], balance["due_at"]) == (deadline, deadline)
    assert initial["before_shipment"] and balance["before_shipment"]


def test_a_balance_after_delivery_has_no_due_date_before_delivery():
    _initial, balance = schedule(terms(balance_due="after_delivery", days=30))

    assert balance["due_at"] is None
    assert not balance["before_shipment"]


def test_a_balance_after_delivery_is_due_n_days_after_the_goods_were_received():
    _initial, balance = schedule(
        terms(balance_due="after_delivery", days=30), received_on=datetime.date(2026, 5, 4)
    )

    assert balance["due_at"] == datetime.datetime(2026, 6, 3, 23, 59, 59, tzinfo=datetime.UTC)


def test_a_balance_after_shipment_is_due_n_days_after_the_first_ship_date():
    _initial, balance = schedule(
        terms(balance_due="after_shipment", days=10), shipped_on=datetime.date(2026, 4, 1)
    )

    assert balance["due_at"].date() == datetime.date(2026, 4, 11)
    assert balance["due_event"] == "after_shipment"


def test_everything_up_front_is_one_instalment():
    (initial,) = schedule(terms(percent=100))

    assert initial["amount"] == Decimal("5150.00")


def test_no_deposit_is_one_instalment_the_balance():
    (balance,) = schedule(terms(percent=0, balance_due="after_delivery", days=30))

    assert balance["kind"] == "balance"


def test_an_instalment_without_a_due_date_is_pending_and_one_partly_paid_says_so():
    due = AGREED + datetime.timedelta(days=14)
    initial, balance = instalments(("1545.00", "1000.00", due), ("3605.00", "0", None))

    assert (initial.state, balance.state) == (InstalmentState.PARTLY_PAID, InstalmentState.PENDING)


def test_what_is_due_now_is_the_rest_of_the_instalment_to_pay_next():
    due = AGREED + datetime.timedelta(days=14)
    amounts = amounts_due(
        instalments=instalments(("1545.00", "1000.00", due), ("3605.00", "0", due)),
        payments=[payment("1000.00")],
        currency="USD",
    )

    assert amounts.current.kind == "initial"
    assert amounts.due_now == Decimal("545.00")
    assert amounts.due_later == Decimal("3605.00")
    assert amounts.outstanding == Decimal("4150.00")


def test_submitted_payments_limit_what_may_still_be_paid_but_are_not_received():
    due = AGREED + datetime.timedelta(days=14)
    amounts = amounts_due(
        instalments=instalments(("1545.00", "0", due), ("3605.00", "0", due)),
        payments=[payment("1545.00", PaymentStatus.SUBMITTED)],
        currency="USD",
    )

    assert amounts.received == Decimal("0.00")
    assert amounts.pending == Decimal("1545.00")
    assert amounts.payable == Decimal("3605.00")


def test_rejected_and_declined_payments_count_for_nothing():
    amounts = amounts_due(
        instalments=[],
        payments=[payment("100", PaymentStatus.REJECTED), payment("200", PaymentStatus.DECLINED)],
        currency="USD",
    )

    assert amounts.received == amounts.pending == Decimal("0.00")


def test_instalments_paid_in_full_leave_nothing_outstanding():
    due = AGREED + datetime.timedelta(days=14)
    amounts = amounts_due(
        instalments=instalments(("1545.00", "1545.00", due), ("3605.00", "3605.00", due)),
        payments=[payment("5150.00")],
        currency="USD",
    )

    assert amounts.fully_paid
    assert amounts.current is None
    assert amounts.outstanding == amounts.payable == Decimal(0)
