import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments.models import Payment, PaymentStatus
from payments.tests.factories import NEW_BANK, pay


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_buyer_sees_the_agreed_bank_details_on_the_payment_page(awaiting_order, buyer, as_user):
    response = as_user(buyer).get(reverse("payments:pay", args=[awaiting_order.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "CN1234567890" in content
    assert "$1,545.00" in content
    assert 'name="idempotency_key"' in content
    assert "bank-change-warning" not in content


def test_the_payment_page_warns_when_the_seller_changed_bank_details(
    awaiting_order, buyer, seller, as_user
):
    from payments import services

    services.bank_account_update(actor=seller, values=NEW_BANK)

    content = as_user(buyer).get(reverse("payments:pay", args=[awaiting_order.pk])).content.decode()
    assert "bank-change-warning" in content
    assert "verify the change with the seller by phone" in content
    agreed = content.index('data-testid="bank-details"')
    new = content.index('data-testid="new-bank-details"')
    assert "CN1234567890" in content[agreed:new]
    assert "GB00FRAUD" in content[new:]
    assert "CN1234567890" not in content[new:]


def test_the_payment_page_shows_details_added_after_an_agreement_without_any(
    buyer, seller, product, as_user, django_capture_on_commit_callbacks
):
    # Agreed by card (no bank details needed), then switched to transfer details later: the
    # payment page must still show an account, with the warning, never none.
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            buyer=buyer,
            seller=seller,
            status=OrderStatus.AWAITING_PAYMENT,
            product=product,
            terms={"payment_method": "other"},
        )
    from payments import services

    services.bank_account_update(actor=seller, values=NEW_BANK)

    content = as_user(buyer).get(reverse("payments:pay", args=[order.pk])).content.decode()
    assert "bank-change-warning" in content
    assert "had no bank details on file when this order was agreed" in content
    assert 'data-testid="new-bank-details"' in content
    assert "GB00FRAUD" in content
    assert 'data-testid="no-bank-details"' not in content


def test_the_payment_page_offers_no_card_payment_for_a_bank_transfer_order(
    awaiting_order, buyer, as_user
):
    content = as_user(buyer).get(reverse("payments:pay", args=[awaiting_order.pk])).content
    assert b'value="sandbox_card"' not in content
    assert b'value="bank_transfer"' in content


def test_the_payment_page_offers_the_card_for_a_card_order(card_order, buyer, as_user):
    content = as_user(buyer).get(reverse("payments:pay", args=[card_order.pk])).content
    assert b'value="sandbox_card"' in content
    assert b'value="bank_transfer"' not in content


def test_a_card_payment_posted_to_a_bank_transfer_order_is_refused_on_the_page(
    awaiting_order, buyer, as_user
):
    response = as_user(buyer).post(
        reverse("payments:pay", args=[awaiting_order.pk]),
        {
            "provider": "sandbox_card",
            "amount": "1545.00",
            "currency": "USD",
            "idempotency_key": "card-key-0001",
            "card_number": "4242424242424242",
        },
    )

    assert response.status_code == 400
    assert "is not offered for it" in response.content.decode()
    assert not Payment.objects.exists()


def test_posting_the_same_form_twice_records_one_payment(awaiting_order, buyer, as_user):
    client = as_user(buyer)
    data = {
        "provider": "bank_transfer",
        "amount": "1545.00",
        "currency": "USD",
        "idempotency_key": "form-key-123",
        "reference": "TT-9",
    }
    url = reverse("payments:pay", args=[awaiting_order.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert Payment.objects.count() == 1


def test_an_overpayment_on_the_page_shows_a_field_error(awaiting_order, buyer, as_user):
    response = as_user(buyer).post(
        reverse("payments:pay", args=[awaiting_order.pk]),
        {
            "provider": "bank_transfer",
            "amount": "9999.00",
            "currency": "USD",
            "idempotency_key": "form-key-456",
            "reference": "TT-9",
        },
    )

    assert response.status_code == 400
    assert b"more than the outstanding" in response.content
    assert not Payment.objects.exists()


def test_the_seller_may_not_open_the_payment_page(awaiting_order, seller, as_user):
    response = as_user(seller).get(reverse("payments:pay", args=[awaiting_order.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["payments:pay", "payments:order"])
def test_outsiders_get_404(awaiting_order, other_buyer, as_user, name):
    response = as_user(other_buyer).get(reverse(name, args=[awaiting_order.pk]))

    assert response.status_code == 404


def test_the_seller_marks_a_transfer_received_from_the_panel(
    awaiting_order, buyer, seller, as_user
):
    payment = pay(awaiting_order, buyer, "5150.00")

    response = as_user(seller).post(reverse("payments:receive", args=[payment.pk]))

    assert response.status_code == 302
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.READY_TO_SHIP


def test_the_buyer_cannot_mark_a_transfer_received(awaiting_order, buyer, as_user):
    payment = pay(awaiting_order, buyer, "5150.00")

    response = as_user(buyer).post(reverse("payments:receive", args=[payment.pk]))

    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_the_reminder_button_says_when_the_next_reminder_is_possible(
    awaiting_order, seller, as_user
):
    client = as_user(seller)
    url = reverse("payments:order", args=[awaiting_order.pk])
    assert b"Remind buyer to pay</button>" in client.get(url).content

    client.post(reverse("payments:remind", args=[awaiting_order.pk]))

    content = client.get(url).content.decode()
    assert "disabled" in content
    assert "Next reminder possible at" in content


def test_the_panel_renders_nothing_for_an_order_not_yet_agreed(buyer, seller, rf):
    from django.template import Context, Template

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    request = rf.get("/")
    request.user = buyer
    template = Template("{% load payments_tags %}{% payment_panel order %}")

    assert template.render(Context({"order": order, "request": request})).strip() == ""


@pytest.mark.parametrize("payments", [1, 20])
def test_the_payment_history_page_runs_a_constant_number_of_queries(
    awaiting_order, buyer, seller, as_user, django_assert_num_queries, payments
):
    for n in range(payments):
        pay(awaiting_order, buyer, "10.00", key=f"history-{n:04d}")
    client = as_user(seller)

    # The instalments, payments and refunds are one query each, however many there are.
    with django_assert_num_queries(12):
        response = client.get(reverse("payments:order", args=[awaiting_order.pk]))

    assert response.status_code == 200


def test_the_api_returns_the_amounts_due(awaiting_order, buyer, api_as):
    response = api_as(buyer).get(f"/api/v1/orders/{awaiting_order.pk}/payments/")

    assert response.status_code == 200
    assert response.json()["due_now"] == "1545.00"
    assert response.json()["outstanding"] == "5150.00"


def test_the_api_gives_the_agreed_and_the_changed_bank_details(
    awaiting_order, buyer, seller, api_as
):
    from payments import services

    services.bank_account_update(actor=seller, values=NEW_BANK)

    body = api_as(buyer).get(f"/api/v1/orders/{awaiting_order.pk}/payments/").json()

    assert body["bank_details"]["account_number"] == "CN12345678901234"
    assert body["current_bank_details"]["account_number"] == "GB00FRAUD1234567"
    assert body["bank_changed_at"] is not None


def test_the_api_takes_the_idempotency_key_from_the_header(awaiting_order, buyer, api_as):
    client = api_as(buyer)
    body = {"provider": "bank_transfer", "amount": "100.00", "currency": "USD", "reference": "R1"}
    url = f"/api/v1/orders/{awaiting_order.pk}/payments/"

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-key-0001")
    second = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-key-0001")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


def test_the_api_refuses_a_wrong_currency_with_a_machine_readable_error(
    awaiting_order, buyer, api_as
):
    response = api_as(buyer).post(
        f"/api/v1/orders/{awaiting_order.pk}/payments/",
        {"provider": "bank_transfer", "amount": "100", "currency": "EUR", "reference": "R"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="api-key-0002",
    )

    assert response.status_code == 400
    assert response.json() == {"currency": ["This order is payable in USD only."]}


def test_the_api_refuses_a_card_payment_on_a_bank_transfer_order(awaiting_order, buyer, api_as):
    response = api_as(buyer).post(
        f"/api/v1/orders/{awaiting_order.pk}/payments/",
        {"provider": "sandbox_card", "amount": "100", "currency": "USD", "card_number": "4242"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="api-key-0003",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["provider"]


def test_the_api_limits_manual_reminders_with_429(awaiting_order, seller, api_as):
    client = api_as(seller)
    url = f"/api/v1/orders/{awaiting_order.pk}/reminders/"

    assert client.post(url).status_code == 202
    assert client.post(url).status_code == 429


def test_the_api_hides_the_payments_of_others_with_404(awaiting_order, other_seller, api_as):
    response = api_as(other_seller).get(f"/api/v1/orders/{awaiting_order.pk}/payments/")

    assert response.status_code == 404


def test_the_slip_is_served_to_the_seller_as_a_guarded_download(
    awaiting_order, buyer, seller, as_user
):
    payment = pay(
        awaiting_order,
        buyer,
        "100.00",
        slip=SimpleUploadedFile("Remittance Nov.pdf", b"%PDF-1.4 slip", "application/pdf"),
    )
    response = as_user(seller).get(reverse("payments:slip", args=[payment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 slip"
    assert response["Content-Disposition"] == 'attachment; filename="Remittance_Nov.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_outsiders_get_404_for_the_slip(awaiting_order, buyer, other_buyer, as_user):
    payment = pay(
        awaiting_order, buyer, "100.00", slip=SimpleUploadedFile("s.pdf", b"%PDF-1.4", "x")
    )
    assert as_user(other_buyer).get(reverse("payments:slip", args=[payment.pk])).status_code == 404


@pytest.mark.parametrize("language", ["en", "de", "zh-hans"])
def test_the_payment_form_starts_with_an_amount_it_accepts_in_every_language(
    awaiting_order, buyer, as_user, language
):
    # A German page once prefilled "1545,0000": the decimal comma that parse_amount refuses.
    buyer.language = language
    buyer.save(update_fields=["language"])

    content = as_user(buyer).get(reverse("payments:pay", args=[awaiting_order.pk])).content

    assert re.findall(rb"name=\"amount\" id=\"[^\"]+\" value=\"([^\"]*)\"", content) == [b"1545.00"]
