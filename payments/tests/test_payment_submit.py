from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from common.files import private_storage
from orders.models import OrderEvent, OrderStatus
from orders.tests.factories import make_order
from payments import services
from payments.models import Payment, PaymentStatus
from payments.tests.factories import pay

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def test_buyer_submits_a_bank_transfer_that_waits_for_the_seller(awaiting_order, buyer):
    payment = pay(awaiting_order, buyer, "1545.00")

    assert payment.status == PaymentStatus.SUBMITTED
    assert payment.amount == Decimal("1545.00")
    assert payment.reference == "TT-REF-1"
    awaiting_order.refresh_from_db()
    assert awaiting_order.initial_paid_at is None


def test_the_same_idempotency_key_records_one_payment(awaiting_order, buyer):
    first = pay(awaiting_order, buyer, "1545.00", key="double-click-1")
    second = pay(awaiting_order, buyer, "1545.00", key="double-click-1")

    assert second.pk == first.pk
    assert Payment.objects.filter(order=awaiting_order).count() == 1


def test_a_resend_with_the_same_key_is_not_refused_as_an_overpayment(awaiting_order, buyer):
    pay(awaiting_order, buyer, "5150.00", key="resend-0001")

    again = pay(awaiting_order, buyer, "5150.00", key="resend-0001")

    assert Payment.objects.filter(order=awaiting_order).count() == 1
    assert again.amount == Decimal("5150.00")


def test_a_payment_without_idempotency_key_is_refused(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", key="")

    assert "idempotency_key" in error.value.errors


def test_an_overpayment_is_refused_with_a_field_error(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "5150.01")

    assert "more than the outstanding" in error.value.errors["amount"][0]
    assert not Payment.objects.exists()


def test_pending_transfers_count_against_the_outstanding_amount(awaiting_order, buyer):
    pay(awaiting_order, buyer, "5000.00", key="first-0001")

    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "200.00", key="second-001")

    assert "amount" in error.value.errors


def test_a_wrong_currency_is_refused_with_a_field_error(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", currency="EUR")

    assert error.value.errors["currency"] == ["This order is payable in USD only."]


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "10.001"])
def test_an_invalid_amount_is_refused(awaiting_order, buyer, amount):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, amount)

    assert "amount" in error.value.errors


