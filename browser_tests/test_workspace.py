"""The negotiation workspace as people see it: never lose an edit, never confirm by accident,
say what to do next, and work on a phone (issue 10)."""

import re

import pytest
from playwright.sync_api import expect

from browser_tests.test_negotiation import fill_shipping_payment_and_contacts
from inquiries.tests.factories import InquiryFactory
from orders.models import Order, OrderStatus
from orders.services import order_record_payment
from orders.tests.factories import make_order

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])


def open_workspace(page_for, user, order, viewport=DESKTOP, query=""):
    page = page_for(user, viewport=viewport)
    page.goto(f"/negotiations/{order.negotiation_id}/{query}")
    return page


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )


@pytest.fixture
def incomplete_draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product, complete=False)


# --- 1. Never confirm by accident ---------------------------------------------------------


@WIDTHS
def test_an_edited_form_offers_only_send_or_discard_never_confirm(
    page_for, buyer, seller_confirmed, viewport
):
    page = open_workspace(page_for, buyer, seller_confirmed, viewport)
    page.get_by_role("link", name="Modify").click()
    expect(page.get_by_role("button", name="Confirm", exact=True)).to_be_visible()

    page.locator("#loi").get_by_label("Unit price").fill("3.30")

    expect(page.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    send = page.get_by_role("button", name="Send modified order as my confirmation")
    expect(send).to_be_visible()
    expect(page.get_by_role("link", name="Discard changes")).to_be_visible()
    assert in_viewport(page, send)

    send.click()
    expect(page.locator(".turn")).to_contain_text("Waiting for the seller.")
    order = Order.objects.prefetch_related("lines").get(pk=seller_confirmed.pk)
    assert order.status == OrderStatus.BUYER_CONFIRMED
    assert str(order.lines.get().unit_price) == "3.3000"


def test_typing_the_shown_value_back_offers_confirm_again(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed, query="?edit=1")
    price = page.locator("#loi").get_by_label("Unit price")

    price.fill("3.30")
    expect(page.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    price.fill("4.80")

    expect(page.get_by_role("button", name="Confirm", exact=True)).to_be_visible()


def test_leaving_with_unsaved_changes_asks_first(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed, query="?edit=1")
    page.locator("#loi").get_by_label("Packaging").fill("Crates")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Revision history").click()

    expect(page.locator("#loi").get_by_label("Packaging")).to_have_value("Crates")
    assert dialogs == ["beforeunload"]
    # The live completion request typing set off must be answered before the tables are
    # flushed: on PostgreSQL the flush otherwise deadlocks with the server's transaction.
    page.wait_for_load_state("networkidle")


def test_discard_changes_leaves_without_asking(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed, query="?edit=1")
    page.locator("#loi").get_by_label("Packaging").fill("Crates")
    page.on("dialog", lambda dialog: pytest.fail(f"unexpected {dialog.type} dialog"))

    page.get_by_role("link", name="Discard changes").click()

    expect(page.get_by_role("link", name="Modify")).to_be_visible()
    expect(page.locator(".loi-read")).not_to_have_count(0)


# --- 2, 3. One source of truth: completion, totals and Confirm follow the typed values ------


def test_completion_modules_missing_list_and_confirm_follow_the_typed_values(
    page_for, seller, incomplete_draft
):
    page = open_workspace(page_for, seller, incomplete_draft)
    confirm = page.get_by_role("button", name="Confirm Order")
    expect(confirm).to_be_disabled()
    expect(page.locator("#confirm-why")).to_contain_text("fields are missing")

    fill_shipping_payment_and_contacts(page)

    expect(page.locator(".completion-percent")).to_have_text("100 %")
    for module in ("product", "shipping", "payment", "contacts"):
        expect(page.locator(f"#module-percent-{module}")).to_have_text("100 %")
        expect(page.locator(f'.completion-modules [data-module="{module}"]')).to_have_text("100 %")
    expect(page.locator("#confirm-why")).to_have_count(0)
    expect(confirm).to_be_enabled()

    # No Save draft first: Confirm Order saves and confirms the typed terms in one step.
    confirm.click()
    expect(page.locator(".turn")).to_contain_text("Waiting for the buyer.")
    expect(page.locator(".loi-feedback")).to_have_text(
        "Order confirmed. Waiting for the other side."
    )
    order = Order.objects.get(pk=incomplete_draft.pk)
    assert order.status == OrderStatus.SELLER_CONFIRMED
    assert order.packaging == "24 bottles per carton"


def test_totals_follow_the_typed_values(page_for, seller, buyer, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    page = open_workspace(page_for, seller, order)

    page.locator("#loi").get_by_label("Quantity").fill("8000")
    page.locator("#loi").get_by_label("Unit price").fill("1.10")

    expect(page.locator("#line-total-0")).to_have_text("$8,800.00")
    totals = page.locator("#loi-totals")
    expect(totals.get_by_role("definition").nth(0)).to_have_text("$8,800.00")
    expect(totals.get_by_role("definition").nth(2)).to_have_text("$9,150.00")


# --- 4. The missing list leads to each field --------------------------------------------------


@WIDTHS
def test_each_missing_field_link_shows_the_field_with_its_label_and_focuses_it(
    page_for, seller, incomplete_draft, viewport
):
    page = open_workspace(page_for, seller, incomplete_draft, viewport)
    missing = page.locator("#confirm-why")
    confirm = page.get_by_role("button", name="Confirm Order")
    # The list sits beside the disabled button, both in view without scrolling.
    assert in_viewport(page, confirm)
    assert in_viewport(page, missing.get_by_role("link").first)

    missing.get_by_role("link", name="Payment: payment deadline").click()

    field = page.locator("#loi").get_by_label("Payment deadline (days after both confirm)")
    expect(field).to_be_focused()
    assert in_viewport(page, field)
    assert in_viewport(page, page.locator('label[for="f-payment_deadline_days"]'))


# --- 5. Say what to do next -------------------------------------------------------------------


@WIDTHS
def test_the_sellers_first_action_is_the_primary_button_above_the_fold(
    page_for, seller, buyer, product, viewport
):
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
    )
    page = page_for(seller, viewport=viewport)
    page.goto(f"/negotiations/{inquiry.negotiation_id}/")

    button = page.locator("#pane-loi").get_by_role("button", name="Draft Letter of Intent")
    expect(button).to_be_visible()
    expect(button).to_have_class(re.compile(r"\bbutton\b(?!-secondary)"))
    assert in_viewport(page, button)
    expect(page.locator("#pane-party").get_by_role("button")).to_have_count(0)

    button.click()
    expect(page.get_by_role("button", name="Confirm Order")).to_be_visible()


# --- 6. The chat stays in view ----------------------------------------------------------------


def test_the_chat_stays_in_view_while_the_letter_of_intent_scrolls(
    page_for, seller, incomplete_draft
):
    page = open_workspace(page_for, seller, incomplete_draft)
    page.locator("#loi").get_by_label("Seller contact phone").scroll_into_view_if_needed()

    assert page.evaluate("window.scrollY") > 500
    assert in_viewport(page, page.get_by_role("heading", name=re.compile("^Chat")))
    assert in_viewport(page, page.get_by_role("button", name="Send"))


# --- 8. Version numbers people can follow -------------------------------------------------------


def test_the_first_version_the_buyer_sees_is_version_one_and_a_payment_keeps_it(
    page_for, buyer, seller, product
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
    )
    page = open_workspace(page_for, buyer, order)
    expect(page.locator(".loi-version")).to_have_text("Version 1")

    order_record_payment(
        order_id=order.pk, data={}, overdue=False, initial_paid=True, fully_paid=False
    )
    page.reload()

    expect(page.locator(".loi-version")).to_have_text("Version 1")


def test_a_modified_order_sent_back_is_version_two(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed, query="?edit=1")
    page.locator("#loi").get_by_label("Incoterm").select_option("CIF")
    page.get_by_role("button", name="Send modified order as my confirmation").click()

    expect(page.locator(".loi-version")).to_have_text("Version 2")


# --- 9. Save feedback where the person is looking ---------------------------------------------


@WIDTHS
def test_draft_saved_is_shown_where_the_person_is_looking(
    page_for, seller, incomplete_draft, viewport
):
    page = open_workspace(page_for, seller, incomplete_draft, viewport)
    page.locator("#loi").get_by_label("Seller contact phone").fill("+86 574 9999")
    scrolled = page.evaluate("window.scrollY")

    page.get_by_role("button", name="Save draft").click()

    feedback = page.locator(".loi-feedback")
    expect(feedback).to_have_text("Draft saved.")
    assert in_viewport(page, feedback)
    assert abs(page.evaluate("window.scrollY") - scrolled) < 100
    expect(page.locator("#loi").get_by_label("Seller contact phone")).to_have_value("+86 574 9999")


# --- 10. One of the two delivery fields -----------------------------------------------------------


def test_the_form_says_one_delivery_field_is_enough_and_either_completes_it(
    page_for, seller, incomplete_draft
):
    page = open_workspace(page_for, seller, incomplete_draft)
    expect(page.get_by_text("Or a delivery date: one of the two is required.")).to_be_visible()
    missing = page.locator("#confirm-why")
    expect(missing.get_by_role("link", name=re.compile("delivery"))).to_have_count(1)

    page.locator("#loi").get_by_label("Delivery date").fill("2027-03-01")

    expect(missing.get_by_role("link", name=re.compile("delivery"))).to_have_count(0)
    expect(page.locator("#loi").get_by_label("Delivery (days after payment)")).to_have_value("")


# --- 11. The phone: one tap to the chat -----------------------------------------------------------


def test_on_a_phone_the_chat_is_one_tap_away(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed, PHONE)
    tabs = page.get_by_role("navigation", name="Negotiation panes")
    expect(tabs).to_be_visible()
    assert in_viewport(page, tabs.get_by_role("link", name="Chat"))
    expect(page.get_by_role("heading", name=re.compile("^Chat"))).not_to_be_visible()

    tabs.get_by_role("link", name="Chat").click()

    message = page.get_by_role("textbox", name="Message")
    expect(message).to_be_visible()
    assert in_viewport(page, message)
    expect(page.locator("#loi")).not_to_be_visible()

    tabs.get_by_role("link", name="Seller").click()
    expect(page.get_by_role("heading", name="Original inquiry")).to_be_visible()
    tabs.get_by_role("link", name="Letter of intent").click()
    expect(page.locator(".turn")).to_contain_text("Your turn")


def test_on_a_wide_screen_the_pane_tabs_are_not_shown(page_for, buyer, seller_confirmed):
    page = open_workspace(page_for, buyer, seller_confirmed)

    expect(page.get_by_role("navigation", name="Negotiation panes")).not_to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Chat"))).to_be_visible()


# --- Screenshots for docs/ -----------------------------------------------------------------------


@WIDTHS
def test_workspace_screenshots(page_for, buyer, seller, product, screenshot, viewport):
    suffix = "" if viewport == DESKTOP else "_390"
    draft = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    page = open_workspace(page_for, seller, draft, viewport)
    expect(page.get_by_role("button", name="Confirm Order")).to_be_disabled()
    screenshot(page, f"workspace_seller{suffix}", full_page=False)

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    page = open_workspace(page_for, buyer, order, viewport, query="?edit=1")
    page.locator("#loi").get_by_label("Unit price").fill("4.50")
    expect(page.get_by_role("link", name="Discard changes")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"workspace_buyer{suffix}", full_page=False)
