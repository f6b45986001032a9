"""Paying by bank transfer and reminding, in Chromium against the live server."""

import pytest
from playwright.sync_api import expect

from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments.tests.factories import set_bank_details

pytestmark = pytest.mark.browser


@pytest.fixture
def order(buyer, seller, product):
    set_bank_details(seller)
    return make_order(
        buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
    )


def test_the_buyer_pays_by_transfer_the_seller_marks_it_received_and_both_see_it_paid(
    order, buyer_page, seller_page
):
    buyer_page.goto(f"/payments/orders/{order.pk}/pay/")
    transfer = buyer_page.locator("section.payment-method", has_text="Bank transfer")
    expect(buyer_page.get_by_test_id("bank-details")).to_contain_text("BKNBCN2N")
    transfer.get_by_label("Amount (USD)").fill("5150.00")
    transfer.get_by_label("Transfer reference").fill("TT-2025-0042")
    transfer.get_by_role("button", name="Submit transfer").click()
    expect(buyer_page.get_by_test_id("payment-row")).to_contain_text("Submitted")

    seller_page.goto(f"/payments/orders/{order.pk}/")
    expect(seller_page.locator(".payment-decisions")).to_contain_text("TT-2025-0042")
    seller_page.get_by_role("button", name="Mark received").click()
    expect(seller_page.get_by_test_id("payment-state")).to_have_text("Paid")

    buyer_page.reload()
    expect(buyer_page.get_by_test_id("payment-state")).to_have_text("Paid")
    expect(buyer_page.get_by_test_id("amount-outstanding")).to_have_text("$0.00")


def test_the_sellers_reminder_button_is_limited_after_one_use(order, seller_page):
    seller_page.goto(f"/payments/orders/{order.pk}/")

    seller_page.get_by_role("button", name="Remind buyer to pay").click()

    expect(seller_page.get_by_role("button", name="Remind buyer to pay")).to_be_disabled()
    expect(seller_page.get_by_test_id("reminder-limit")).to_contain_text(
        "Next reminder possible at"
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]
)
def test_after_a_bank_change_go_to_pay_shows_the_new_details_beside_the_agreed_ones(
    order, seller, page_for, buyer, viewport, screenshot
):
    from browser_tests.test_pages import _no_page_scroll
    from payments.tests.factories import NEW_BANK

    set_bank_details(seller, **NEW_BANK)
    page = page_for(buyer, viewport=viewport)
    page.goto(f"/payments/orders/{order.pk}/pay/")

    expect(page.get_by_test_id("bank-change-warning")).to_contain_text("by phone")
    expect(page.get_by_test_id("bank-details")).to_contain_text("CN12345678901234")
    expect(page.get_by_test_id("new-bank-details")).to_contain_text("GB00FRAUD1234567")
    _no_page_scroll(page)
    screenshot(page, f"pay_bank_changed_{viewport['width']}")
