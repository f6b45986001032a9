import pytest
from django.core import mail

from common.errors import NotAllowed, ValidationFailed
from notifications.models import Kind, Notification
from payments import services
from payments.models import BankAccountChange, PaymentPlan
from payments.tests.factories import BANK, NEW_BANK


def test_every_change_is_recorded_with_who_and_the_old_and_new_details(seller, bank):
    services.bank_account_update(actor=seller, values=NEW_BANK)

    change = BankAccountChange.objects.order_by("-pk").first()
    assert change.changed_by == seller
    assert change.old["bank_name"] == "Bank of Ningbo"
    assert change.new["bank_name"] == "Other Bank Ltd"
    assert change.new["account_number"] == "GB00FRAUD1234567"


def test_saving_the_same_details_records_no_change(seller, bank):
    services.bank_account_update(actor=seller, values=BANK)

    assert BankAccountChange.objects.count() == 1


def test_a_buyer_cannot_keep_bank_details(buyer):
    with pytest.raises(NotAllowed):
        services.bank_account_update(actor=buyer, values=BANK)


def test_an_invalid_swift_code_is_refused_with_a_field_error(seller):
    with pytest.raises(ValidationFailed) as error:
        services.bank_account_update(actor=seller, values={**BANK, "swift_bic": "XX"})

    assert list(error.value.errors) == ["swift_bic"]


def test_the_order_keeps_the_bank_details_as_they_were_at_agreement(awaiting_order, seller):
    services.bank_account_update(actor=seller, values=NEW_BANK)

    plan = PaymentPlan.objects.get(order=awaiting_order)
    assert plan.bank_details["bank_name"] == "Bank of Ningbo"


def test_a_change_warns_the_buyers_of_orders_awaiting_payment_by_email(
    awaiting_order, seller, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.bank_account_update(actor=seller, values=NEW_BANK)

    notification = Notification.objects.get(kind=Kind.BANK_DETAILS_CHANGED)
    assert notification.user == buyer
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "changed their bank details" in mail.outbox[0].subject
    assert "confirm the change with the seller by phone" in mail.outbox[0].body
