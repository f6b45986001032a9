"""A buyer posts a request for quotation, two sellers quote, the buyer compares and accepts."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from fx.tests.factories import RateFactory
from inquiries.models import Negotiation
from rfq.models import RFQ, Quotation
from rfq.tests.factories import seller_in_category


def quote(page, rfq_id: int, *, unit_price: str, currency: str, lead_days: str):
    page.goto(f"/rfq/{rfq_id}/")
    page.get_by_role("link", name="Quote on this request").click()
    page.get_by_label("Unit price").fill(unit_price)
    page.get_by_label("Currency").select_option(currency)
    page.get_by_label("Minimum order quantity").fill("500")
    page.get_by_label("Lead time (days)").fill(lead_days)
    page.get_by_label("Incoterm").select_option("FOB")
    valid = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Valid until").fill(valid.isoformat())
    page.get_by_label("Message").fill("Logo printing included.")
    page.get_by_role("button", name="Send the quotation").click()
    expect(page.get_by_text("Your quotation has been sent to the buyer.")).to_be_visible()


def test_buyer_posts_an_rfq_compares_two_quotations_and_accepts_one(
    buyer_page, seller_page, page_for, product, seller, screenshot
):
    # One euro is 1.25 US dollars today: the German buyer compares in euros (issue 15).
    RateFactory(quote="USD", rate=Decimal("1.25"), date=timezone.localdate())
    rival = seller_in_category(product.category, username="rival", first_name="Mei")
    rival_page = page_for(rival)
    buyer = buyer_page

    # The buyer posts what he needs, public to the sellers of the category.
    buyer.goto("/rfq/")
    buyer.get_by_role("link", name="Post a request for quotation").click()
    buyer.get_by_label("Product name").fill("Insulated bottle 750 ml")
    buyer.get_by_role("combobox", name="Category").select_option(str(product.category_id))
    buyer.get_by_label("Detailed requirements").fill("Powder coated, logo printed, 24 per carton.")
    buyer.get_by_label("Quantity").fill("1000")
    buyer.get_by_label("Unit", exact=True).select_option("piece")
    buyer.get_by_label("Target unit price").fill("4.50")
    buyer.get_by_role("combobox", name="Currency").select_option("USD")
    buyer.get_by_label("Destination country").select_option("DE")
    buyer.get_by_label("Incoterm wanted").select_option("FOB")
    deadline = timezone.localtime() + datetime.timedelta(days=7)
    buyer.get_by_label("Quotation deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    required = timezone.localdate() + datetime.timedelta(days=60)
    buyer.get_by_label("Required by").fill(required.isoformat())
    buyer.get_by_label("All sellers of the category").check()
    buyer.get_by_role("button", name="Publish").click()
    expect(buyer.get_by_text("Your request for quotation is published.")).to_be_visible()
    rfq = RFQ.objects.get()

    # Two sellers of the category find it and quote: one in USD, one in EUR.
    seller_page.goto("/rfq/")
    seller_page.get_by_role("link", name="Insulated bottle 750 ml").click()
    quote(seller_page, rfq.pk, unit_price="4.80", currency="USD", lead_days="30")
    quote(rival_page, rfq.pk, unit_price="4.20", currency="EUR", lead_days="20")

    # The buyer compares them side by side in his company's currency (euros), sorted by unit
    # price: $4.80 is €3.84, before the €4.20 quotation; each shows its amount as quoted.
    buyer.goto(f"/rfq/{rfq.pk}/")
    table = buyer.locator("#comparison")
    expect(table.get_by_role("row")).to_have_count(3)
    table.get_by_role("link", name="Unit price").click()
    expect(buyer).to_have_url(re.compile(r"sort=unit_price"))
    first = buyer.locator("#comparison tbody tr").first
    expect(first).to_contain_text(seller.company.legal_name)
    expect(first).to_contain_text("≈ €3,840.00")
    expect(first).to_contain_text("$4,800.00")
    expect(first).to_contain_text("1 USD = 0.8 EUR")
    expect(buyer.locator("#comparison tbody tr").nth(1)).to_contain_text("€4,200.00")
    screenshot(buyer, "rfq_comparison")

    # He chooses US dollars to rank and total in: the euro quotation is converted instead.
    buyer.get_by_label("Rank and total in").select_option("USD")
    buyer.get_by_role("button", name="Compare").click()
    expect(buyer).to_have_url(re.compile(r"currency=USD"))
    expect(buyer.locator("#comparison tbody tr").first).to_contain_text("$4,800.00")
    expect(buyer.locator("#comparison tbody tr").nth(1)).to_contain_text("≈ $5,250.00")

    # He accepts the USD quotation, confirms seller and total, and lands in the negotiation.
    buyer.get_by_role("link", name=f"Accept the quotation of {seller.company.legal_name}").click()
    expect(buyer.locator(".confirm-total")).to_have_text("$4,800.00")
    buyer.get_by_role("button", name="Accept for $4,800.00").click()
    negotiation = Negotiation.objects.get(origin=Negotiation.Origin.RFQ)
    expect(buyer).to_have_url(re.compile(rf"/negotiations/{negotiation.pk}/$"))
    assert negotiation.seller_company_id == seller.company_id
    assert negotiation.order.lines.get().name == "Insulated bottle 750 ml"
    assert Quotation.objects.get(seller_company=rival.company).state == Quotation.State.LOST
