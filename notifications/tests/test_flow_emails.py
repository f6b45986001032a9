"""The e-mails of the main flow reach each person in their own language, with the real
catalogues (issue 15): a Chinese seller, a German buyer. Literal strings, so that an e-mail left
in English (or in the language of whoever acted) fails."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from inquiries.services import inquiry_create
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments import services as payment_services
from payments.tests.factories import set_bank_details

pytestmark = pytest.mark.django_db

AGREED = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC)  # deadline: 17 March


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def html(email) -> str:
    [(content, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return content


def test_the_chinese_seller_gets_the_new_inquiry_email_in_chinese(
    chinese_seller, german_buyer, product, django_capture_on_commit_callbacks
):
    # Sent by a German buyer, from his German page.
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        inquiry_create(
            actor=german_buyer,
            product_id=product.pk,
            values={
                "subject": "Bottles",
                "message": "Please quote 600.",
                "quantity": "600",
                "destination_country": "DE",
            },
        )

    [email] = mail.outbox
    assert email.to == [chinese_seller.email]
    assert email.subject == "新询盘：Bottles"
    assert email.body.startswith(f"{chinese_seller.get_full_name()}，您好：")
    assert "来自 Hanse Trading GmbH。" in email.body
    assert "新询盘：Bottles" in html(email)


def test_the_chinese_seller_is_told_of_the_german_buyers_confirmation_in_chinese(
    chinese_seller, german_buyer, product, django_capture_on_commit_callbacks
):
    set_bank_details(chinese_seller)
    order = make_order(
        buyer=german_buyer,
        seller=chinese_seller,
        status=OrderStatus.SELLER_CONFIRMED,
        product=product,
    )
    # The buyer confirms from his German page: the agreement e-mail (with the contract PDF)
    # reaches each side in its own language, not in the buyer's.
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=german_buyer, version=order.version)

    emails = {email.to[0]: email for email in mail.outbox}
    title = "%(number)s was confirmed by both parties: contract version %(version)s"
    values = {"number": order.number, "version": 1}
    to_seller = emails[chinese_seller.email]
    assert to_seller.subject == in_language("zh-hans", title) % values
    assert to_seller.body.startswith(f"{chinese_seller.get_full_name()}，您好：")
    to_buyer = emails[german_buyer.email]
    assert to_buyer.subject == in_language("de", title) % values
    assert to_buyer.body.startswith(f"Hallo {german_buyer.get_full_name()},")


def test_the_german_buyer_gets_the_payment_reminder_in_german(
    chinese_seller, german_buyer, product, django_capture_on_commit_callbacks
):
    with time_machine.travel(AGREED - datetime.timedelta(days=1), tick=False):
        set_bank_details(chinese_seller)
    with time_machine.travel(AGREED, tick=False):
        order = make_order(
            buyer=german_buyer,
            seller=chinese_seller,
            status=OrderStatus.AWAITING_PAYMENT,
            product=product,
        )
    mail.outbox.clear()

    # The Chinese seller presses "提醒买家付款" on his Chinese page.
    with (
        time_machine.travel(AGREED + datetime.timedelta(days=2), tick=False),
        translation.override("zh-hans"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        payment_services.reminder_request(order_id=order.pk, actor=chinese_seller)

    [email] = mail.outbox
    assert email.to == [german_buyer.email]
    assert email.subject == (
        f"Zahlungserinnerung: Anzahlung, 1.545,00 $, für Bestellung {order.number} "
        "ist fällig bis 17. März 2025"
    )
    assert email.body.startswith(f"Hallo {german_buyer.get_full_name()},")
    assert "Zur Zahlung:" in email.body
    assert "1.545,00\xa0$" in html(email)
