"""Offers that expire, in Chromium at 1280 and 390 px (issue 14 point 2): the buyer finds the
seller's confirmation expired, asks for an extension, the seller extends it with one click and
the buyer confirms."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.test_pages import WIDTHS, _no_page_scroll
from orders.models import Order, OrderStatus
from orders.tests.factories import ensure_bank_details, make_order

pytestmark = pytest.mark.browser


@WIDTHS
def test_buyer_asks_to_extend_an_expired_confirmation_and_confirms_once_extended(
    page_for, buyer, seller, product, screenshot, viewport
):
    ensure_bank_details(seller)
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    Order.objects.filter(pk=order.pk).update(
        valid_until=timezone.now() - datetime.timedelta(hours=2)
    )
    width = viewport["width"]

    buyer_page = page_for(buyer, viewport=viewport)
    buyer_page.goto("/negotiations/?state=expired")
    expect(buyer_page.get_by_test_id("inbox-expiry")).to_have_text("Expired")
    _no_page_scroll(buyer_page)
    screenshot(buyer_page, f"inbox_expired_{width}")

    buyer_page.goto(f"/negotiations/{order.negotiation_id}/#loi")
    validity = buyer_page.get_by_test_id("offer-validity")
    expect(validity).to_contain_text("This confirmation has expired.")
    expect(buyer_page.locator("#loi-decision").get_by_role("button", name="Confirm")).to_have_count(
        0
    )
    _no_page_scroll(buyer_page)
    validity.scroll_into_view_if_needed()
    screenshot(buyer_page, f"offer_expired_{width}", full_page=False)
    validity.get_by_role("button", name="Request an extension").click()
    expect(
        buyer_page.get_by_text("Extension requested: the other side has been told.")
    ).to_be_visible()

    seller_page = page_for(seller, viewport=viewport)
    seller_page.goto(f"/negotiations/{order.negotiation_id}/#loi")
    validity = seller_page.get_by_test_id("offer-validity")
    expect(validity).to_contain_text("The other side asked for an extension.")
    validity.scroll_into_view_if_needed()
    screenshot(seller_page, f"offer_extension_requested_{width}", full_page=False)
    validity.get_by_role("button", name="Extend by the default validity").click()
    expect(seller_page.get_by_text("Your confirmation is extended")).to_be_visible()

    buyer_page.goto(f"/negotiations/{order.negotiation_id}/")
    expect(buyer_page.get_by_test_id("offer-validity")).to_contain_text(
        "Can be confirmed as is until"
    )
    buyer_page.locator("#loi-decision").get_by_role("button", name="Confirm").click()
    expect(
        buyer_page.get_by_text("Both parties have confirmed: the order is agreed.")
    ).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
