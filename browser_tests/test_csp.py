"""The pages work under the enforced Content-Security-Policy, and the browser reports no violation.

Chromium reports every blocked script, style, eval or connection as a console error that names
the Content Security Policy; each test collects them from the first request on.
"""

import pytest
from playwright.sync_api import expect

from orders.tests.factories import make_order


@pytest.fixture
def csp_violations():
    """``watch(page)`` starts recording the page's CSP violations into the returned list."""
    violations = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "content security policy" in message.text.lower()
                else None
            ),
        )
        return page

    watch.violations = violations
    return watch


def test_workspace_htmx_and_chat_work_under_the_enforced_csp(
    page_for, buyer, seller, product, csp_violations
):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    seller_page = csp_violations(page_for(seller))
    buyer_page = csp_violations(page_for(buyer))

    response = seller_page.goto(f"/negotiations/{order.negotiation_id}/")
    buyer_page.goto(f"/negotiations/{order.negotiation_id}/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    # HTMX: the live completion check swaps in the new list of missing fields.
    missing = seller_page.locator(".missing-fields")
    expect(missing.get_by_role("link", name="Shipping: Incoterm")).to_be_visible()
    seller_page.get_by_label("Incoterm").select_option("EXW")
    expect(missing.get_by_role("link", name="Shipping: Incoterm")).to_have_count(0)
    # The chat socket connects under connect-src and carries a message both ways.
    buyer_chat = buyer_page.locator(f'[data-chat-negotiation="{order.negotiation_id}"]')
    seller_chat = seller_page.locator(f'[data-chat-negotiation="{order.negotiation_id}"]')
    buyer_chat.locator("[data-chat-input]").fill("Under the policy")
    buyer_chat.locator("[data-chat-input]").press("Enter")
    expect(seller_chat.locator(".chat-msg--theirs", has_text="Under the policy")).to_have_count(1)
    assert csp_violations.violations == []


def test_the_order_print_button_works_without_an_inline_handler(
    page_for, buyer, seller, product, csp_violations
):
    order = make_order(buyer=buyer, seller=seller, product=product)
    page = csp_violations(page_for(seller))
    page.goto(f"/orders/{order.pk}/")
    page.evaluate("window.print = () => { window.printed = true; }")

    page.get_by_role("button", name="Print").click()

    assert page.evaluate("window.printed") is True
    assert csp_violations.violations == []


def test_inbox_and_catalog_pages_report_no_csp_violation(
    page_for, buyer, seller, product, csp_violations
):
    make_order(buyer=buyer, seller=seller, product=product)
    seller_page = csp_violations(page_for(seller))
    buyer_page = csp_violations(page_for(buyer))

    seller_page.goto("/negotiations/")
    buyer_page.goto(f"/products/{product.pk}/")
    buyer_page.goto("/rfq/")
    seller_page.goto("/notifications/")

    assert csp_violations.violations == []
