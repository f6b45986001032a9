"""Notifications and their e-mails are written in each recipient's language."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from accounts.tests.factories import SellerFactory
from common.i18n import later, lazy_format
from common.money import format_money
from notifications.models import Kind, Notification
from notifications.services import Message, notifications_send

pytestmark = pytest.mark.django_db


def new_inquiry(company_id):
    return Message(
        company_id=company_id,
        kind=Kind.NEW_INQUIRY,
        title=lazy_format(gettext_lazy("New inquiry: %(subject)s"), {"subject": "Bottles"}),
    )


def test_each_member_gets_the_notification_in_their_language(
    seller, test_catalogues, django_capture_on_commit_callbacks
):
    seller.language = "zh-hans"
    seller.save(update_fields=["language"])
    colleague = SellerFactory(company=seller.company, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(messages=[new_inquiry(seller.company_id)])

    assert Notification.objects.get(user=seller).title == "新询盘：Bottles"
    assert Notification.objects.get(user=colleague).title == "Neue Anfrage: Bottles"


def test_the_e_mail_is_rendered_in_the_recipients_language(
    seller, test_catalogues, django_capture_on_commit_callbacks
):
    seller.language = "zh-hans"
    seller.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(messages=[new_inquiry(seller.company_id)])

    [email] = mail.outbox
    assert email.subject == "新询盘：Bottles"
    assert email.body.startswith(f"{seller.get_full_name()}，您好：")


def test_money_in_a_notification_follows_the_recipients_locale(
    seller, django_capture_on_commit_callbacks
):
    seller.language = "de"
    seller.save(update_fields=["language"])
    amount = later(format_money, Decimal("1234.5"), "EUR")
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(
            messages=[
                Message(
                    company_id=seller.company_id,
                    kind=Kind.PAYMENT_SUBMITTED,
                    title=lazy_format(
                        gettext_lazy("Payment of %(amount)s submitted for %(number)s"),
                        {"amount": amount, "number": "PO-1"},
                    ),
                )
            ]
        )
    # German words (the de catalogue), German number format.
    assert "1.234,50\xa0€" in Notification.objects.get(user=seller).title


def test_a_plain_text_notification_is_stored_as_it_is(seller, django_capture_on_commit_callbacks):
    seller.language = "de"
    seller.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(
            messages=[Message(company_id=seller.company_id, kind=Kind.NEW_INQUIRY, title="Hi")]
        )
    assert Notification.objects.get(user=seller).title == "Hi"
