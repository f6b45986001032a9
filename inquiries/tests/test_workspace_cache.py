"""The workspace's letter-of-intent terms come from the cache per (order, version, side,
editing, language, time zone): never stale, never another viewer's, queries unchanged."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from common import fragments
from orders import services
from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, ensure_bank_details, make_order
from payments.tests.factories import pay_received

pytestmark = pytest.mark.django_db


def _page(client, order, **params) -> str:
    response = client.get(
        reverse("inquiries:workspace", args=[order.negotiation_id]),
        params,
        **params.pop("headers", {}),
    )
    assert response.status_code == 200
    return response.content.decode()


def _terms(page: str) -> str:
    """The letter-of-intent form without its CSRF token (a new one on every request)."""
    form = re.search(r'<form id="loi-form".*?</form>', page, flags=re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", form)


def _fragment(order, side: str, editing: bool = False) -> str | None:
    """The cached terms of the order's current version for a side, in English."""
    order = Order.objects.get(pk=order.pk)
    with translation.override("en"):
        return cache.get(fragments.versioned_key("loi-terms", order, side, editing))


def test_a_warm_workspace_shows_the_same_terms_as_a_cold_one(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)
    client.force_login(seller)

    cold = _page(client, order)
    warm = _page(client, order)

    assert _terms(warm) == _terms(cold)
    assert "Line total" in _terms(warm)


def test_the_cached_terms_hold_no_csrf_token(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)
    client.force_login(seller)

    page = _page(client, order)

    assert "Line total" in _fragment(order, "seller")
    assert "csrfmiddlewaretoken" not in _fragment(order, "seller")
    assert page.count('name="csrfmiddlewaretoken"') >= 1


def test_after_the_other_side_modifies_the_terms_the_new_values_show(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(seller)
    assert "777" not in _terms(_page(client, order))
    values = complete_values(order)
    values["lines"][0]["quantity"] = "777"

    services.order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)

    page = _page(client, order)
    assert "777" in _terms(page)
    assert "Changed since the version your side confirmed" in page


def test_after_a_confirm_the_agreed_order_shows(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(buyer)
    assert ">Confirm</button>" in _page(client, order)
    ensure_bank_details(seller)  # a T/T order is agreed only with them on file

    services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    page = _page(client, order)
    assert "Both parties have confirmed this order." in page
    assert ">Confirm</button>" not in page


def test_after_the_payment_the_ready_to_ship_order_shows(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client.force_login(buyer)
    assert "Ready" not in _page(client, order).split('class="badge badge-info loi-status">')[1][:20]

    pay_received(order, buyer, seller, "5150.00")  # deposit and balance before shipment

    status = _page(client, order).split('class="badge badge-info loi-status">')[1][:20]
    assert status.startswith("Ready to ship")


def test_a_language_switch_renders_the_terms_in_the_new_language(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)
    client.force_login(seller)
    english = _terms(_page(client, order))

    # A signed-in user's preferred language wins over the browser's Accept-Language.
    User.objects.filter(pk=seller.pk).update(language="de")
    german = _terms(_page(client, order))

    assert german != english
    assert re.search(r"\d,\d\d", german)  # decimal comma
    User.objects.filter(pk=seller.pk).update(language="en")
    assert _terms(_page(client, order)) == english


def test_each_side_sees_the_changes_against_its_own_last_version(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    values = complete_values(order)
    values["lines"][0]["quantity"] = "777"
    services.order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)
    client.force_login(seller)
    assert "field-changed" in _terms(_page(client, order))

    client.force_login(buyer)
    assert "field-changed" not in _terms(_page(client, order))


def test_modify_opens_the_editor_after_the_read_only_terms_were_cached(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(buyer)
    assert 'name="incoterm"' not in _page(client, order)

    assert 'name="incoterm"' in _page(client, order, edit=1)
    assert 'name="incoterm"' not in _page(client, order)


def test_typed_values_with_errors_are_never_cached_nor_served_from_the_cache(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(buyer)
    _page(client, order, edit=1)
    cached = _fragment(order, "buyer", editing=True)
    values = {"version": order.version, "terms_posted": "1", "packaging": "Typed but unsent"}
    values.update({"lines-0-key": "x", "lines-0-quantity": "-5"})

    response = client.post(reverse("orders:save", args=[order.pk]), values)

    assert "Typed but unsent" in response.content.decode()
    assert _fragment(order, "buyer", editing=True) == cached
    assert "Typed but unsent" not in _page(client, order, edit=1)


@pytest.mark.parametrize("rounds", [1, 20])
def test_a_warm_workspace_runs_the_same_queries_whatever_the_history(
    client, buyer, seller, rounds, django_assert_num_queries
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)
    for _ in range(rounds - 1):
        order = type(order).objects.prefetch_related("lines").get(pk=order.pk)
        actor = seller if order.waiting_for == "seller" else buyer
        order = services.order_modify(
            order_id=order.pk, actor=actor, version=order.version, values=complete_values(order)
        )
    client.force_login(seller if order.waiting_for == "seller" else buyer)
    _page(client, order)

    # the ninth: the exchange rates for the total's equivalent in the viewer's currency (issue 15)
    with django_assert_num_queries(9):
        _page(client, order)


def test_the_chat_panes_strings_are_cached_per_language(client, buyer, seller):
    from django.core.cache.utils import make_template_fragment_key

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)
    client.force_login(seller)

    english = _page(client, order)
    User.objects.filter(pk=seller.pk).update(language="de")
    _page(client, order)

    assert "data-chat-strings" in cache.get(make_template_fragment_key("chat_pane_strings", ["en"]))
    assert cache.get(make_template_fragment_key("chat_pane_strings", ["de"]))
    assert f'data-chat-negotiation="{order.negotiation_id}"' in english
