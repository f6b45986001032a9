"""Amendment by consent in Chromium, at 1280 and 390 px: the seller proposes a change of the
agreed order with a reason, the buyer sees it as a diff and accepts it."""

import pytest
from playwright.sync_api import expect

from browser_tests.layout import no_page_scroll as _no_page_scroll
from orders.models import Order, OrderStatus
from orders.tests.factories import make_order

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_seller_proposes_an_amendment_and_the_buyer_accepts_it(
    page_for, buyer, seller, product, screenshot, viewport
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
    )
    width = viewport["width"]
    seller_page = page_for(seller, viewport=viewport)
    seller_page.goto(f"/negotiations/{order.negotiation_id}/#amendment")
    seller_page.get_by_role("link", name="Propose amendment").click()
    seller_page.get_by_label("Quantity").fill("1200")
    seller_page.get_by_label("Why should the terms change?").fill(
        "The buyer asked for 200 more on the phone."
    )
    _no_page_scroll(seller_page)
    screenshot(seller_page, f"amendment_form_{width}")
    seller_page.get_by_role("button", name="Send proposal").click()
    panel = seller_page.locator("#amendment")
    expect(panel).to_contain_text("Your amendment was sent")
    expect(panel.get_by_role("button", name="Withdraw amendment")).to_be_visible()

    buyer_page = page_for(buyer, viewport=viewport)
    buyer_page.goto(f"/negotiations/{order.negotiation_id}/#amendment")
    panel = buyer_page.locator("#amendment")
    expect(panel).to_contain_text("The buyer asked for 200 more on the phone.")
    expect(panel.locator(".amendment-changes")).to_contain_text("1,200")
    expect(panel).to_contain_text("$6,110.00")
    _no_page_scroll(buyer_page)
    panel.scroll_into_view_if_needed()
    screenshot(buyer_page, f"amendment_answer_{width}", full_page=False)
    panel.get_by_role("button", name="Accept amendment").click()

    expect(buyer_page.locator("#amendment")).to_contain_text("Amendment accepted")
    assert Order.objects.get(pk=order.pk).lines.get().quantity == 1200
