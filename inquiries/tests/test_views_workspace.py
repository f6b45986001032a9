"""The negotiation workspace and the Contact Supplier form."""

import pytest
from django.urls import reverse

from inquiries.models import Inquiry
from inquiries.tests.factories import InquiryFactory
from orders.models import OrderStatus
from orders.services import order_modify
from orders.tests.factories import complete_values, make_order

pytestmark = pytest.mark.django_db


def workspace(negotiation_id):
    return reverse("inquiries:workspace", args=[negotiation_id])


@pytest.fixture
def inquiry(buyer, seller, product):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
        message="Please quote <b>1,000</b> pieces.",
    )


def test_seller_sees_the_buyer_card_and_the_original_inquiry(client, seller, inquiry):
    client.force_login(seller)

    page = client.get(workspace(inquiry.negotiation_id)).content.decode()

    assert "Hanse Trading GmbH" in page
    assert "Germany" in page
    assert "Inquiries sent" in page and "Orders confirmed" in page and "Member since" in page
    assert "Please quote &lt;b&gt;1,000&lt;/b&gt; pieces." in page
    assert "Draft Letter of Intent" in page


def test_opening_the_workspace_marks_the_inquiry_read_for_the_seller(client, seller, inquiry):
    client.force_login(seller)

    client.get(workspace(inquiry.negotiation_id))

    assert Inquiry.objects.get(pk=inquiry.pk).read_at is not None


def test_the_buyer_opening_his_inquiry_leaves_it_unread(client, buyer, inquiry):
    client.force_login(buyer)

    page = client.get(workspace(inquiry.negotiation_id)).content.decode()

    assert Inquiry.objects.get(pk=inquiry.pk).read_at is None
    assert "Ningbo Bright Housewares Co" in page
    assert "Draft Letter of Intent" not in page
    assert "The supplier has not sent a letter of intent yet." in page


