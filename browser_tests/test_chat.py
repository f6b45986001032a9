"""The chat in two browsers: live delivery, typing, read receipts, and coming back online."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chat.tests.factories import post
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


def wait_until_ready(page, timeout=10.0):
    """Until the chat's socket said ready. Polled from here: page.wait_for_function evaluates
    its predicate with eval, which the Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    ready = "() => document.querySelector('[data-chat-negotiation]').chat.ready === true"
    while not page.evaluate(ready):
        assert time.monotonic() < deadline, "the chat socket never became ready"
        page.wait_for_timeout(50)


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


def test_a_long_conversation_opens_on_its_newest_page_and_loads_earlier_messages(
    buyer_page, negotiation, buyer, seller, settings
):
    settings.CHAT_RATE_LIMIT = (1000, 10)
    for n in range(60):
        post(negotiation, seller if n % 2 else buyer, f"Line {n}")
    chat = open_chat(buyer_page, negotiation)
    expect(messages_with(chat, "Line 59")).to_have_count(1)
    expect(chat.locator(".chat-msg")).to_have_count(50)  # the server's bounded replay
    expect(messages_with(chat, "Line 9")).to_have_count(0)

    earlier = chat.get_by_role("button", name="Load earlier messages")
    earlier.click()
    expect(chat.locator(".chat-msg")).to_have_count(60)
    expect(earlier).to_be_hidden()
    bodies = chat.locator(".chat-msg .chat-body").all_inner_texts()
    assert bodies == [f"Line {n}" for n in range(60)]


def test_rate_limited_messages_share_one_retry_timer_and_go_out_once_per_socket(
    buyer_page, negotiation
):
    open_chat(buyer_page, negotiation)
    wait_until_ready(buyer_page)
    sent = buyer_page.evaluate(
        """async () => {
          const chat = document.querySelector('[data-chat-negotiation]').chat;
          const sent = [];
          chat.send = (frame) => {
            if (frame.type === 'message') sent.push(frame.client_id);
            return true;
          };
          const item = (id) => (
            {clientId: id, body: id, element: document.createElement('li'), sentOn: 0});
          chat.pending = [item('a'), item('b'), item('c')];
          chat.flushPending();
          ['a', 'b', 'c'].forEach((id) => chat.onError(
            {type: 'error', code: 'rate_limited', retry_after: 1, client_id: id}));
          const timers = chat.retryTimer ? 1 : 0;
          chat.onReady({heartbeat: 20});  // a reconnect during the pause sends nothing
          chat.onReady({heartbeat: 20});
          await new Promise((resolve) => setTimeout(resolve, 1600));
          return {sent, timers};
        }"""
    )
    assert sent["timers"] == 1
    assert sent["sent"] == ["a", "b", "c", "a", "b", "c"]  # first try, then one retry each


def test_a_seq_gap_that_fills_within_the_wait_fetches_nothing(buyer_page, negotiation):
    open_chat(buyer_page, negotiation)
    wait_until_ready(buyer_page)
    fetches = buyer_page.evaluate(
        """async () => {
          const chat = document.querySelector('[data-chat-negotiation]').chat;
          let fetches = 0;
          chat.fetchMissing = () => { fetches += 1; };
          const message = (seq) => ({id: 1000 + seq, seq: seq, kind: 'text', side: 'seller',
            sender: {id: -1, name: 'S'}, body: 'm' + seq, created_at: new Date().toISOString(),
            attachment: null, order: null});
          const base = chat.contiguousSeq;
          chat.add(message(base + 2));  // arrives first from the other server
          await new Promise((resolve) => setTimeout(resolve, 100));
          chat.add(message(base + 1));
          await new Promise((resolve) => setTimeout(resolve, 600));
          const filled = fetches;
          chat.add(message(base + 4));  // base + 3 never comes: fetched after the wait
          await new Promise((resolve) => setTimeout(resolve, 600));
          return [filled, fetches];
        }"""
    )
    assert fetches == [0, 1]


def test_the_unread_badge_is_hidden_when_nothing_is_unread(seller_page, negotiation):
    chat = open_chat(seller_page, negotiation)

    expect(chat.locator("[data-chat-unread]")).to_be_hidden()
