"""Offers in the chat pane: the form, the card for both sides, the one-click answers."""

import pytest
from django.test import Client

from chat.models import Message
from chat.serializers import message_data
from orders import offers, services
from orders.models import Offer, Order, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def order(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _key(order) -> str:
    return str(order.lines.all()[0].key)


def _offered(order, actor, price="4.50") -> Offer:
    return offers.offer_make(
        order_id=order.pk,
        actor=actor,
        version=order.version,
        values={"lines": [{"key": _key(order), "unit_price": price}]},
        note="Best price",
    )


def test_the_chat_pane_offers_the_form_to_a_party(order, buyer):
    page = _client(buyer).get(f"/negotiations/{order.negotiation_id}/")

    assert b"Make an offer" in page.content
    assert f'name="offer-line-{_key(order)}-unit_price"'.encode() in page.content


def test_no_offer_form_once_the_order_is_agreed(buyer, seller, product):
    agreed = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)

    page = _client(buyer).get(f"/negotiations/{agreed.negotiation_id}/")

    assert b"Make an offer" not in page.content


def test_the_form_sends_only_the_filled_terms(order, seller):
    response = _client(seller).post(
        f"/orders/{order.pk}/offers/",
        {
            "offer-version": order.version,
            f"offer-line-{_key(order)}-unit_price": "4.50",
            "offer-packaging": "",
        },
    )

    assert response.status_code == 200
    assert b"Your offer was sent." in response.content
    offer = Offer.objects.get()
    assert offer.values == {"lines": [{"key": _key(order), "unit_price": "4.5"}]}


def test_the_form_shows_errors_next_to_the_fields_and_sends_nothing(order, seller):
    response = _client(seller).post(
        f"/orders/{order.pk}/offers/",
        {
            "offer-version": order.version,
            f"offer-line-{_key(order)}-unit_price": "-1",
            "offer-incoterm": "XYZ",
        },
    )

    assert response.status_code == 200
    assert response.content.count(b'class="field-error"') == 2
    assert not Offer.objects.exists()


def test_the_card_shows_before_and_after_and_the_answers_to_the_other_side(order, buyer, seller):
    offer = _offered(order, seller)

    card = _client(buyer).get(f"/orders/{order.pk}/offers/{offer.pk}/").content.decode()

    assert "Offer from the seller" in card
    assert "4.80" in card and "4.50" in card
    assert "Best price" in card
    assert "data-offer-accept" in card and "Decline" in card and "Withdraw" not in card


def test_the_proposer_sees_withdraw_only(order, seller):
    offer = _offered(order, seller)

    card = _client(seller).get(f"/orders/{order.pk}/offers/{offer.pk}/").content.decode()

    assert "Withdraw" in card and "data-offer-accept" not in card


def test_accepting_from_the_card_puts_the_offer_in_the_letter_of_intent(order, buyer, seller):
    offer = _offered(order, seller)

    response = _client(buyer).post(f"/orders/{order.pk}/offers/{offer.pk}/accept/")

    assert response.status_code == 302
    fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
    assert fresh.status == S.BUYER_CONFIRMED
    assert str(fresh.lines.all()[0].unit_price).startswith("4.5")


def test_a_card_of_an_offer_the_order_moved_past_says_it_is_out_of_date(order, buyer, seller):
    offer = _offered(order, seller)
    services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    card = _client(buyer).get(f"/orders/{order.pk}/offers/{offer.pk}/").content.decode()

    assert "Out of date" in card and "data-offer-accept" not in card


def test_declining_from_the_card_keeps_the_note(order, buyer, seller):
    offer = _offered(order, seller)

    _client(buyer).post(f"/orders/{order.pk}/offers/{offer.pk}/decline/", {"note": "Too low"})

    offer.refresh_from_db()
    assert (offer.state, offer.decline_note) == (Offer.State.DECLINED, "Too low")


def test_an_outsider_gets_404_for_the_card_and_the_answers(order, seller, other_buyer):
    offer = _offered(order, seller)
    client = _client(other_buyer)

    assert client.get(f"/orders/{order.pk}/offers/{offer.pk}/").status_code == 404
    assert client.post(f"/orders/{order.pk}/offers/{offer.pk}/accept/").status_code == 404
    assert client.post(f"/orders/{order.pk}/offers/", {"offer-version": 1}).status_code == 404


def test_the_chat_message_of_an_offer_links_its_card(
    order, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = _offered(order, seller)

    message = Message.objects.select_related("order_event").get(order_event__type="offer_made")
    data = message_data(message, "buyer")

    assert data["offer"] == {
        "id": offer.pk,
        "card": True,
        "url": f"/orders/{order.pk}/offers/{offer.pk}/",
    }
    assert "made an offer" in data["body"]
