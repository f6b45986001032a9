"""One order's whole life in Chromium, the buyer and the seller in two browsers (issue 13): Start
Order on T/T with a 30 % deposit and the balance 30 days after delivery, the seller's
confirmation, the deposit by bank transfer, an amendment of the unit price by consent, one
shipment of everything, its receipt, the balance, and both sides seeing the order completed.

The seller's company data (sales contact, bank details) is set up through the services; every
step a party takes in the flow goes through the browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.test_negotiation import fill_shipping_payment_and_contacts
from orders.models import Order
from payments.tests.factories import set_bank_details

pytestmark = pytest.mark.browser


@pytest.fixture
def seller_side(product, seller):
    company = product.seller
    company.sales_contact_name = "Li Wei"
    company.sales_contact_email = "sales@ningbo.example"
    company.sales_contact_phone = "+86 574 8765 4321"
    company.save()
    set_bank_details(seller)  # a T/T order is agreed only with them on file
    return company


def _order_state(page, order, expected):
    """The state badge on the order sheet reads ``expected``."""
    page.goto(f"/orders/{order.pk}/")
    expect(page.locator(".order-sheet-header .badge")).to_have_text(expected)


def _pay_by_transfer(buyer_page, order, *, instalment, amount, reference):
    """The buyer opens Go To Pay from the negotiation and transfers what is due now."""
    buyer_page.goto(f"/negotiations/{order.negotiation_id}/")
    buyer_page.get_by_role("link", name="Go To Pay").click()
    expect(buyer_page.get_by_role("heading", name=re.compile("Go To Pay"))).to_be_visible()
    expect(buyer_page.get_by_text(f"Due now: {instalment}")).to_be_visible()
    expect(buyer_page.get_by_test_id("due-now")).to_have_text(amount)
    expect(buyer_page.get_by_test_id("bank-details")).to_contain_text("BKNBCN2N")
    transfer = buyer_page.locator("section.payment-method", has_text="Bank transfer")
    transfer.get_by_label("Amount (USD)").fill(amount.lstrip("$").replace(",", ""))
    transfer.get_by_label("Transfer reference").fill(reference)
    transfer.get_by_role("button", name="Submit transfer").click()
    row = buyer_page.get_by_test_id("payment-row").filter(has_text=reference)
    expect(row).to_contain_text("Submitted")


def _mark_received(seller_page, order, reference):
    seller_page.goto(f"/payments/orders/{order.pk}/")
    decisions = seller_page.locator(".payment-decisions")
    expect(decisions).to_contain_text(reference)
    decisions.get_by_role("button", name="Mark received").click()
    expect(seller_page.locator(".payment-decisions")).to_have_count(0)


def test_one_order_goes_from_start_order_to_completed_with_an_amendment_on_the_way(
    page_for, buyer, seller, product, seller_side, screenshot
):
    buyer_page = page_for(buyer)
    seller_page = page_for(seller)

    # The buyer starts an order: 1,000 bottles FOB, T/T, 30 % deposit, balance after delivery.
    buyer_page.goto(f"/products/{product.pk}/")
    buyer_page.get_by_role("link", name="Start Order").click()
    expect(buyer_page.locator("#module-contacts")).to_contain_text("sales@ningbo.example")
    buyer_page.get_by_label("Quantity (piece)").fill("1000")
    expect(buyer_page.locator("#start-price")).to_contain_text("$4.80")
    fill_shipping_payment_and_contacts(buyer_page, shipping_fee=False, incoterm="FOB")
    buyer_page.get_by_label("Balance due").select_option("after_delivery")
    buyer_page.get_by_label(re.compile("Days until the balance is due")).fill("30")
    buyer_page.get_by_role("button", name="Send order").click()
    expect(buyer_page.get_by_text("Your order has been sent to the supplier")).to_be_visible()
    expect(buyer_page.locator(".turn")).to_contain_text("Waiting for the seller.")
    order = Order.objects.get()

    # The seller confirms it: the order is agreed and awaits the deposit.
    seller_page.goto(f"/negotiations/{order.negotiation_id}/")
    expect(seller_page.locator(".turn")).to_contain_text("Your turn")
    seller_page.get_by_role("button", name="Confirm", exact=True).click()
    expect(
        seller_page.get_by_text("Both parties have confirmed: the order is agreed.")
    ).to_be_visible()
    expect(seller_page.locator(".loi-status")).to_have_text("Awaiting payment")
    _order_state(buyer_page, order, "Awaiting payment")

    # The buyer pays the deposit by bank transfer; the seller marks it received.
    _pay_by_transfer(
        buyer_page, order, instalment="Initial payment", amount="$1,440.00", reference="TT-DEP-1"
    )
    _mark_received(seller_page, order, "TT-DEP-1")
    expect(seller_page.get_by_test_id("instalment-initial")).to_contain_text("Paid")
    expect(seller_page.get_by_test_id("instalment-balance")).to_contain_text(
        "set when the goods are delivered"
    )
    _order_state(seller_page, order, "Ready to ship")

    # Mid-way the seller proposes a lower unit price; the buyer accepts it.
    seller_page.goto(f"/negotiations/{order.negotiation_id}/#amendment")
    seller_page.get_by_role("link", name="Propose amendment").click()
    seller_page.get_by_label("Unit price").fill("4.50")
    seller_page.get_by_label("Why should the terms change?").fill(
        "Our steel supplier lowered his price; we pass it on."
    )
    seller_page.get_by_role("button", name="Send proposal").click()
    expect(seller_page.locator("#amendment")).to_contain_text("Your amendment was sent")

    buyer_page.goto(f"/negotiations/{order.negotiation_id}/#amendment")
    panel = buyer_page.locator("#amendment")
    expect(panel).to_contain_text("Our steel supplier lowered his price")
    expect(panel.locator(".amendment-changes")).to_contain_text("$4.50")
    panel.get_by_role("button", name="Accept amendment").click()
    expect(buyer_page.locator("#amendment")).to_contain_text("Amendment accepted")
    _order_state(buyer_page, order, "Ready to ship")
    expect(buyer_page.get_by_text("$4,500.00").first).to_be_visible()

    # The seller ships everything.
    seller_page.goto(f"/orders/{order.pk}/")
    seller_page.get_by_role("link", name="Mark a shipment").click()
    seller_page.get_by_label(product.name).fill("1000")
    seller_page.get_by_label("Carrier").fill("Maersk")
    seller_page.get_by_label("Tracking number").fill("MSKU1234567")
    seller_page.get_by_label("B/L or AWB number").fill("MAEU240011")
    seller_page.get_by_label("Ship date").fill(timezone.localdate().isoformat())
    seller_page.get_by_role("button", name="Record the shipment").click()
    shipment = seller_page.get_by_test_id("shipment")
    expect(shipment.get_by_test_id("receipt-state")).to_have_text("On its way")
    expect(seller_page.get_by_test_id("shipping-state")).to_have_text("Shipped")
    _order_state(seller_page, order, "Shipped")

    # The buyer confirms its receipt: delivered, and the balance now has its due date.
    buyer_page.goto(f"/orders/{order.pk}/")
    expect(buyer_page.get_by_test_id("shipment-progress")).to_contain_text("1,000 pieces")
    buyer_page.get_by_role("button", name="Confirm receipt of shipment 1").click()
    expect(buyer_page.get_by_test_id("receipt-state")).to_have_text("Received")
    _order_state(buyer_page, order, "Delivered")

    # The buyer pays the balance of the amended order; the seller marks it received.
    _pay_by_transfer(
        buyer_page, order, instalment="Balance", amount="$3,060.00", reference="TT-BAL-1"
    )
    _mark_received(seller_page, order, "TT-BAL-1")
    expect(seller_page.get_by_test_id("payment-state")).to_have_text("Paid")
    expect(seller_page.get_by_test_id("amount-outstanding")).to_have_text("$0.00")

    # Both see the order completed.
    _order_state(seller_page, order, "Completed")
    _order_state(buyer_page, order, "Completed")
    seller_page.goto(f"/negotiations/{order.negotiation_id}/")
    expect(seller_page.locator(".loi-status")).to_have_text("Completed")
    buyer_page.goto(f"/negotiations/{order.negotiation_id}/")
    expect(buyer_page.locator(".loi-status")).to_have_text("Completed")
    expect(buyer_page.get_by_role("link", name="Go To Pay")).to_have_count(0)
    screenshot(buyer_page, "order_lifecycle_completed")