def test_a_transfer_needs_a_reference(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", reference="")

    assert "reference" in error.value.errors


def test_a_pdf_remittance_slip_is_kept(awaiting_order, buyer):
    slip = SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf")

    payment = pay(awaiting_order, buyer, "100.00", slip=slip)

    assert payment.slip_content_type == "application/pdf"
    assert payment.slip.name


def test_a_slip_is_stored_privately_under_a_random_name_typed_by_its_content(
    awaiting_order, buyer, settings
):
    slip = SimpleUploadedFile("remittance.html", PDF, content_type="text/html")

    payment = pay(awaiting_order, buyer, "100.00", slip=slip)

    assert payment.slip.name.startswith("payments/slips/")
    assert payment.slip.name.endswith(".pdf")
    assert "remittance" not in payment.slip.name
    assert payment.slip_name == "remittance.html"
    assert payment.slip.storage is private_storage()
    assert not payment.slip.path.startswith(settings.MEDIA_ROOT)


def test_a_slip_is_typed_by_its_content_not_its_name(awaiting_order, buyer):
    fake = SimpleUploadedFile("slip.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", slip=fake)

    assert "slip" in error.value.errors


def test_a_slip_over_10_mb_is_refused(awaiting_order, buyer, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("slip.pdf", PDF + b"0" * 200, content_type="application/pdf")

    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", slip=big)

    assert "slip" in error.value.errors


def test_the_seller_cannot_pay(awaiting_order, seller):
    with pytest.raises(NotAllowed):
        pay(awaiting_order, seller, "100.00")


def test_an_outsider_cannot_find_the_order(awaiting_order, other_buyer):
    with pytest.raises(NotFound):
        pay(awaiting_order, other_buyer, "100.00")


def test_an_order_not_yet_agreed_cannot_be_paid(buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    with pytest.raises(InvalidTransition):
        pay(order, buyer, "100.00")


def test_the_sandbox_card_4242_is_received_at_once(card_order, buyer):
    payment = pay(
        card_order, buyer, "1545.00", provider="sandbox_card", card_number="4242 4242 4242 4242"
    )

    assert payment.status == PaymentStatus.RECEIVED
    assert payment.card_last4 == "4242"
    card_order.refresh_from_db()
    assert card_order.initial_paid_at is not None


def test_the_sandbox_card_4000000000000002_is_declined(card_order, buyer):
    payment = pay(
        card_order, buyer, "1545.00", provider="sandbox_card", card_number="4000000000000002"
    )

    assert payment.status == PaymentStatus.DECLINED
    assert payment.reason == "The card was declined."
    card_order.refresh_from_db()
    assert card_order.initial_paid_at is None


def test_an_invalid_card_number_is_refused(card_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(card_order, buyer, "100.00", provider="sandbox_card", card_number="4242424242424241")

    assert "card_number" in error.value.errors


def test_a_card_payment_is_refused_on_an_order_agreed_by_bank_transfer(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(
            awaiting_order,
            buyer,
            "1545.00",
            provider="sandbox_card",
            card_number="4242424242424242",
        )

    assert list(error.value.errors) == ["provider"]
    assert not awaiting_order.payments.exists()


def test_a_bank_transfer_is_refused_on_an_order_agreed_by_card(card_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(card_order, buyer, "1545.00", reference="TT-1")

    assert list(error.value.errors) == ["provider"]


def test_an_unknown_provider_is_refused(awaiting_order, buyer):
    with pytest.raises(ValidationFailed) as error:
        pay(awaiting_order, buyer, "100.00", provider="bitcoin")

    assert "provider" in error.value.errors


def test_received_payments_covering_the_initial_payment_record_it(awaiting_order, buyer, seller):
    payment = pay(awaiting_order, buyer, "1545.00")

    services.payment_mark_received(payment_id=payment.pk, actor=seller)

    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_PAYMENT
    assert awaiting_order.initial_paid_at is not None
    assert awaiting_order.events.filter(type=OrderEvent.Type.PAYMENT_RECORDED).count() == 1


def test_partial_payments_below_the_initial_payment_record_nothing(awaiting_order, buyer, seller):
    payment = pay(awaiting_order, buyer, "1000.00")

    services.payment_mark_received(payment_id=payment.pk, actor=seller)

    awaiting_order.refresh_from_db()
    assert awaiting_order.initial_paid_at is None


def test_received_payments_covering_the_total_make_the_order_ready_to_ship(
    awaiting_order, buyer, seller
):
    first = pay(awaiting_order, buyer, "1545.00", key="payment-001")
    services.payment_mark_received(payment_id=first.pk, actor=seller)
    second = pay(awaiting_order, buyer, "3605.00", key="payment-002")

    services.payment_mark_received(payment_id=second.pk, actor=seller)

    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.READY_TO_SHIP
    assert awaiting_order.paid_at is not None
    paid = awaiting_order.events.get(type=OrderEvent.Type.PAID)
    assert (paid.data["amount"], paid.data["paid"]) == ("5150.00", ["balance"])
    assert awaiting_order.events.filter(type=OrderEvent.Type.READY_TO_SHIP).count() == 1


def test_only_the_seller_marks_a_payment_received(awaiting_order, buyer):
    payment = pay(awaiting_order, buyer, "1545.00")

    with pytest.raises(NotAllowed):
        services.payment_mark_received(payment_id=payment.pk, actor=buyer)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_an_outsider_cannot_mark_a_payment_received(awaiting_order, buyer, other_seller):
    payment = pay(awaiting_order, buyer, "1545.00")

    with pytest.raises(NotFound):
        services.payment_mark_received(payment_id=payment.pk, actor=other_seller)


def test_a_payment_cannot_be_decided_twice(awaiting_order, buyer, seller):
    payment = pay(awaiting_order, buyer, "1545.00")
    services.payment_mark_received(payment_id=payment.pk, actor=seller)

    with pytest.raises(InvalidTransition):
        services.payment_reject(payment_id=payment.pk, actor=seller, reason="Not there")


def test_the_seller_rejects_a_transfer_with_a_reason(awaiting_order, buyer, seller):
    payment = pay(awaiting_order, buyer, "1545.00")

    services.payment_reject(payment_id=payment.pk, actor=seller, reason="No such transfer arrived")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED
    assert payment.reason == "No such transfer arrived"
    assert payment.decided_by == seller


def test_a_rejection_needs_a_reason(awaiting_order, buyer, seller):
    payment = pay(awaiting_order, buyer, "1545.00")

    with pytest.raises(ValidationFailed) as error:
        services.payment_reject(payment_id=payment.pk, actor=seller, reason="  ")

    assert "reason" in error.value.errors
