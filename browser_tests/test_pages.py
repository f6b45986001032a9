"""The portal's pages as a person sees them at 1280 and 390 px: nothing cut off, the menu,
the product page's first screen, the RFQ comparison and its Accept confirmation, the forms,
pictures, the accessibility check (axe-core), and the screenshots in docs/screenshots/."""

import datetime
import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.layout import inside_screen as _inside_screen
from browser_tests.layout import no_page_scroll as _no_page_scroll
from catalog.management.commands.load_demo_data import product_image
from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments.tests.factories import NEW_BANK, pay, set_bank_details
from rfq.models import Quotation
from rfq.tests.factories import QuotationFactory, RFQFactory, seller_in_category

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])


@pytest.fixture
def trade(buyer, seller, product):
    """A seller's inbox with orders in several states, one awaiting payment with a submitted
    transfer, bank details changed once, and an RFQ with three quotations."""
    product.image.save("test-product.png", ContentFile(product_image(product.name, "Kitchen")))
    set_bank_details(seller)
    set_bank_details(seller, **NEW_BANK)
    set_bank_details(seller)
    awaiting = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
    )
    pay(awaiting, buyer, "1000.00")
    make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product)
    make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED, product=product)
    rfq = RFQFactory(
        buyer_company=buyer.company,
        created_by=buyer,
        category=product.category,
        product_name="Insulated bottle 750 ml",
    )
    QuotationFactory(rfq=rfq, author=seller, unit_price=Decimal("4.80"))
    for n, price in enumerate(["4.65", "5.10"]):
        rival = seller_in_category(product.category, username=f"rival{n}")
        rival.company.legal_name = f"Rival Manufacturing {n} Co., Ltd."
        rival.company.save()
        QuotationFactory(rfq=rfq, author=rival, unit_price=Decimal(price))
    return {"order": awaiting, "rfq": rfq, "product": product}


@WIDTHS
def test_the_inbox_shows_every_value_of_every_row(page_for, seller, trade, viewport):
    page = page_for(seller, viewport=viewport)
    page.goto("/negotiations/")

    rows = page.locator(".inbox-table tbody tr")
    expect(rows).to_have_count(3)
    _no_page_scroll(page)
    _inside_screen(page, page.locator(".inbox-table tbody td"))
    expect(rows.first).to_contain_text("1,000 pieces")


def test_at_390_the_inbox_rows_are_cards_with_their_labels(page_for, seller, trade):
    page = page_for(seller, viewport=PHONE)
    page.goto("/negotiations/")

    total = page.locator(".inbox-table tbody tr").first.locator("td[data-label='Total']")
    label = total.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Total"'
    expect(total).to_be_visible()


@WIDTHS
def test_payment_history_and_bank_history_fit_the_screen(page_for, buyer, seller, trade, viewport):
    buyer_page = page_for(buyer, viewport=viewport)
    buyer_page.goto(f"/payments/orders/{trade['order'].pk}/")
    amount = buyer_page.locator(".payment-history td[data-label='Amount']")
    expect(amount).to_have_text("$1,000.00")
    _no_page_scroll(buyer_page)
    _inside_screen(buyer_page, buyer_page.locator(".payment-history td"))

    seller_page = page_for(seller, viewport=viewport)
    seller_page.goto("/payments/bank-details/")
    expect(seller_page.locator(".bank-history tbody tr")).to_have_count(3)
    _no_page_scroll(seller_page)
    _inside_screen(seller_page, seller_page.locator(".bank-history td"))


@WIDTHS
def test_the_order_sheet_shows_every_value_of_its_product_lines(page_for, buyer, trade, viewport):
    page = page_for(buyer, viewport=viewport)
    page.goto(f"/orders/{trade['order'].pk}/")

    expect(page.locator(".order-lines td[data-label='Line total']").first).to_have_text("$4,800.00")
    _no_page_scroll(page)
    _inside_screen(page, page.locator(".order-lines td"))
    _inside_screen(page, page.locator(".order-lines tfoot td"))


