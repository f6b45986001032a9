"""Issue 14.5 in the browser: a seller saves a quick reply and inserts it into a chat message;
a buyer sees what a seller's revised quotation changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chat.models import Message
from inquiries.tests.factories import InquiryFactory
from rfq.tests.factories import RFQFactory

from .test_chat import open_chat, wait_until_ready

SNIPPET = "Our lead time is 30 days after the deposit."


@pytest.fixture
def negotiation(buyer, seller):
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        sender=buyer,
    )
    return inquiry.negotiation


def test_seller_saves_a_quick_reply_and_inserts_it_into_a_chat_message(
    seller_page, buyer_page, negotiation, screenshot
):
    page = seller_page
    page.goto(reverse("chat:quick_replies"))
    page.get_by_label("Title").fill("Lead time")
    page.get_by_label("Text").fill(SNIPPET)
    page.get_by_role("button", name="Save quick reply").click()
    expect(page.get_by_test_id("quick-reply-table")).to_contain_text("Lead time")

    chat = open_chat(page, negotiation)
    wait_until_ready(page)
    chat.locator("[data-chat-input]").fill("Hello Hans.")
    chat.get_by_test_id("quick-replies-toggle").click()
    chat.get_by_role("button", name="Lead time").click()
    expect(chat.locator("[data-chat-input]")).to_have_value(f"Hello Hans. {SNIPPET}")
    screenshot(page, "quick-replies", full_page=False)
    chat.locator("[data-chat-input]").press("Enter")

    buyer_chat = open_chat(buyer_page, negotiation)
    expect(buyer_chat.locator(".chat-msg .chat-body", has_text=SNIPPET)).to_be_visible()
    assert Message.objects.filter(body=f"Hello Hans. {SNIPPET}").count() == 1
    # The buyer's composer has no quick replies.
    expect(buyer_chat.get_by_test_id("quick-replies-toggle")).to_have_count(0)


def test_buyer_sees_what_the_revised_quotation_changed(
    buyer_page, seller_page, buyer, product, screenshot
):
    rfq = RFQFactory(buyer_company=buyer.company, created_by=buyer, category=product.category)
    seller = seller_page
    seller.goto(f"/rfq/{rfq.pk}/")
    seller.get_by_role("link", name="Quote on this request").click()
    seller.get_by_label("Unit price").fill("4.80")
    seller.get_by_label("Currency").select_option("USD")
    seller.get_by_label("Minimum order quantity").fill("500")
    seller.get_by_label("Lead time (days)").fill("30")
    seller.get_by_label("Incoterm").select_option("FOB")
    valid = timezone.localdate() + datetime.timedelta(days=30)
    seller.get_by_label("Valid until").fill(valid.isoformat())
    seller.get_by_role("button", name="Send the quotation").click()
    expect(seller.get_by_text("Your quotation has been sent to the buyer.")).to_be_visible()

    seller.get_by_role("link", name="Revise the quotation").click()
    seller.get_by_label("Unit price").fill("4.55")
    seller.get_by_label("Lead time (days)").fill("25")
    seller.get_by_role("button", name="Save the revision").click()
    expect(seller.get_by_text("Your quotation has been revised.")).to_be_visible()

    buyer_page.goto(f"/rfq/{rfq.pk}/")
    changes = buyer_page.get_by_test_id("revision-changes")
    expect(changes).to_contain_text("Revised · revision 2")
    expect(changes).to_contain_text("Unit price: 4.80 → 4.55")
    expect(changes).to_contain_text("Lead time (days): 30 → 25")
    screenshot(buyer_page, "quotation-revision-diff", full_page=False)
