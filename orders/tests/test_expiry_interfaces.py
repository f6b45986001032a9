"""Offers that expire through the API, the pages, the inbox and the company profile (issue 14
point 2); the rules themselves are tested in test_expiry.py."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus
from orders.tests.factories import complete_values, make_order
from orders.tests.test_views_actions import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )


@pytest.fixture
def expired(seller_confirmed):
    Order.objects.filter(pk=seller_confirmed.pk).update(
        valid_until=timezone.now() - datetime.timedelta(hours=1)
    )
    return Order.objects.get(pk=seller_confirmed.pk)


# --- API -------------------------------------------------------------------------------------


def test_the_order_detail_shows_the_validity_and_whether_it_expired(
    api_as, buyer, seller_confirmed
):
    body = api_as(buyer).get(f"/api/v1/orders/{seller_confirmed.pk}/").json()

    assert body["valid_until"] is not None
    assert body["expired"] is False
    assert body["extension_requested_at"] is None


def test_the_cached_order_detail_still_says_when_it_expired(api_as, buyer, seller_confirmed):
    client = api_as(buyer)
    client.get(f"/api/v1/orders/{seller_confirmed.pk}/")
    Order.objects.filter(pk=seller_confirmed.pk).update(
        valid_until=timezone.now() - datetime.timedelta(minutes=1)
    )

    body = client.get(f"/api/v1/orders/{seller_confirmed.pk}/").json()

    assert body["expired"] is True
    assert "confirm" not in body["allowed_actions"]
    assert "request_extension" in body["allowed_actions"]


def test_api_confirm_of_an_expired_confirmation_is_a_409_offer_expired(api_as, buyer, expired):
    response = api_as(buyer).post(
        f"/api/v1/orders/{expired.pk}/confirm/", {"version": expired.version}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "offer_expired"
    assert response.json()["valid_until"] == expired.valid_until.isoformat()


def test_api_buyer_requests_an_extension_and_the_seller_extends(api_as, buyer, seller, expired):
    response = api_as(buyer).post(
        f"/api/v1/orders/{expired.pk}/request-extension/",
        {"version": expired.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["extension_requested_at"] is not None

    response = api_as(seller).post(
        f"/api/v1/orders/{expired.pk}/extend/",
        {"version": response.json()["version"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["expired"] is False
    assert "confirm" in api_as(buyer).get(f"/api/v1/orders/{expired.pk}/").json()["allowed_actions"]


def test_api_extension_of_a_valid_confirmation_is_a_409(api_as, seller, seller_confirmed):
    response = api_as(seller).post(
        f"/api/v1/orders/{seller_confirmed.pk}/extend/",
        {"version": seller_confirmed.version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_api_outsiders_cannot_request_an_extension(api_as, other_buyer, expired):
    response = api_as(other_buyer).post(
        f"/api/v1/orders/{expired.pk}/request-extension/",
        {"version": expired.version},
        format="json",
    )

    assert response.status_code == 404


def test_api_modify_takes_the_validity_the_buyer_sets(api_as, buyer, seller_confirmed):
    until = (timezone.now() + datetime.timedelta(days=12)).replace(microsecond=0)

    response = api_as(buyer).post(
        f"/api/v1/orders/{seller_confirmed.pk}/modify/",
        {"version": seller_confirmed.version, "packaging": "Crates", "valid_until": until},
        format="json",
    )

    assert response.status_code == 200
    assert Order.objects.get(pk=seller_confirmed.pk).valid_until == until


def test_api_a_validity_in_the_past_is_a_field_error(api_as, buyer, seller_confirmed):
    response = api_as(buyer).post(
        f"/api/v1/orders/{seller_confirmed.pk}/modify/",
        {"version": seller_confirmed.version, "packaging": "Crates", "valid_until": "2001-01-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "valid_until" in response.json()


def test_seller_sets_the_company_offer_validity_through_the_api(api_as, seller):
    response = api_as(seller).put(
        "/api/v1/company/offer-validity/", {"offer_validity_days": 14}, format="json"
    )

    assert response.status_code == 200
    seller.company.refresh_from_db()
    assert seller.company.offer_validity_days == 14


@pytest.mark.parametrize("days", [0, 91, "many"])
def test_an_offer_validity_out_of_range_is_refused(api_as, seller, days):
    response = api_as(seller).put(
        "/api/v1/company/offer-validity/", {"offer_validity_days": days}, format="json"
    )

    assert response.status_code == 400


def test_buyers_cannot_set_an_offer_validity(api_as, buyer):
    response = api_as(buyer).put(
        "/api/v1/company/offer-validity/", {"offer_validity_days": 3}, format="json"
    )

    assert response.status_code == 403


# --- Pages -----------------------------------------------------------------------------------


def _workspace(client, order):
    return client.get(reverse("inquiries:workspace", args=[order.negotiation_id]))


def test_the_buyer_sees_until_when_he_can_confirm(client, buyer, seller_confirmed):
    client.force_login(buyer)

    page = _workspace(client, seller_confirmed).content.decode()

    assert "Can be confirmed as is until" in page
    assert "Request an extension" not in page


def test_the_buyer_sees_the_expired_confirmation_and_the_request_button(client, buyer, expired):
    client.force_login(buyer)

    page = _workspace(client, expired).content.decode()

    assert "This confirmation has expired." in page
    assert "Request an extension" in page
    assert reverse("orders:confirm", args=[expired.pk]) + '" data-clean-only' not in page


def test_a_confirm_posted_after_expiry_changes_nothing_and_says_why(client, buyer, expired):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:confirm", args=[expired.pk]), {"version": expired.version}, follow=True
    )

    assert "can no longer be confirmed as is" in response.content.decode()
    assert Order.objects.get(pk=expired.pk).status == OrderStatus.SELLER_CONFIRMED


def test_the_buyer_requests_an_extension_from_the_page(client, buyer, expired):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:request_extension", args=[expired.pk]),
        {"version": expired.version},
        follow=True,
    )

    assert "Extension requested" in response.content.decode()
    assert expired.events.filter(type=OrderEvent.Type.EXTENSION_REQUESTED).exists()


def test_the_seller_extends_from_the_page(client, seller, expired):
    client.force_login(seller)
    assert "Extend by the default validity" in _workspace(client, expired).content.decode()

    client.post(reverse("orders:extend", args=[expired.pk]), {"version": expired.version})

    assert not Order.objects.get(pk=expired.pk).offer_expired()


def test_a_stale_extension_from_the_page_is_refused(client, seller, expired):
    client.force_login(seller)

    response = client.post(
        reverse("orders:extend", args=[expired.pk]), {"version": expired.version - 1}
    )

    assert response.status_code == 409
    assert Order.objects.get(pk=expired.pk).offer_expired()


def test_the_buyer_sets_the_validity_of_his_modification_on_the_page(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    data = form_data(
        complete_values(seller_confirmed, packaging="Crates"), seller_confirmed.version
    )
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()

    client.post(reverse("orders:save", args=[seller_confirmed.pk]), {**data, "valid_until": day})

    order = Order.objects.get(pk=seller_confirmed.pk)
    assert order.status == OrderStatus.BUYER_CONFIRMED
    assert timezone.localtime(order.valid_until).date().isoformat() == day


def test_a_bad_validity_on_the_page_is_shown_at_its_field(client, buyer, seller_confirmed):
    client.force_login(buyer)
    data = form_data(
        complete_values(seller_confirmed, packaging="Crates"), seller_confirmed.version
    )

    response = client.post(
        reverse("orders:save", args=[seller_confirmed.pk]), {**data, "valid_until": "2001-01-01"}
    )

    assert response.status_code == 400
    assert 'id="valid-until-errors"' in response.content.decode()


def test_the_seller_sets_the_offer_validity_in_the_company_profile(client, seller):
    from django.forms.models import model_to_dict

    from accounts.forms import SellerProfileForm

    client.force_login(seller)
    data = model_to_dict(seller.company, fields=SellerProfileForm.Meta.fields)
    data = {key: "" if value is None else value for key, value in data.items()}

    client.post(reverse("accounts:company_profile"), {**data, "offer_validity_days": 10})

    seller.company.refresh_from_db()
    assert seller.company.offer_validity_days == 10


def test_a_profile_saved_without_the_offer_validity_keeps_it(client, seller):
    from accounts.tests.test_company_profile import profile_post

    seller.company.offer_validity_days = 12
    seller.company.save()
    client.force_login(seller)

    client.post(reverse("accounts:company_profile"), profile_post())

    seller.company.refresh_from_db()
    assert seller.company.offer_validity_days == 12


# --- Inbox -----------------------------------------------------------------------------------


def test_the_inbox_says_in_how_many_hours_the_confirmation_awaiting_me_expires(
    client, buyer, seller_confirmed
):
    Order.objects.filter(pk=seller_confirmed.pk).update(
        valid_until=timezone.now() + datetime.timedelta(hours=5, minutes=30)
    )
    client.force_login(buyer)

    page = client.get(reverse("inquiries:inbox")).content.decode()

    assert "expires in 6 h" in page


def test_the_inbox_does_not_count_down_the_senders_own_confirmation(
    client, seller, seller_confirmed
):
    client.force_login(seller)

    assert (
        'data-testid="inbox-expiry"' not in client.get(reverse("inquiries:inbox")).content.decode()
    )


def test_the_inbox_row_is_not_served_stale_from_the_cache_once_expired(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    client.get(reverse("inquiries:inbox"))
    Order.objects.filter(pk=seller_confirmed.pk).update(
        valid_until=timezone.now() - datetime.timedelta(minutes=1)
    )

    page = client.get(reverse("inquiries:inbox")).content.decode()

    assert ">Expired</span>" in page


def test_the_expired_tab_lists_only_expired_confirmations(client, buyer, seller, product, expired):
    valid = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    client.force_login(buyer)

    response = client.get(reverse("inquiries:inbox"), {"state": "expired"})

    tabs = {tab["state"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["expired"] == 1
    assert tabs["seller_confirmed"] == 2
    assert [row["order"].pk for row in response.context["rows"]] == [expired.pk]
    assert valid.pk != expired.pk


def test_the_expired_tab_takes_the_same_queries_for_1_or_4_rows(
    client, buyer, seller, product, expired
):
    client.force_login(buyer)

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("inquiries:inbox"), {"state": "expired"})
        return len(captured.captured_queries)

    queries()  # the first request of a session writes the user's last activity
    one = queries()
    for _ in range(3):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
        )
        Order.objects.filter(pk=order.pk).update(valid_until=expired.valid_until)

    assert queries() == one