@WIDTHS
def test_the_revision_history_change_table_keeps_every_value_on_screen(
    page_for, seller, trade, viewport
):
    order = trade["order"]
    page = page_for(seller, viewport=viewport)
    versions = list(order.revisions.order_by("version").values_list("version", flat=True))
    page.goto(f"/orders/{order.pk}/history/?from={versions[0]}&to={versions[-1]}#compare")

    _no_page_scroll(page)
    table = page.locator(".change-table")
    if table.count():
        _inside_screen(page, table.locator("td"))


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(page_for, buyer):
    page = page_for(buyer, viewport=PHONE)
    page.goto("/products/")
    menu = page.get_by_role("button", name="Menu")
    products = page.locator(".site-nav").get_by_role("link", name="Products")

    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(products).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(products).to_be_visible()
    page.keyboard.press("Escape")
    expect(products).to_be_hidden()
    _no_page_scroll(page)


def test_the_navigation_shows_every_link_on_a_desktop(page_for, buyer):
    page = page_for(buyer, viewport=DESKTOP)
    page.goto("/products/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link", name="My orders")).to_be_visible()


def test_contact_supplier_and_start_order_are_on_the_first_screen_of_a_phone(
    page_for, buyer, trade
):
    page = page_for(buyer, viewport=PHONE)
    page.goto(f"/products/{trade['product'].pk}/")

    for name in ("Contact Supplier", "Start Order"):
        button = page.get_by_role("link", name=name)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], (name, box)
    _no_page_scroll(page)


@WIDTHS
def test_products_show_their_picture_or_a_placeholder(page_for, buyer, seller, trade, viewport):
    from catalog.tests.factories import ProductFactory

    ProductFactory(seller=seller.company, name="Bamboo board without picture")
    page = page_for(buyer, viewport=viewport)
    page.goto("/products/")

    selector = f"img.product-image[alt='{trade['product'].name}']"
    picture = page.locator(selector)
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()  # lazy-loaded below the fold on a phone
    page.wait_for_function(
        "selector => document.querySelector(selector).complete", arg=selector, timeout=10_000
    )
    assert picture.evaluate("img => img.naturalWidth") == 480
    card = page.locator(".product-card", has_text="Bamboo board without picture")
    expect(card.locator(".product-image-placeholder")).to_be_visible()
    expect(card.locator(".product-image-placeholder")).to_have_attribute(
        "aria-label", "No picture yet"
    )
    _no_page_scroll(page)


def test_the_rfq_comparison_shows_state_and_decisions_at_1280_without_scrolling(
    page_for, buyer, trade
):
    page = page_for(buyer, viewport=DESKTOP)
    page.goto(f"/rfq/{trade['rfq'].pk}/")

    wrap = page.locator(".rfq-comparison .table-wrap")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth")
    # A quotation row (not the heading row of quotations without a known rate, issue 15).
    first = page.locator("#comparison tr.rfq-row").first
    _inside_screen(page, first.locator("td[data-label='State']"))
    _inside_screen(page, first.get_by_role("link", name=re.compile("^Accept")))
    for name in ("Shortlist", "Decline"):
        _inside_screen(page, first.get_by_role("button", name=re.compile(f"^{name}")))


def test_at_390_the_rfq_comparison_rows_are_cards_with_accept_visible(page_for, buyer, trade):
    page = page_for(buyer, viewport=PHONE)
    page.goto(f"/rfq/{trade['rfq'].pk}/")

    _no_page_scroll(page)
    _inside_screen(page, page.locator("#comparison td[data-label='Total']"))
    _inside_screen(page, page.locator("#comparison").get_by_role("link", name=re.compile("Accept")))


def test_accept_asks_for_confirmation_naming_the_seller_and_total(page_for, buyer, seller, trade):
    page = page_for(buyer, viewport=DESKTOP)
    rfq = trade["rfq"]
    name = seller.company.legal_name
    page.goto(f"/rfq/{rfq.pk}/")

    page.get_by_role("link", name=f"Accept the quotation of {name}").click()

    expect(page.get_by_role("heading", name="Accept this quotation?")).to_be_visible()
    expect(page.locator(".confirm-summary")).to_contain_text(name.rstrip("."))
    expect(page.locator(".confirm-summary")).not_to_contain_text("..")
    expect(page.locator(".confirm-total")).to_have_text("$4,800.00")
    assert Quotation.objects.get(seller_company=seller.company).state == "submitted"

    page.get_by_role("link", name="Back to the comparison").click()
    expect(page).to_have_url(re.compile(rf"/rfq/{rfq.pk}/"))
    page.get_by_role("link", name=f"Accept the quotation of {name}").click()
    page.get_by_role("button", name="Accept for $4,800.00").click()

    expect(page).to_have_url(re.compile(r"/negotiations/\d+/$"))
    assert Quotation.objects.get(seller_company=seller.company).state == "accepted"


