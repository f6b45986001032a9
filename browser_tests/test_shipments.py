"""Shipment and receipt in Chromium at 1280 and 390 px: the seller marks a partial shipment
with its documents, the buyer confirms its receipt; nothing cut off, no serious axe finding."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from shipments.tests.factories import ready_order

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n%commercial invoice\n"


def _fits(page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def _serious_axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_seller_ships_part_of_the_order_and_the_buyer_confirms_its_receipt(
    page_for, buyer, seller, product, viewport, screenshot
):
    order = ready_order(buyer=buyer, seller=seller, product=product)
    width = viewport["width"]
    seller_page = page_for(seller, viewport=viewport)
    seller_page.goto(f"/orders/{order.pk}/")
    seller_page.get_by_role("link", name="Mark a shipment").click()

    seller_page.get_by_label("Stainless steel water bottle").fill("400")
    seller_page.get_by_label("Carrier").fill("Maersk")
    seller_page.get_by_label("Tracking number").fill("MSKU1234567")
    seller_page.get_by_label("B/L or AWB number").fill("MAEU240011")
    seller_page.get_by_label("Ship date").fill(order.agreed_at.date().isoformat())
    seller_page.get_by_label("Commercial invoice").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _fits(seller_page)
    assert not _serious_axe_violations(seller_page)
    screenshot(seller_page, f"shipment_new_{width}")
    seller_page.get_by_role("button", name="Record the shipment").click()

    shipment = seller_page.get_by_test_id("shipment")
    expect(shipment).to_contain_text("MSKU1234567")
    expect(shipment.get_by_test_id("receipt-state")).to_have_text("On its way")
    expect(seller_page.get_by_test_id("shipping-state")).to_have_text("Partly shipped")
    expect(shipment.get_by_role("link", name="Commercial invoice")).to_be_visible()

    buyer_page = page_for(buyer, viewport=viewport)
    buyer_page.goto(f"/orders/{order.pk}/#shipments")
    progress = buyer_page.get_by_test_id("shipment-progress")
    expect(progress).to_contain_text("400 pieces")
    buyer_page.get_by_role("button", name="Confirm receipt of shipment 1").click()

    expect(buyer_page.get_by_test_id("receipt-state")).to_have_text("Received")
    expect(buyer_page.get_by_role("button", name="Confirm receipt of shipment 1")).to_have_count(0)
    _fits(buyer_page)
    assert not _serious_axe_violations(buyer_page)
    screenshot(buyer_page, f"shipments_{width}")

    buyer_page.goto(f"/negotiations/{order.negotiation_id}/")
    expect(buyer_page.locator("#shipments")).to_contain_text("Shipment 1")
    _fits(buyer_page)
