"""A buyer and a seller negotiate an order in two browsers, and the flows around it."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from orders.services import order_modify
from orders.tests.factories import complete_values, make_order
from payments.tests.factories import set_bank_details


def fill_shipping_payment_and_contacts(page, *, shipping_fee=True, incoterm="FOB"):
    """The letter of intent's fields; Start Order has no shipping fee to type (``False``)."""
    page.get_by_label("Incoterm").select_option(incoterm)
    page.get_by_label("Shipping method").select_option("sea")
    page.get_by_label("Origin port or city").fill("Ningbo")
    page.get_by_label("Destination port or address").fill("Port of Hamburg")
    if shipping_fee:
        page.get_by_label("Shipping fee").fill("350")
    page.get_by_label("Packaging").fill("24 bottles per carton")
    page.get_by_label("Delivery (days after payment)").fill("30")
    page.get_by_label("Payment method").select_option("tt")
    page.get_by_label("Initial payment (%)").fill("30")
    page.get_by_label("Balance due").select_option("before_shipment")
    page.get_by_label("Payment deadline (days after both confirm)").fill("14")


def test_buyer_and_seller_agree_an_order_from_an_inquiry(
    buyer_page, seller_page, product, screenshot, seller
):
    set_bank_details(seller)  # a T/T order is agreed only with them on file
    buyer, seller = buyer_page, seller_page

    # The buyer writes to the supplier from the product page.
    buyer.goto(f"/products/{product.pk}/")
    buyer.get_by_role("link", name="Contact Supplier").click()
    buyer.get_by_label("Message").fill("Please quote 600 bottles with our logo.")
    buyer.get_by_label("Quantity").fill("600")
    buyer.get_by_role("button", name="Send inquiry").click()
    expect(buyer.get_by_text("Your inquiry has been sent to the supplier.")).to_be_visible()

    # The seller finds it, unread, in his business opportunities.
    seller.goto("/negotiations/")
    row = seller.get_by_role("row", name=re.compile("Hanse Trading GmbH"))
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    row.get_by_role("link", name="Hanse Trading GmbH").click()
    expect(seller.get_by_text("Please quote 600 bottles with our logo.")).to_be_visible()

    # He drafts the letter of intent: prefilled, not complete yet.
    seller.get_by_role("button", name="Draft Letter of Intent").click()
    expect(seller.get_by_text("Letter of intent drafted from the inquiry.")).to_be_visible()
    percent = seller.locator(".completion-percent")
    expect(percent).not_to_have_text("100 %")
    expect(seller.get_by_role("button", name="Confirm Order")).to_be_disabled()
    expect(seller.get_by_role("link", name="Shipping: Incoterm")).to_be_visible()

    # As he fills in the modules the completion rate rises to 100 %.
    fill_shipping_payment_and_contacts(seller)
    expect(percent).to_have_text("100 %")
    seller.get_by_role("button", name="Save draft").click()
    expect(seller.get_by_text("Draft saved.")).to_be_visible()
    expect(percent).to_have_text("100 %")
    seller.get_by_role("button", name="Confirm Order").click()
    expect(seller.locator(".turn")).to_contain_text("Waiting for the buyer.")

    # The buyer lowers the unit price and sends it back as his confirmation.
    buyer.goto("/negotiations/")
    buyer.get_by_role("row", name=re.compile("Ningbo Bright")).get_by_role("link").click()
    expect(buyer.locator(".turn")).to_contain_text("Your turn")
    buyer.get_by_role("link", name="Modify").click()
    buyer.locator("#loi").get_by_label("Unit price").fill("4.50")
    buyer.get_by_role("button", name="Send modified order as my confirmation").click()
    expect(buyer.locator(".turn")).to_contain_text("Waiting for the seller.")

    # The seller sees exactly what changed, and confirms.
    seller.reload()
    changes = seller.locator(".changes-box")
    expect(changes).to_contain_text("Changed since the version your side confirmed")
    expect(changes.locator("del").first).to_have_text("$4.80")
    expect(changes.locator("ins").first).to_have_text("$4.50")
    expect(seller.locator(".field-changed").first).to_contain_text("Unit price")
    seller.get_by_role("button", name="Confirm", exact=True).click()
    expect(seller.get_by_text("Both parties have confirmed: the order is agreed.")).to_be_visible()
    expect(seller.get_by_role("link", name="View Order")).to_be_visible()
    expect(seller.get_by_role("button", name="Remind buyer to pay")).to_be_visible()

    # The buyer can now pay.
    buyer.reload()
    expect(buyer.get_by_role("link", name="Go To Pay")).to_be_visible()

    seller.evaluate("window.scrollTo(0, 0)")
    screenshot(seller, "workspace")
    seller.get_by_role("link", name="View Order").click()
    expect(
        seller.get_by_role("heading", name=re.compile("Seal of the agreed terms"))
    ).to_be_visible()
    expect(seller.get_by_text("$2,700.00").first).to_be_visible()
    screenshot(seller, "view_order")
    seller.goto("/negotiations/")
    screenshot(seller, "inbox")
    buyer.goto(f"/products/{product.pk}/")
    screenshot(buyer, "product")
    buyer.set_viewport_size({"width": 390, "height": 844})
    buyer.goto("/negotiations/")
    buyer.get_by_role("row", name=re.compile("Ningbo Bright")).get_by_role("link").click()
    screenshot(buyer, "workspace_390", full_page=False)