@WIDTHS
def test_the_rfq_form_looks_like_the_rest_of_the_site(page_for, buyer, viewport):
    page = page_for(buyer, viewport=viewport)
    page.goto("/rfq/new/")

    labels = page.locator("form.rfq-form label").all_inner_texts()
    assert labels and not [label for label in labels if label.rstrip().endswith(":")]
    assert "---------" not in page.content()
    expect(page.get_by_label("Currency")).to_have_value("EUR")  # the buyer's company is German
    expect(page.get_by_label("Destination country")).to_have_js_property("tagName", "SELECT")
    attachments = page.get_by_label("Attachments")
    assert attachments.evaluate("input => getComputedStyle(input).borderStyle") == "dashed"
    _no_page_scroll(page)


def test_the_seller_filters_rfqs_by_a_country_select(page_for, seller):
    page = page_for(seller, viewport=DESKTOP)
    page.goto("/rfq/")

    country = page.get_by_label("Destination country")
    expect(country).to_have_js_property("tagName", "SELECT")
    country.select_option("DE")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile("destination_country=DE"))


def test_the_quotation_form_starts_in_the_rfqs_currency(page_for, seller, trade):
    rfq = RFQFactory(
        buyer_company=trade["rfq"].buyer_company,
        category=trade["product"].category,
        currency="GBP",
        quotation_deadline=timezone.now() + datetime.timedelta(days=3),
    )
    page = page_for(seller, viewport=PHONE)
    page.goto(f"/rfq/{rfq.pk}/quote/")

    expect(page.get_by_label("Currency")).to_have_value("GBP")
    labels = page.locator("form.rfq-form label").all_inner_texts()
    assert not [label for label in labels if label.rstrip().endswith(":")]
    _no_page_scroll(page)


# --- Accessibility (axe-core) and screenshots ------------------------------------------------

SERIOUS = {"serious", "critical"}


def _axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def _pages(trade, seller, buyer):
    order = trade["order"]
    return [
        ("inbox", seller, "/negotiations/"),
        ("workspace", seller, f"/negotiations/{order.negotiation_id}/"),
        ("order_sheet", buyer, f"/orders/{order.pk}/"),
        ("pay", buyer, f"/payments/orders/{order.pk}/pay/"),
        ("rfq_comparison", buyer, f"/rfq/{trade['rfq'].pk}/"),
        ("product", buyer, f"/products/{trade['product'].pk}/"),
        ("start_order", buyer, f"/orders/start/{trade['product'].pk}/"),
    ]


@WIDTHS
def test_main_pages_have_no_serious_accessibility_violations(
    page_for, buyer, seller, trade, viewport, screenshot
):
    failures = {}
    suffix = viewport["width"]
    for name, user, url in _pages(trade, seller, buyer):
        page = page_for(user, viewport=viewport)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations = _axe_violations(page)
        screenshot(page, f"{name}_{suffix}")
        if violations:
            failures[name] = violations
        page.context.close()
    assert not failures, failures


@WIDTHS
def test_screenshots_of_the_other_main_pages(page_for, buyer, seller, trade, viewport, screenshot):
    suffix = viewport["width"]
    shots = [
        ("products", buyer, "/products/"),
        ("payments", buyer, f"/payments/orders/{trade['order'].pk}/"),
        ("history", seller, f"/orders/{trade['order'].pk}/history/"),
        ("rfq_list", buyer, "/rfq/"),
        ("rfq_new", buyer, "/rfq/new/"),
        ("bank_details", seller, "/payments/bank-details/"),
        ("notifications", buyer, "/notifications/"),
    ]
    for name, user, url in shots:
        page = page_for(user, viewport=viewport)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        _no_page_scroll(page)
        screenshot(page, f"{name}_{suffix}")
        page.context.close()
