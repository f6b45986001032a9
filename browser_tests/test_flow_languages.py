"""The main flow once in two languages (issue 15): a Chinese seller and a German buyer turn an
inquiry into an agreed order and a payment reminder; every page each of them sees is in their
own language, and the screenshots of docs/ show the workspace in Chinese and a page in German.

Expected strings come from the catalogues through Django's own ``gettext`` (the test follows
the catalogue); a few are literal Chinese and German, so the test fails if a page stays English.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from browser_tests.layout import fits_its_box, inside_screen, no_page_scroll, on_one_line
from inquiries.models import Inquiry
from notifications.models import EmailState, Kind, Notification
from orders.models import Order, OrderStatus
from orders.tests.factories import make_order
from payments.tests.factories import set_bank_details

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def in_language(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % values if values else text


def zh(msgid: str, **values) -> str:
    return in_language("zh-hans", msgid, **values)


def de(msgid: str, **values) -> str:
    return in_language("de", msgid, **values)


def starting(text: str) -> re.Pattern:
    """A label that starts with ``text`` (a required field's label ends in an asterisk)."""
    return re.compile(f"^{re.escape(text)}")


def fill_letter_of_intent(page):
    """The seller completes the drafted letter of intent (fields by name: labels are Chinese)."""
    form = page.locator("#loi-form")
    form.locator("[name=incoterm]").select_option("FOB")
    form.locator("[name=shipping_method]").select_option("sea")
    form.locator("[name=origin_port]").fill("Ningbo")
    form.locator("[name=destination_address]").fill("Port of Hamburg")
    form.locator("[name=packaging]").fill("24 bottles per carton")
    form.locator("[name=delivery_lead_days]").fill("30")
    form.locator("[name=payment_method]").select_option("tt")
    form.locator("[name=initial_payment_percent]").fill("30")
    form.locator("[name=balance_due]").select_option("before_shipment")
    form.locator("[name=payment_deadline_days]").fill("14")


def test_a_chinese_seller_and_a_german_buyer_agree_an_order_each_in_their_language(
    page_for, chinese_seller, german_buyer, product, screenshot
):
    set_bank_details(chinese_seller)  # a T/T order is agreed only with them on file
    buyer = page_for(german_buyer, viewport=DESKTOP)
    seller = page_for(chinese_seller, viewport=DESKTOP)

    # The buyer writes to the supplier from the product page, in German.
    buyer.goto(f"/products/{product.pk}/")
    expect(buyer.locator("html")).to_have_attribute("lang", "de")
    expect(buyer.get_by_role("heading", name=de("Prices"))).to_be_visible()
    buyer.get_by_role("link", name="Lieferanten kontaktieren").click()
    expect(buyer.get_by_role("heading", name=de("Contact Supplier"), level=1)).to_be_visible()
    buyer.get_by_role("textbox", name=starting(de("Message"))).fill("Please quote 600 bottles.")
    buyer.get_by_role("spinbutton", name=starting(de("Quantity"))).fill("600")
    buyer.get_by_role("button", name="Anfrage senden").click()
    expect(buyer.get_by_text("Ihre Anfrage wurde an den Lieferanten gesendet.")).to_be_visible()

    # The seller finds it, new, among his business opportunities, in Chinese.
    seller.goto("/negotiations/")
    expect(seller.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(seller.get_by_role("heading", name="商机", level=1)).to_be_visible()
    row = seller.get_by_role("row", name=re.compile("Hanse Trading GmbH"))
    expect(row.get_by_text(zh("New"), exact=True)).to_be_visible()
    row.get_by_role("link", name="Hanse Trading GmbH").click()
    expect(seller.get_by_role("heading", name=zh("Original inquiry"))).to_be_visible()
    expect(seller.locator(".turn")).to_have_text(
        zh("Your turn: reply to this inquiry with a letter of intent.")
    )

    # He drafts the letter of intent, completes it and confirms it.
    seller.get_by_role("button", name="起草意向书").click()
    expect(seller.get_by_text(zh("Letter of intent drafted from the inquiry."))).to_be_visible()
    expect(seller.get_by_role("button", name="确认订单")).to_be_disabled()
    expect(seller.locator(".turn")).to_contain_text(
        zh("Your turn: complete the letter of intent, then confirm it to send it to the buyer.")
    )
    fill_letter_of_intent(seller)
    expect(seller.locator(".completion-percent")).to_have_text("100 %")
    seller.get_by_role("button", name=zh("Save draft")).click()
    expect(seller.get_by_text(zh("Draft saved."))).to_be_visible()
    seller.get_by_role("button", name="确认订单").click()
    expect(seller.get_by_text(zh("Order confirmed. Waiting for the other side."))).to_be_visible()
    expect(seller.locator(".turn")).to_contain_text(zh("Waiting for the buyer."))

    # The buyer finds it among his orders and confirms it as it is.
    buyer.goto("/negotiations/")
    expect(buyer.get_by_role("heading", name=de("My orders and inquiries"))).to_be_visible()
    buyer.get_by_role("row", name=re.compile("Ningbo Bright")).get_by_role("link").click()
    expect(buyer.locator(".turn")).to_contain_text(
        de("Your turn: review the letter of intent and confirm it or modify it.")
    )
    buyer.get_by_role("button", name="Bestätigen", exact=True).click()
    expect(
        buyer.get_by_text("Beide Parteien haben bestätigt: Die Bestellung ist vereinbart.")
    ).to_be_visible()
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT

    # The buyer can now pay; the seller sees the order and reminds him.
    payment = buyer.locator(".payment-panel")
    expect(payment.get_by_role("heading", name=de("Payment"))).to_be_visible()
    expect(payment.get_by_test_id("payment-state")).to_have_text(de("Awaiting payment"))
    expect(buyer.get_by_role("link", name="Zur Zahlung")).to_be_visible()

    seller.reload()
    expect(seller.get_by_role("link", name="查看订单")).to_be_visible()
    expect(seller.locator(".payment-panel").get_by_test_id("payment-state")).to_have_text(
        zh("Awaiting payment")
    )
    seller.get_by_role("button", name="提醒买家付款").click()
    expect(seller.get_by_text(zh("The buyer is being reminded to pay."))).to_be_visible()

    # The order sheet, in Chinese.
    seller.get_by_role("link", name="查看订单").click()
    expect(
        seller.get_by_role("heading", name=f"{zh('Order')} {order.number}", level=1)
    ).to_be_visible()
    expect(seller.get_by_role("heading", name=zh("Seal of the agreed terms"))).to_be_visible()
    expect(seller.get_by_role("heading", name=zh("Parties"))).to_be_visible()

    # Go To Pay, in German.
    buyer.get_by_role("link", name="Zur Zahlung").click()
    expect(
        buyer.get_by_role("heading", name=de("Go To Pay: %(number)s", number=order.number))
    ).to_be_visible()
    expect(buyer.get_by_role("heading", name=de("Amount due"))).to_be_visible()
    # Prefilled as the form reads it back, not in the German number format ("864,0000").
    expect(buyer.locator("#amount-bank_transfer")).to_have_value("864.00")
    no_page_scroll(buyer)
    screenshot(buyer, "pay_de_1280")

    # What reached each of them outside the pages: notifications (and their e-mails, sent by
    # the server) in their own language.
    inquiry = Inquiry.objects.get()
    new_inquiry = Notification.objects.get(user=chinese_seller, kind=Kind.NEW_INQUIRY)
    assert new_inquiry.title == zh("New inquiry: %(subject)s", subject=inquiry.subject)
    assert new_inquiry.title.startswith("新询盘")
    reminder = Notification.objects.get(user=german_buyer, kind=Kind.PAYMENT_REMINDER)
    assert reminder.title.startswith("Zahlungserinnerung")
    assert {new_inquiry.email_state, reminder.email_state} == {EmailState.SENT}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_workspace_in_chinese_and_in_german_fits_the_screen(
    page_for, chinese_seller, german_buyer, product, screenshot, viewport
):
    set_bank_details(chinese_seller)
    order = make_order(
        buyer=german_buyer,
        seller=chinese_seller,
        status=OrderStatus.AWAITING_PAYMENT,
        product=product,
    )
    width = viewport["width"]
    url = f"/negotiations/{order.negotiation_id}/"
    # At 390 px the first screen, as a phone shows it (the pane tabs stick to the bottom).
    full_page = width > PHONE["width"]

    for user, name, remind_or_pay in (
        (chinese_seller, "zh", "提醒买家付款"),
        (german_buyer, "de", "Zur Zahlung"),
    ):
        page = page_for(user, viewport=viewport)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        expect(page.locator("#loi-heading")).to_contain_text(
            in_language(user.language, "Letter of intent")
        )
        expect(page.locator(".payment-actions").get_by_text(remind_or_pay)).to_be_visible()
        no_page_scroll(page)
        inside_screen(page, page.locator(".payment-actions .button, .loi .button"))
        # A state ("应付", "Fällig") is not broken over lines, nor a Chinese due date.
        on_one_line(page.locator(".payment-panel .badge"))
        if name == "zh":
            on_one_line(page.locator(".instalments time"))
        if width == PHONE["width"]:
            # The header stays one row: "Verhandlungsportal" beside the bell and the menu.
            brand = page.locator(".site-header .brand").bounding_box()
            toggle = page.locator(".site-header .nav-toggle").bounding_box()
            assert toggle["y"] < brand["y"] + brand["height"], (brand, toggle)
        else:
            # The schedule fits its card: no column pushed out of sight.
            fits_its_box(page.locator(".payment-panel .table-wrap"))
            # The chat's times in the reader's language ("23:11"), not the browser's ("11:11 PM").
            times = page.locator(".chat-meta time")
            expect(times.first).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"workspace_{name}_{width}", full_page=full_page)