def test_start_order_shows_the_tier_price_live_and_refuses_a_quantity_under_the_moq(
    buyer_page, product, seller
):
    # ``seller``: the company's member is its contact (no default sales contact set).
    page = buyer_page
    page.goto(f"/products/{product.pk}/")
    page.get_by_role("link", name="Start Order").click()

    quantity = page.get_by_label("Quantity (piece)")
    quantity.fill("600")
    expect(page.locator("#start-price")).to_contain_text("$4.80")
    quantity.fill("50")
    expect(page.locator("#start-price")).to_contain_text("The minimum order quantity is 100")

    fill_shipping_payment_and_contacts(page, shipping_fee=False)
    page.get_by_role("button", name="Send order").click()

    expect(page.locator("#f-lines-0-quantity-errors")).to_have_text(
        "The minimum order quantity is 100 pieces."
    )
    expect(page.get_by_label("Quantity (piece)")).to_have_value("50")
    expect(page.get_by_label("Packaging")).to_have_value("24 bottles per carton")
    assert not Order.objects.exists()

    page.get_by_label("Quantity (piece)").fill("600")
    page.get_by_role("button", name="Send order").click()
    expect(page.get_by_text("Your order has been sent to the supplier")).to_be_visible()
    expect(page.locator(".turn")).to_contain_text("Waiting for the seller.")


def test_the_missing_fields_list_leads_to_each_field(seller_page, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    page = seller_page
    page.goto(f"/negotiations/{order.negotiation_id}/")

    missing = page.locator(".missing-fields")
    expect(missing.get_by_role("link", name="Shipping: Incoterm")).to_be_visible()
    expect(missing.get_by_role("link", name="Payment: payment method")).to_be_visible()
    expect(page.locator("#confirm-why")).to_contain_text("fields are missing")

    missing.get_by_role("link", name="Payment: payment method").click()
    expect(page).to_have_url(re.compile("#f-payment_method$"))
    expect(page.get_by_label("Payment method")).to_be_in_viewport()

    page.get_by_label("Incoterm").select_option("EXW")
    expect(missing.get_by_role("link", name="Shipping: Incoterm")).to_have_count(0)


def test_a_stale_tab_cannot_confirm_terms_it_has_not_seen(page_for, buyer, seller, product):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    first = page_for(buyer)
    second = first.context.new_page()
    first.goto(f"/negotiations/{order.negotiation_id}/")
    second.goto(f"/negotiations/{order.negotiation_id}/")

    first.get_by_role("link", name="Modify").click()
    first.locator("#loi").get_by_label("Incoterm").select_option("CIF")
    first.get_by_role("button", name="Send modified order as my confirmation").click()
    expect(first.locator(".turn")).to_contain_text("Waiting for the seller.")

    second.get_by_role("button", name="Confirm", exact=True).click()

    alert = second.locator(".stale-warning")
    expect(alert).to_contain_text("This order changed since you loaded it.")
    expect(alert.locator("del")).to_have_text("FOB")
    expect(alert.locator("ins")).to_have_text("CIF")
    order.refresh_from_db()
    assert order.status == OrderStatus.BUYER_CONFIRMED


@pytest.fixture
def negotiated(buyer, seller, product):
    """Versions 3 (seller), 4 (buyer: unit price 4.50), 5 (seller: CIF)."""
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    values = complete_values(order)
    values["lines"][0]["unit_price"] = "4.50"
    order = order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)
    order = Order.objects.get(pk=order.pk)
    values = complete_values(order, incoterm="CIF")
    values["lines"][0]["unit_price"] = "4.50"
    return order_modify(order_id=order.pk, actor=seller, version=order.version, values=values)


def test_the_revision_history_compares_any_two_versions(buyer_page, negotiated):
    page = buyer_page
    page.goto(f"/orders/{negotiated.pk}/history/")

    versions = page.locator(".revisions-table tbody tr")
    expect(versions).to_have_count(3)
    expect(versions.nth(1)).to_contain_text("Buyer")

    page.get_by_label("From version").select_option("3")
    page.get_by_label("To version").select_option("5")
    page.get_by_role("button", name="Compare").click()

    expect(page.get_by_role("heading", name="Version 1 → version 3")).to_be_visible()
    table = page.locator("#compare .change-table")
    expect(table.get_by_role("row", name=re.compile("Incoterm"))).to_contain_text("FOB")
    expect(table.get_by_role("row", name=re.compile("Incoterm"))).to_contain_text("CIF")
    expect(table.get_by_role("row", name=re.compile("unit price"))).to_contain_text("4.5")
    expect(page.locator(".timeline li")).to_have_count(5)
