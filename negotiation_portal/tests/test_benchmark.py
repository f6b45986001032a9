"""Smoke tests of the load benchmark (scripts/benchmark.py, `make bench`), so that it does not
rot: its data generator on a tiny set, its bare view, its session cookies, its server command.
The benchmark itself is not a test and does not run here."""

import pytest
from django.db import transaction
from django.test import Client

from chat.models import Message
from orders.models import OrderStatus
from scripts.bench import data
from scripts.bench.server import production_command
from scripts.bench.urls import BARE_PATH


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """Built once for the module (the generator is the slow part), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield data.build(
            negotiations=12,
            revisions=3,
            messages=30,
            quotations=4,
            sweep_orders=5,
            chat_pairs=3,
            progress=lambda text: None,
        )
        transaction.set_rollback(True)


def test_data_set_gives_the_seller_the_asked_number_of_negotiations(db, tiny):
    assert tiny.negotiations == 12


def test_big_order_has_the_revisions_and_messages_and_ends_on_the_buyers_version(db, tiny):
    assert tiny.revisions >= 3
    assert tiny.big_order.status == OrderStatus.BUYER_CONFIRMED
    assert Message.objects.filter(negotiation_id=tiny.big_order.negotiation_id).count() == 30


def test_rfq_has_one_quotation_per_seller(db, tiny):
    assert tiny.quotations == 4
    assert tiny.rfq_small.quotations.count() == 4


def test_chat_rig_gives_each_writer_a_negotiation_the_listener_shares(db, tiny):
    assert len(tiny.chat_negotiations) == len(tiny.chat_senders) == 3
    assert {s.company_id for s in tiny.chat_senders} == {tiny.chat_senders[0].company_id}


@pytest.mark.urls("scripts.bench.urls")
def test_bare_view_needs_a_session_and_answers_json(db, seller, settings):
    assert Client().get(BARE_PATH).status_code == 302

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = data.session_cookie(seller)
    response = client.get(BARE_PATH)

    assert response.status_code == 200
    assert response.json() == {"user": seller.pk}


def test_server_command_is_the_dockerfiles_uvicorn_command():
    command = production_command()

    assert command[0] == "uvicorn"
    assert "negotiation_portal.asgi:application" in command
