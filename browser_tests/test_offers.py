"""Offers in the chat, in two browsers: the seller offers a price in the chat pane, the buyer
sees the card live and accepts it in one click, and the letter of intent has the new price."""

import os
import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from browser_tests.conftest import ARTIFACTS, DOCS_SCREENSHOTS
from browser_tests.test_chat import wait_until_ready
from orders.models import Offer, Order, OrderStatus
from orders.tests.factories import make_order

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def _save_card(card, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # offers.js swaps in a fresh copy of the card when a chat line says the offer changed; a
    # copy replaced mid-screenshot is taken again from the one now on the page.
    for attempt in range(5):
        try:
            card.screenshot(path=str(path))
            break
        except PlaywrightError:
            if attempt == 4:
                raise
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)


def test_the_seller_offers_in_the_chat_and_the_buyer_accepts_it_in_one_click(
    page_for, buyer, seller, product
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    workspace = f"/negotiations/{order.negotiation_id}/"
    buyer_page = page_for(buyer, viewport=DESKTOP)
    buyer_page.goto(workspace)
    wait_until_ready(buyer_page)
    seller_page = page_for(seller, viewport=DESKTOP)
    seller_page.goto(workspace)
    wait_until_ready(seller_page)

    seller_page.get_by_text("Make an offer").click()
    form = seller_page.locator(".offer-form")
    form.get_by_label("Unit price").fill("4.50")
    form.get_by_label("Packaging").fill("Pallets, shrink-wrapped")
    form.get_by_label("Note (optional)").fill("Our best price for 1,000 pieces.")
    form.get_by_role("button", name="Send offer").click()
    expect(seller_page.locator(".offer-status")).to_have_text("Your offer was sent.")
    mine = seller_page.locator(".offer-card")
    expect(mine).to_contain_text("Your side's offer")
    expect(mine.get_by_role("button", name="Withdraw")).to_be_visible()

    # Live on the buyer's page, without a reload.
    card = buyer_page.locator(".offer-card")
    expect(card).to_contain_text("Offer from the seller")
    expect(card).to_contain_text("Our best price for 1,000 pieces.")
    expect(card.locator(".offer-changes")).to_contain_text("4.80")
    expect(card.locator(".offer-changes")).to_contain_text("4.50")
    expect(card.locator(".offer-changes")).to_contain_text("Pallets, shrink-wrapped")
    # offers.js may still be swapping in a fresh copy of the card (a later chat line asks for
    # one): let the page settle before scrolling to it and taking the screenshot.
    buyer_page.wait_for_load_state("networkidle")
    _save_card(card, "offer-card")

    card.get_by_role("button", name="Accept").click()

    expect(buyer_page.locator(".messages")).to_contain_text("Offer accepted")
    loi = buyer_page.locator("#pane-loi")
    expect(loi).to_contain_text("Pallets, shrink-wrapped")
    fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
    assert fresh.status == OrderStatus.BUYER_CONFIRMED
    assert fresh.lines.get().unit_price == 4.5
    assert Offer.objects.get().state == Offer.State.ACCEPTED
    # The seller's card follows live.
    expect(seller_page.locator(".offer-card")).to_contain_text("Accepted by")
