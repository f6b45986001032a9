"""The notification bell updates live over the user's notifications socket, without polling."""

from playwright.sync_api import expect


def test_the_sellers_bell_counts_a_new_inquiry_without_a_reload(buyer_page, seller_page, product):
    seller_page.goto("/notifications/")
    bell = seller_page.locator(".nav-bell")
    expect(bell).to_have_attribute("data-notifications-socket", "/ws/notifications/")
    expect(bell.get_by_test_id("unread-count")).to_have_count(0)
    seller_page.wait_for_timeout(500)  # the socket is open

    buyer_page.goto(f"/products/{product.pk}/")
    buyer_page.get_by_role("link", name="Contact Supplier").click()
    buyer_page.get_by_label("Message").fill("Please quote 600 bottles.")
    buyer_page.get_by_label("Quantity").fill("600")
    buyer_page.get_by_role("button", name="Send inquiry").click()
    expect(buyer_page.get_by_text("Your inquiry has been sent to the supplier.")).to_be_visible()

    # Pushed on commit: seconds, not the minute the old poll took, and no reload.
    expect(bell.get_by_test_id("unread-count")).to_have_text("1", timeout=5_000)