def test_the_buyer_does_not_see_the_sellers_draft(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    client.force_login(buyer)

    page = client.get(workspace(order.negotiation_id)).content.decode()

    assert order.number not in page
    assert "The supplier has not sent a letter of intent yet." in page


@pytest.mark.parametrize("persona", ["other_buyer", "other_seller"])
def test_outsiders_get_404(client, request, inquiry, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(workspace(inquiry.negotiation_id)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, inquiry):
    response = client.get(workspace(inquiry.negotiation_id))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_buyer_waiting_sees_confirm_and_modify_with_his_turn(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(buyer)

    page = client.get(workspace(order.negotiation_id)).content.decode()

    assert "Your turn" in page
    assert ">Confirm</button>" in page
    assert ">Modify</a>" in page
    assert 'name="incoterm"' not in page  # read-only until "Modify"


def test_modify_opens_the_editor(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(buyer)

    page = client.get(workspace(order.negotiation_id), {"edit": 1}).content.decode()

    assert 'name="incoterm"' in page
    # Nothing typed yet: the shown version can still be confirmed as it is.
    assert ">Confirm</button>" in page
    assert "Change a field to send a modified order as your confirmation." in page


def test_seller_waiting_sees_whose_turn_it_is(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    client.force_login(seller)

    page = client.get(workspace(order.negotiation_id)).content.decode()

    assert "Waiting for the buyer." in page
    assert ">Confirm</button>" not in page


def test_an_agreed_order_shows_view_order_and_no_actions(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client.force_login(seller)

    page = client.get(workspace(order.negotiation_id)).content.decode()

    assert reverse("orders:view", args=[order.pk]) in page
    assert "View Order" in page
    assert "Cancel order" not in page


def _grow(order, seller, buyer, rounds: int):
    """More lines, revisions and events on the same order."""
    for round_ in range(rounds):
        order.refresh_from_db()
        actor = buyer if order.waiting_for == "buyer" else seller
        values = complete_values(order)
        values["lines"] += [
            {"name": f"Extra {round_}-{i}", "quantity": "5", "unit": "piece", "unit_price": "2"}
            for i in range(3)
        ]
        values["lines"] = [values["lines"][0], *values["lines"][1:]]
        order = order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
    return order


@pytest.mark.parametrize("rounds", [0, 4])
def test_the_workspace_runs_a_constant_number_of_queries(
    client, buyer, seller, product, django_assert_num_queries, rounds
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    _grow(order, seller, buyer, rounds)
    client.force_login(seller)
    client.get(workspace(order.negotiation_id))

    # session, user, negotiation (with companies, inquiry, sender, product and order), lines,
    # each side's latest revision, profile, the chat pane's read marker and unread count, the
    # exchange rates for the total's equivalent in the viewer's currency (issue 15)
    with django_assert_num_queries(9):
        client.get(workspace(order.negotiation_id))


def test_contact_supplier_form_is_prefilled_from_the_product(client, buyer, product):
    client.force_login(buyer)

    page = client.get(reverse("inquiries:contact_supplier", args=[product.pk])).content.decode()

    assert f'value="Inquiry about {product.name}"' in page
    assert 'name="quantity" value="100"' in page
    assert '<option value="DE" selected>' in page


def test_contact_supplier_sends_the_inquiry_and_opens_the_workspace(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("inquiries:contact_supplier", args=[product.pk]),
        {
            "subject": "Bottles for Hamburg",
            "message": "Please quote.",
            "quantity": "500",
            "unit": "piece",
            "target_currency": "USD",
            "destination_country": "DE",
        },
    )

    inquiry = Inquiry.objects.get()
    assert inquiry.negotiation.seller_company == product.seller
    assert response["Location"] == workspace(inquiry.negotiation_id)


def test_contact_supplier_shows_errors_at_the_field_and_keeps_the_message(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("inquiries:contact_supplier", args=[product.pk]),
        {"subject": "", "message": "Keep me", "quantity": "0", "unit": "piece"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="f-subject-errors"' in page
    assert 'id="f-quantity-errors"' in page
    assert ">Keep me</textarea>" in page
    assert not Inquiry.objects.exists()


def test_sellers_cannot_send_inquiries(client, other_seller, product):
    client.force_login(other_seller)

    page = client.get(reverse("inquiries:contact_supplier", args=[product.pk])).content.decode()

    assert "Only buyers can send inquiries." in page


def test_contact_supplier_for_an_unknown_product_is_404(client, buyer):
    client.force_login(buyer)

    assert client.get(reverse("inquiries:contact_supplier", args=[999])).status_code == 404


def test_the_buyer_sees_go_to_pay_and_the_seller_remind_on_an_agreed_order(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)

    client.force_login(buyer)
    buyer_page = client.get(workspace(order.negotiation_id)).content.decode()
    client.force_login(seller)
    seller_page = client.get(workspace(order.negotiation_id)).content.decode()

    assert "Go To Pay" in buyer_page and "Remind buyer to pay" not in buyer_page
    assert "Remind buyer to pay" in seller_page and "Go To Pay" not in seller_page


def test_the_workspace_includes_the_chat_pane(client, seller, inquiry):
    client.force_login(seller)

    page = client.get(workspace(inquiry.negotiation_id)).content.decode()

    assert f'data-chat-negotiation="{inquiry.negotiation_id}"' in page


@pytest.mark.parametrize("rounds", [1, 6])
def test_the_seller_viewing_the_buyers_version_runs_a_constant_number_of_queries(
    client, buyer, seller, product, django_assert_num_queries, rounds
):
    from orders.services import order_modify
    from orders.tests.factories import complete_values

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.BUYER_CONFIRMED, product=product
    )
    for round_ in range(rounds - 1):
        actor = seller if order.waiting_for == "seller" else buyer
        values = complete_values(order, packaging=f"Cartons {round_}")
        order = order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
        order = type(order).objects.prefetch_related("lines").get(pk=order.pk)
    if order.waiting_for != "seller":
        order = order_modify(
            order_id=order.pk, actor=buyer, version=order.version, values={"packaging": "Crates"}
        )
    client.force_login(seller)
    url = workspace(order.negotiation_id)
    client.get(url)

    # session, user, negotiation with companies, inquiry, its sender and product, and the
    # order; lines; each side's latest revision (with its terms); the counterpart's profile;
    # the chat's read marker and unread count. No lazy user.company, inquiry.sender or
    # deferred Revision.terms. The exchange rates for the total's equivalent (issue 15).
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "Changed since the version your side confirmed" in page
