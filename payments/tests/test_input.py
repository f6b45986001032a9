"""Payment input that is not an amount, a version or a file name is refused with a reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Order, OrderStatus
from payments.models import Payment

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def _post_payment(client, order, amount, **extra):
    return client.post(
        f"/api/v1/orders/{order.pk}/payments/",
        {
            "provider": "bank_transfer",
            "amount": amount,
            "currency": "USD",
            "idempotency_key": "input-test-1",
            "reference": "TT-1",
            **extra,
        },
        format="json",
    )


@pytest.mark.parametrize("amount", ["1e30", "1E+26", "1,0,0", "-5", "1.0e2", "NaN", "Infinity"])
def test_an_amount_that_is_not_plain_digits_is_a_field_error(awaiting_order, buyer, api_as, amount):
    response = _post_payment(api_as(buyer), awaiting_order, amount)

    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Payment.objects.exists()


def test_an_amount_with_thousands_separators_in_their_place_is_read(awaiting_order, buyer, api_as):
    response = _post_payment(api_as(buyer), awaiting_order, "1,545.00")

    assert response.status_code == 201
    assert response.json()["amount"] == "1545.00"


def test_the_go_to_pay_page_refuses_an_exponent_amount_without_a_500(awaiting_order, buyer, client):
    client.force_login(buyer)

    response = client.post(
        f"/payments/orders/{awaiting_order.pk}/pay/",
        {"provider": "bank_transfer", "amount": "1e30", "currency": "USD", "reference": "T"},
    )

    assert response.status_code in (200, 400)
    assert not Payment.objects.exists()


def test_the_idempotency_key_is_documented_as_required_and_the_header_may_carry_it(
    awaiting_order, buyer, api_as
):
    client = api_as(buyer)
    body = {"provider": "bank_transfer", "amount": "100.00", "currency": "USD", "reference": "T"}

    without = client.post(f"/api/v1/orders/{awaiting_order.pk}/payments/", body, format="json")
    with_header = client.post(
        f"/api/v1/orders/{awaiting_order.pk}/payments/",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY="header-key-1",
    )

    assert without.status_code == 400
    assert "idempotency_key" in without.json()
    assert with_header.status_code == 201


def test_a_payment_body_that_is_not_an_object_is_refused_with_the_header_key_too(
    awaiting_order, buyer, api_as
):
    response = api_as(buyer).post(
        f"/api/v1/orders/{awaiting_order.pk}/payments/",
        [["provider", "bank_transfer"]],
        format="json",
        HTTP_IDEMPOTENCY_KEY="header-key-2",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Payment.objects.exists()


def test_payment_summaries_give_money_at_the_currencys_minor_unit(awaiting_order, buyer, api_as):
    body = api_as(buyer).get(f"/api/v1/orders/{awaiting_order.pk}/payments/").json()

    assert (body["total"], body["due_now"], body["received"]) == ("5150.00", "1545.00", "0.00")


def test_an_outsider_posting_a_garbled_version_to_cancel_gets_404(
    awaiting_order, other_seller, client
):
    client.force_login(other_seller)

    response = client.post(
        f"/payments/orders/{awaiting_order.pk}/cancel/", {"version": "abc", "reason": "x"}
    )

    assert response.status_code == 404


def test_the_seller_posting_a_garbled_version_to_cancel_changes_nothing(
    awaiting_order, seller, client
):
    client.force_login(seller)

    response = client.post(
        f"/payments/orders/{awaiting_order.pk}/cancel/", {"version": "abc", "reason": "x"}
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=awaiting_order.pk).status == OrderStatus.AWAITING_PAYMENT


def test_a_slip_named_only_with_unusable_characters_is_kept_under_a_safe_label(
    awaiting_order, buyer, api_as
):
    slip = SimpleUploadedFile("<>", PDF, content_type="application/pdf")

    response = api_as(buyer).post(
        f"/api/v1/orders/{awaiting_order.pk}/payments/",
        {
            "provider": "bank_transfer",
            "amount": "100.00",
            "currency": "USD",
            "idempotency_key": "slip-key-0001",
            "reference": "T",
            "slip": slip,
        },
        format="multipart",
    )

    assert response.status_code == 201
    assert Payment.objects.get().slip_name == "attachment"
