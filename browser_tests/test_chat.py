"""The chat in two browsers: live delivery, typing, read receipts, and coming back online."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inquiries.tests.factories import InquiryFactory


@pytest.fixture
def negotiation(buyer, seller):
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        sender=buyer,
    )
    return inquiry.negotiation


def open_chat(page, negotiation):
    page.goto(chat_url(negotiation))
    chat = page.locator(f'[data-chat-negotiation="{negotiation.pk}"]')
    expect(chat).to_be_visible()
    return chat


def chat_url(negotiation) -> str:
    """The workspace, whose right pane hosts the chat."""
    return reverse("inquiries:workspace", args=[negotiation.pk])


def send(chat, text):
    chat.locator("[data-chat-input]").fill(text)
    chat.locator("[data-chat-input]").press("Enter")


def messages_with(chat, text):
    return chat.locator(".chat-msg .chat-body", has_text=text)


def test_buyer_and_seller_see_messages_typing_and_read_receipts_live(
    buyer_page, seller_page, negotiation, buyer, seller
):
    buyer_chat = open_chat(buyer_page, negotiation)
    seller_chat = open_chat(seller_page, negotiation)
    expect(buyer_chat.locator("[data-chat-presence]")).to_have_attribute("data-online", "true")

    buyer_chat.locator("[data-chat-input]").press_sequentially("Can you do 4.50")
    expect(seller_chat.locator("[data-chat-typing]")).to_contain_text(buyer.display_name)

    send(buyer_chat, "Can you do 4.50? See https://example.com/spec <b>bold</b>")
    received = seller_chat.locator(".chat-msg--theirs", has_text="Can you do 4.50?")
    expect(received).to_have_count(1)
    link = received.locator("a[href='https://example.com/spec']")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(received.locator("b")).to_have_count(0)
    expect(received).to_contain_text("<b>bold</b>")

    # The seller's window is open and visible: the buyer's message shows as read.
    mine = buyer_chat.locator(".chat-msg--mine", has_text="Can you do 4.50?")
    expect(mine.locator("[data-chat-status]")).to_have_attribute("data-chat-status", "read")

    send(seller_chat, "4.70 is our best price.")
    expect(messages_with(buyer_chat, "4.70 is our best price.")).to_have_count(1)


def test_messages_sent_while_the_buyer_was_offline_arrive_once_each(
    buyer_page, seller_page, negotiation
):
    buyer_chat = open_chat(buyer_page, negotiation)
    seller_chat = open_chat(seller_page, negotiation)
    send(seller_chat, "Before the outage")
    expect(messages_with(buyer_chat, "Before the outage")).to_have_count(1)

    buyer_page.context.set_offline(True)
    expect(buyer_chat.locator("[data-chat-banner]")).to_be_visible()
    send(buyer_chat, "Written offline")
    expect(
        buyer_chat.locator(".chat-msg--mine", has_text="Written offline").locator(
            "[data-chat-status]"
        )
    ).to_have_attribute("data-chat-status", "sending")
    for n in range(3):
        send(seller_chat, f"While you were away {n}")
    expect(messages_with(seller_chat, "While you were away 2")).to_have_count(1)

    buyer_page.context.set_offline(False)
    expect(buyer_chat.locator("[data-chat-banner]")).to_be_hidden()
    for n in range(3):
        expect(messages_with(buyer_chat, f"While you were away {n}")).to_have_count(1)
    expect(messages_with(buyer_chat, "Before the outage")).to_have_count(1)
    expect(messages_with(seller_chat, "Written offline")).to_have_count(1)
    expect(messages_with(buyer_chat, "Written offline")).to_have_count(1)
    bodies = buyer_chat.locator(".chat-msg .chat-body").all_inner_texts()
    assert bodies == [
        "Before the outage",
        "While you were away 0",
        "While you were away 1",
        "While you were away 2",
        "Written offline",
    ]
    assert re.fullmatch(r"\d+", buyer_chat.locator(".chat-msg").first.get_attribute("data-id"))
