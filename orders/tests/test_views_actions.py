"""The letter-of-intent actions through the pages: save, modify, confirm, cancel, stale pages."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, make_order

pytestmark = pytest.mark.django_db


def form_data(values: dict, version: int) -> dict:
    """Terms values as the workspace form posts them."""
    data = {"version": str(version)}
    for name, value in values.items():
        if name == "lines":
            for index, line in enumerate(value):
                for field, item in line.items():
                    data[f"lines-{index}-{field}"] = "" if item is None else str(item)
        else:
            data[name] = "" if value is None else str(value)
    return data


def workspace_url(order) -> str:
    return reverse("inquiries:workspace", args=[order.negotiation_id])


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )


def test_buyer_confirms_the_version_he_was_shown(client, buyer, seller_confirmed):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:confirm", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version},
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.AWAITING_PAYMENT


def test_buyer_modify_makes_it_his_confirmation_sent_back(client, buyer, seller_confirmed):
    client.force_login(buyer)
    values = complete_values(seller_confirmed)
    values["lines"][0]["unit_price"] = "4.50"

    response = client.post(
        reverse("orders:save", args=[seller_confirmed.pk]),
        form_data(values, seller_confirmed.version),
    )

    assert response.status_code == 302
    order = Order.objects.get(pk=seller_confirmed.pk)
    assert order.status == OrderStatus.BUYER_CONFIRMED
    assert str(order.lines.get().unit_price) == "4.5000"


def test_seller_sees_the_buyers_change_highlighted_with_a_link_to_the_comparison(
    client, buyer, seller, seller_confirmed
):
    client.force_login(buyer)
    values = complete_values(seller_confirmed)
    values["lines"][0]["unit_price"] = "4.50"
    client.post(
        reverse("orders:save", args=[seller_confirmed.pk]),
        form_data(values, seller_confirmed.version),
    )
    client.force_login(seller)

    page = client.get(workspace_url(seller_confirmed)).content.decode()

    assert "Changed since the version your side confirmed (version 1)" in page
    assert "<del>$4.80</del>" in page and "<ins>$4.50</ins>" in page
    assert "field-changed" in page
    assert reverse("orders:history", args=[seller_confirmed.pk]) + "?from=3&amp;to=4" in page


def test_a_stale_confirm_is_refused_and_shows_the_new_version_and_what_changed(
    client, buyer, seller, seller_confirmed
):
    page_version = seller_confirmed.version
    client.force_login(seller)
    values = complete_values(seller_confirmed, incoterm="CIF")
    client.post(reverse("orders:save", args=[seller_confirmed.pk]), form_data(values, page_version))
    client.force_login(buyer)

    response = client.post(
        reverse("orders:confirm", args=[seller_confirmed.pk]), {"version": page_version}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "This order changed since you loaded it." in page
    assert "Nothing was confirmed or saved" in page
    assert "<del>FOB</del>" in page and "<ins>CIF</ins>" in page
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.SELLER_CONFIRMED


def test_field_errors_are_shown_at_the_field_and_what_was_typed_is_kept(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    values = complete_values(seller_confirmed, shipping_fee="-5", packaging="Wooden crates")
    values["lines"][0]["quantity"] = "0"

    response = client.post(
        reverse("orders:save", args=[seller_confirmed.pk]),
        form_data(values, seller_confirmed.version),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="f-shipping_fee-errors"' in page
    assert 'id="f-lines-0-quantity-errors"' in page
    assert "Quantity must be greater than zero." in page
    assert 'value="Wooden crates"' in page
    assert 'value="-5"' in page
    assert Order.objects.get(pk=seller_confirmed.pk).version == seller_confirmed.version


def test_an_incomplete_modification_is_refused_with_the_missing_fields(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    values = complete_values(seller_confirmed, incoterm="")

    response = client.post(
        reverse("orders:save", args=[seller_confirmed.pk]),
        form_data(values, seller_confirmed.version),
    )

    assert response.status_code == 400
    assert "The order is not complete" in response.content.decode()
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.SELLER_CONFIRMED


def test_seller_saves_an_incomplete_draft_and_sees_what_is_missing(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    client.force_login(seller)
    values = complete_values(order, incoterm="", payment_method="")

    response = client.post(
        reverse("orders:save", args=[order.pk]), form_data(values, order.version)
    )

    assert response.status_code == 302
    page = client.get(workspace_url(order)).content.decode()
    assert '<a href="#f-incoterm" data-focus-field>Shipping: Incoterm</a>' in page
    assert '<a href="#f-payment_method" data-focus-field>Payment: payment method</a>' in page
    assert 'disabled aria-describedby="confirm-why"' in page


def test_confirm_order_is_enabled_on_a_complete_draft(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)

    page = client.get(workspace_url(order)).content.decode()

    assert ">Confirm Order</button>" in page
    assert 'id="confirm-why"' not in page


def test_add_line_keeps_the_typed_values_and_saves_nothing(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)
    data = form_data(complete_values(order, packaging="Pallets"), order.version)
    data["add_line"] = "1"

    response = client.post(reverse("orders:save", args=[order.pk]), data)

    page = response.content.decode()
    assert 'name="lines-1-name"' in page
    assert 'value="Pallets"' in page
    assert Order.objects.get(pk=order.pk).version == order.version


def test_a_line_marked_removed_is_dropped(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)
    values = complete_values(order)
    values["lines"].append(
        {"name": "Gift box", "quantity": "10", "unit": "piece", "unit_price": "1.00"}
    )
    client.post(reverse("orders:save", args=[order.pk]), form_data(values, order.version))
    order = Order.objects.get(pk=order.pk)
    data = form_data(complete_values(order), order.version)
    data.update(
        {
            "lines-1-key": str(order.lines.all()[1].key),
            "lines-1-name": "Gift box",
            "lines-1-quantity": "10",
            "lines-1-unit": "piece",
            "lines-1-unit_price": "1.00",
            "lines-1-remove": "1",
        }
    )

    client.post(reverse("orders:save", args=[order.pk]), data)

    assert list(Order.objects.get(pk=order.pk).lines.values_list("name", flat=True)) == [
        "Stainless steel water bottle"
    ]


def test_cancel_needs_a_reason_shown_at_the_field(client, buyer, seller_confirmed):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:cancel", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version, "reason": " "},
    )

    assert response.status_code == 400
    assert 'id="cancel-reason-errors"' in response.content.decode()
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.SELLER_CONFIRMED


def test_cancel_with_a_reason_cancels(client, buyer, seller_confirmed):
    client.force_login(buyer)

    client.post(
        reverse("orders:cancel", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version, "reason": "Budget cut"},
    )

    order = Order.objects.get(pk=seller_confirmed.pk)
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "Budget cut"


def test_the_waiting_side_cannot_confirm_its_own_confirmation(client, seller, seller_confirmed):
    client.force_login(seller)

    response = client.post(
        reverse("orders:confirm", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version},
        follow=True,
    )

    assert "Waiting for the buyer" in response.content.decode()
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.SELLER_CONFIRMED


@pytest.mark.parametrize("action", ["save", "confirm", "cancel", "completion"])
def test_outsiders_get_404_on_order_actions(client, other_buyer, seller_confirmed, action):
    client.force_login(other_buyer)

    response = client.post(
        reverse(f"orders:{action}", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version, "reason": "x"},
    )

    assert response.status_code == 404


def test_the_buyer_cannot_act_on_the_sellers_draft(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(buyer)

    response = client.post(reverse("orders:confirm", args=[order.pk]), {"version": order.version})

    assert response.status_code == 404


@pytest.mark.parametrize("action", ["save", "confirm", "cancel"])
def test_anonymous_visitors_are_sent_to_log_in(client, seller_confirmed, action):
    response = client.post(reverse(f"orders:{action}", args=[seller_confirmed.pk]), {})

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_completion_fragment_follows_the_typed_values(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)
    values = complete_values(order, incoterm="")

    response = client.post(
        reverse("orders:completion", args=[order.pk]), form_data(values, order.version)
    )

    page = response.content.decode()
    assert 'id="completion"' in page
    assert '<a href="#f-incoterm" data-focus-field>Shipping: Incoterm</a>' in page
    assert Order.objects.get(pk=order.pk).incoterm == "FOB"


def test_seller_drafts_the_letter_of_intent_from_the_inquiry(client, seller, buyer, product):
    from inquiries.tests.factories import InquiryFactory

    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
    )
    client.force_login(seller)

    response = client.post(reverse("orders:create_draft", args=[inquiry.pk]))

    order = Order.objects.get(negotiation=inquiry.negotiation)
    assert order.status == OrderStatus.DRAFT
    assert response["Location"].endswith(f"/negotiations/{inquiry.negotiation_id}/#loi")


def test_the_buyer_cannot_draft_a_letter_of_intent(client, buyer, product):
    from inquiries.tests.factories import InquiryFactory

    inquiry = InquiryFactory(negotiation__buyer_company=buyer.company, sender=buyer)
    client.force_login(buyer)

    client.post(reverse("orders:create_draft", args=[inquiry.pk]))

    assert not Order.objects.filter(negotiation=inquiry.negotiation).exists()


def test_a_confirm_posted_from_an_edited_form_is_refused_and_keeps_what_was_typed(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    values = complete_values(seller_confirmed)
    values["lines"][0]["unit_price"] = "3.30"
    data = {**form_data(values, seller_confirmed.version), "terms_posted": "1"}

    response = client.post(reverse("orders:confirm", args=[seller_confirmed.pk]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "You changed the terms, so they were not confirmed" in page
    assert 'value="3.30"' in page
    assert "Send modified order as my confirmation" in page
    assert Order.objects.get(pk=seller_confirmed.pk).status == OrderStatus.SELLER_CONFIRMED


def test_the_sellers_confirm_order_in_a_draft_confirms_the_typed_terms(
    client, buyer, seller, product
):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    client.force_login(seller)
    values = complete_values(order)
    values["lines"][0]["quantity"] = "8000"
    values["lines"][0]["unit_price"] = "1.10"
    data = {**form_data(values, order.version), "terms_posted": "1"}

    response = client.post(reverse("orders:confirm", args=[order.pk]), data)

    assert response.status_code == 302
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.SELLER_CONFIRMED
    assert order.revisions.get().total == 8800 + 350


def test_the_live_fragment_totals_follow_the_typed_values(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)
    values = complete_values(order)
    values["lines"][0]["quantity"] = "8000"
    values["lines"][0]["unit_price"] = "1.10"

    page = client.post(
        reverse("orders:completion", args=[order.pk]), form_data(values, order.version)
    ).content.decode()

    assert "$8,800.00" in page  # line total and goods total
    assert "$9,150.00" in page  # with the 350.00 shipping fee
    assert 'id="loi-totals"' in page and 'hx-swap-oob="true"' in page


def test_with_typed_changes_the_live_fragment_offers_send_or_discard_but_no_confirm(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    values = complete_values(seller_confirmed, incoterm="CIF")

    page = client.post(
        reverse("orders:completion", args=[seller_confirmed.pk]),
        form_data(values, seller_confirmed.version),
    ).content.decode()

    assert 'data-dirty="true"' in page
    assert "Send modified order as my confirmation" in page
    assert "Discard changes" in page
    assert ">Confirm</button>" not in page


def test_without_typed_changes_the_live_fragment_still_offers_confirm(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)

    page = client.post(
        reverse("orders:completion", args=[seller_confirmed.pk]),
        form_data(complete_values(seller_confirmed), seller_confirmed.version),
    ).content.decode()

    assert 'data-dirty="false"' in page
    assert ">Confirm</button>" in page


def test_the_live_fragment_counts_an_invalid_value_as_missing_and_names_the_error(
    client, buyer, seller, product
):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(seller)
    values = complete_values(order, buyer_contact_email="anna@")

    page = client.post(
        reverse("orders:completion", args=[order.pk]), form_data(values, order.version)
    ).content.decode()

    assert "Contacts: buyer contact e-mail" in page
    assert "Enter a valid email address." in page
    assert 'disabled aria-describedby="confirm-why"' in page


def test_the_form_says_one_of_the_two_delivery_fields_is_required(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    client.force_login(seller)

    page = client.get(workspace_url(order)).content.decode()

    assert "Or a delivery date: one of the two is required." in page
    assert "field-one-of" in page
    assert 'field-required" data-field="delivery_lead_days"' not in page


def test_save_feedback_is_shown_beside_the_buttons(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product, complete=False)
    client.force_login(seller)
    client.post(
        reverse("orders:save", args=[order.pk]),
        form_data(complete_values(order, incoterm=""), order.version),
    )

    page = client.get(workspace_url(order)).content.decode()

    assert '<p class="loi-feedback loi-feedback-success" role="status">Draft saved.</p>' in page
    assert 'class="message message-' not in page
