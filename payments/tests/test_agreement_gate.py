"""Pay where you agreed to pay: a T/T order is agreed only with the seller's bank details on
file (payments.services.agreement_check_bank_details, asked by orders.services.order_confirm)."""

import pytest
from django.urls import reverse

from common.errors import ValidationFailed
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order, snapshot
from payments.models import PaymentPlan
from payments.tests.factories import BANK, set_bank_details


@pytest.fixture
def buyer_confirmed(buyer, seller):
    return make_order(buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED)


def test_the_seller_cannot_agree_a_tt_order_without_bank_details(buyer_confirmed, seller):
    before = snapshot(buyer_confirmed)

    with pytest.raises(ValidationFailed) as error:
        order_services.order_confirm(
            order_id=buyer_confirmed.pk, actor=seller, version=buyer_confirmed.version
        )

    assert error.value.errors["code"] == "bank_details_missing"
    assert error.value.errors["bank_details_url"] == reverse("payments:bank_account")
    assert "Add your company's bank details" in error.value.errors["payment_method"][0]
    assert snapshot(buyer_confirmed) == before


def test_the_buyer_cannot_agree_a_tt_order_while_the_seller_has_no_bank_details(buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    with pytest.raises(ValidationFailed) as error:
        order_services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    assert error.value.errors["code"] == "bank_details_missing"
    assert "bank_details_url" not in error.value.errors  # the buyer cannot add them
    assert "ask the seller" in error.value.errors["payment_method"][0]


def test_with_bank_details_on_file_the_tt_order_is_agreed_and_snapshots_them(
    buyer_confirmed, seller, django_capture_on_commit_callbacks
):
    set_bank_details(seller)

    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.order_confirm(
            order_id=buyer_confirmed.pk, actor=seller, version=buyer_confirmed.version
        )

    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert PaymentPlan.objects.get(order=order).bank_details["bank_name"] == BANK["bank_name"]


@pytest.mark.parametrize("method", ["card", "lc", "other"])
def test_orders_not_paid_by_tt_are_agreed_without_bank_details(buyer, seller, method):
    order = make_order(
        buyer=buyer,
        seller=seller,
        status=OrderStatus.BUYER_CONFIRMED,
        terms={"payment_method": method},
    )

    order = order_services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_the_seller_may_still_send_a_tt_draft_without_bank_details(buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.DRAFT)

    order = order_services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    assert order.status == OrderStatus.SELLER_CONFIRMED


def test_the_page_refuses_the_agreeing_confirm_next_to_the_field_with_a_link(
    buyer_confirmed, seller, client
):
    client.force_login(seller)

    response = client.post(
        reverse("orders:confirm", args=[buyer_confirmed.pk]),
        {"version": buyer_confirmed.version},
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="bank-details-missing"' in content
    assert f'href="{reverse("payments:bank_account")}"' in content
    assert 'id="f-payment_method-errors"' in content
    buyer_confirmed.refresh_from_db()
    assert buyer_confirmed.status == OrderStatus.BUYER_CONFIRMED


def test_the_api_refuses_the_agreeing_confirm_with_a_machine_readable_code(
    buyer_confirmed, seller, api_as
):
    response = api_as(seller).post(
        f"/api/v1/orders/{buyer_confirmed.pk}/confirm/",
        {"version": buyer_confirmed.version},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bank_details_missing"
    assert body["bank_details_url"] == reverse("payments:bank_account")
    assert len(body["payment_method"]) == 1
