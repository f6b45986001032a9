"""Start Order in Chromium at 1280 and 390 px: the seller's side prefilled and read-only, the
Incoterms offered by the seller's freight rates, the shipping fee from the rate (issue 13, 9)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import FreightRate
from browser_tests.test_negotiation import fill_shipping_payment_and_contacts
from browser_tests.test_pages import WIDTHS, _no_page_scroll
from orders.models import Order

pytestmark = pytest.mark.browser


@pytest.fixture
def seller_side(product):
    seller = product.seller
    seller.sales_contact_name = "Li Wei"
    seller.sales_contact_email = "sales@ningbo.example"
    seller.sales_contact_phone = "+86 574 8765 4321"
    seller.save()
    return seller


@WIDTHS
def test_start_order_shows_the_seller_side_read_only_and_prices_freight_from_the_rate(
    page_for, buyer, product, seller_side, viewport, screenshot
):
    FreightRate.objects.create(
        seller=seller_side,
        destination_country="DE",
        currency="USD",
        per_order=Decimal("450"),
        per_unit=Decimal("0.12"),
    )
    page = page_for(buyer, viewport=viewport)
    page.goto(f"/orders/start/{product.pk}/")

    contacts = page.locator("#module-contacts")
    expect(contacts).to_contain_text("sales@ningbo.example")
    expect(contacts.locator('input[name^="seller_contact"]')).to_have_count(0)
    expect(page.locator('input[name="shipping_fee"]')).to_have_count(0)
    expect(page.get_by_test_id("freight-rates")).to_contain_text("$450.00")
    expect(page.locator('#f-incoterm option[value="CIF"]')).to_be_enabled()
    _no_page_scroll(page)
    screenshot(page, f"start_order_{viewport['width']}")

    page.get_by_label("Quantity (piece)").fill("600")
    fill_shipping_payment_and_contacts(page, shipping_fee=False, incoterm="CIF")
    page.get_by_role("button", name="Send order").click()

    expect(page.get_by_text("Your order has been sent to the supplier")).to_be_visible()
    order = Order.objects.get()
    assert order.shipping_fee == Decimal("522.00")  # 450 + 0.12 x 600
    assert order.seller_contact_email == "sales@ningbo.example"


def test_start_order_does_not_offer_seller_carriage_without_a_rate_and_says_why(
    page_for, buyer, product, seller_side
):
    page = page_for(buyer, viewport={"width": 1280, "height": 800})
    page.goto(f"/orders/start/{product.pk}/")

    expect(page.locator('#f-incoterm option[value="CIF"]')).to_be_disabled()
    expect(page.locator('#f-incoterm option[value="FOB"]')).to_be_enabled()
    expect(page.get_by_test_id("incoterm-hint")).to_contain_text("has no freight rate to Germany")
