"""Chat system messages are stored as a kind and its data and shown in each reader's language."""

import json

import pytest
from django.utils import translation

from accounts import services as account_services
from chat import services, system_messages
from chat.models import Message
from chat.serializers import frame_for, message_frames

pytestmark = pytest.mark.django_db


def token_client(client, user):
    _token, key = account_services.api_token_create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def agreed_line(negotiation):
    return services.system_message_post(
        negotiation_id=negotiation.pk,
        kind="agreed",
        data={"side": "buyer", "version": 3},
        order_id=None,
        version=3,
    )


def history(client, negotiation):
    return client.get(f"/api/v1/negotiations/{negotiation.pk}/messages/").json()["results"]


def test_a_system_message_stores_its_kind_and_data_and_the_english_sentence(negotiation):
    message = agreed_line(negotiation)
    message.refresh_from_db()
    assert message.system_kind == "agreed"
    assert message.system_data == {"side": "buyer", "version": 3}
    assert message.body == "Both parties confirmed version 3: awaiting payment."


def test_two_readers_read_the_rest_history_each_in_their_language(
    negotiation, buyer, seller, client, test_catalogues
):
    from django.test import Client

    buyer.language, seller.language = "de", "zh-hans"
    buyer.save(update_fields=["language"])
    seller.save(update_fields=["language"])
    agreed_line(negotiation)

    [for_buyer] = history(token_client(Client(), buyer), negotiation)
    [for_seller] = history(token_client(Client(), seller), negotiation)

    assert for_buyer["body"] == "Beide Parteien haben Version 3 bestätigt: Zahlung ausstehend."
    assert for_seller["body"] == "双方已确认第 3 版：等待付款。"


def test_the_socket_frames_carry_the_sentence_in_every_language(negotiation, test_catalogues):
    frames = message_frames(agreed_line(negotiation))

    def body(audience, language):
        return json.loads(frame_for(frames, audience, language))["message"]["body"]

    assert body("buyer", "de") == "Beide Parteien haben Version 3 bestätigt: Zahlung ausstehend."
    assert body("seller", "zh-hans") == "双方已确认第 3 版：等待付款。"
    assert body("staff", "en") == "Both parties confirmed version 3: awaiting payment."


def test_a_plain_text_message_has_one_frame_for_every_language(negotiation):
    message = services.system_message_post(
        negotiation_id=negotiation.pk, text="Seller confirmed", order_id=None, version=2
    )
    assert set(message_frames(message)) == {"staff", "buyer", "seller"}


def test_an_old_row_without_a_kind_shows_its_stored_text(negotiation, test_catalogues):
    message = services.system_message_post(
        negotiation_id=negotiation.pk,
        text="Both parties confirmed version 3: awaiting payment.",
        order_id=None,
        version=3,
    )
    with translation.override("de"):
        assert system_messages.message_text(message) == message.body


def test_an_unknown_kind_falls_back_to_the_stored_text(negotiation):
    message = Message(system_kind="gone", system_data={}, body="What happened then.")
    assert system_messages.message_text(message) == "What happened then."


def test_money_and_dates_follow_the_readers_locale():
    data = {"amount": "1234.5", "currency": "EUR", "side": "", "version": 1}
    with translation.override("de"):
        assert "(1.234,50\xa0€)" in system_messages.render("paid", data)
    with translation.override("en"):
        assert system_messages.render("paid", data) == "Paid in full (€1,234.50)."
    with translation.override("de"):
        assert system_messages.format_date("2026-11-30") == "30. November 2026"


def test_an_order_event_posts_a_line_rendered_for_each_reader(
    buyer, seller, django_capture_on_commit_callbacks
):
    from orders import services as order_services
    from orders.tests.factories import ensure_bank_details, make_order

    ensure_bank_details(seller)
    order = make_order(buyer=buyer, seller=seller, status="seller_confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
    line = Message.objects.filter(negotiation=order.negotiation_id, system_kind="agreed").get()
    assert line.system_data["side"] == "buyer"
    assert line.body.startswith("Both parties confirmed version")


@pytest.mark.parametrize(
    "side, expected",
    [
        ("buyer", "Der Käufer hat Version 3 bestätigt: Warten auf den Verkäufer."),
        ("seller", "Der Verkäufer hat Version 3 bestätigt: Warten auf den Käufer."),
    ],
)
def test_a_german_reader_reads_each_side_as_a_word_of_its_sentence(side, expected):
    with translation.override("de"):
        assert system_messages.render("confirmed", {"side": side, "version": 3}) == expected
