import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import OrderStatus
from shipments.models import Shipment
from shipments.tests.factories import fresh, pdf, png, ready_order, receive, ship


def order_page(order):
    return reverse("orders:view", args=[order.pk])


def new_page(order):
    return reverse("shipments:new", args=[order.pk])


def form(order, quantity, **overrides):
    line = order.lines.get()
    return {
        "version": fresh(order).version,
        f"quantity-{line.pk}": quantity,
        "carrier": "Maersk",
        "tracking_number": "MSKU1234567",
        "transport_document_number": "MAEU240011",
        "ship_date": fresh(order).agreed_at.date().isoformat(),
        **overrides,
    }


def test_the_seller_sees_the_shipping_panel_with_mark_a_shipment(client, order, seller):
    client.force_login(seller)

    page = client.get(order_page(order)).content.decode()

    assert 'id="shipments"' in page
    assert reverse("shipments:new", args=[order.pk]) in page


def test_the_workspace_shows_the_shipping_panel(client, order, buyer):
    client.force_login(buyer)

    page = client.get(reverse("inquiries:workspace", args=[order.negotiation_id])).content.decode()

    assert 'id="shipments"' in page
    assert "Nothing shipped yet" in page


def test_no_shipping_panel_before_the_order_is_ready_to_ship(client, buyer, seller):
    from orders.tests.factories import make_order

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client.force_login(seller)

    assert 'id="shipments"' not in client.get(order_page(order)).content.decode()


def test_the_seller_marks_a_shipment_with_documents(client, order, seller):
    client.force_login(seller)

    response = client.post(
        new_page(order), {**form(order, "400"), "commercial_invoice": pdf(), "packing_list": png()}
    )

    assert response.status_code == 302
    assert response.url.endswith("#shipments")
    shipment = Shipment.objects.get()
    assert shipment.lines.get().quantity == 400
    assert sorted(shipment.documents.values_list("kind", flat=True)) == [
        "commercial_invoice",
        "packing_list",
    ]
    assert fresh(order).status == OrderStatus.PARTLY_SHIPPED


def test_an_over_shipment_shows_the_error_beside_the_line_and_records_nothing(
    client, order, seller
):
    client.force_login(seller)

    response = client.post(new_page(order), form(order, "1200", carrier=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert "At most 1,000 pieces left to ship of this line." in page
    assert "Name the carrier" in page
    assert 'value="1200"' in page
    assert not Shipment.objects.exists()


def test_the_buyer_may_not_open_the_shipment_form(client, order, buyer):
    client.force_login(buyer)

    assert client.get(new_page(order)).status_code == 403


def test_an_outsider_gets_404_for_the_shipment_form(client, order, other_seller):
    client.force_login(other_seller)

    assert client.get(new_page(order)).status_code == 404


def test_the_buyer_confirms_receipt_from_the_order_page(client, order, seller, buyer):
    shipment = ship(order, seller, "1000")
    client.force_login(buyer)
    page = client.get(order_page(order)).content.decode()
    assert "Confirm receipt of shipment 1" in page

    response = client.post(
        reverse("shipments:receive", args=[shipment.pk]), {"version": fresh(order).version}
    )

    assert response.status_code == 302
    assert fresh(order).status == OrderStatus.DELIVERED


def test_a_stale_receipt_is_refused_with_a_message(client, order, seller, buyer):
    shipment = ship(order, seller, "400")
    client.force_login(buyer)

    response = client.post(
        reverse("shipments:receive", args=[shipment.pk]), {"version": 1}, follow=True
    )

    assert "The order has changed" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.received_at is None


def test_the_seller_may_not_confirm_receipt(client, order, seller):
    shipment = ship(order, seller, "400")
    client.force_login(seller)

    response = client.post(
        reverse("shipments:receive", args=[shipment.pk]), {"version": fresh(order).version}
    )

    assert response.status_code == 403


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_the_parties_download_a_shipping_document(client, order, seller, buyer, who):
    shipment = ship(order, seller, "400", documents={"commercial_invoice": pdf()})
    document = shipment.documents.get()
    client.force_login({"buyer": buyer, "seller": seller}[who])

    response = client.get(reverse("shipments:document", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other_buyer", "other_seller"])
def test_outsiders_get_404_for_a_shipping_document(client, order, seller, who, request):
    shipment = ship(order, seller, "400", documents={"bill_of_lading": pdf()})
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("shipments:document", args=[shipment.documents.get().pk]))

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_a_document(client, order, seller):
    shipment = ship(order, seller, "400", documents={"bill_of_lading": pdf()})

    response = client.get(reverse("shipments:document", args=[shipment.documents.get().pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_order_pages_cost_the_same_with_1_or_7_shipments(client, buyer, seller):
    order = ready_order(buyer=buyer, seller=seller)
    pages = [order_page(order), reverse("inquiries:workspace", args=[order.negotiation_id])]
    ship(order, seller, "10", documents={"packing_list": pdf()})
    client.force_login(buyer)
    for url in pages:
        client.get(url)  # the first visit also stamps the buyer's last activity
    before = [_queries(client, url) for url in pages]

    for number in range(6):
        shipment = ship(order, seller, "10", documents={"commercial_invoice": pdf()})
        if number % 2:
            receive(shipment, buyer)

    assert [_queries(client, url) for url in pages] == before


def test_the_shipping_panel_reads_shipments_lines_and_documents_in_three_queries(
    client, order, seller, buyer
):
    ship(order, seller, "10")
    client.force_login(buyer)

    with CaptureQueriesContext(connection) as queries:
        client.get(order_page(order))
    shipment_queries = [q["sql"] for q in queries if "shipments_" in q["sql"]]
    assert len(shipment_queries) == 3


def test_the_form_sends_the_seller_back_when_nothing_can_be_shipped(client, order, seller):
    ship(order, seller, "1000")
    client.force_login(seller)

    response = client.get(new_page(order), follow=True)

    assert response.redirect_chain[-1][0].endswith("#shipments")
    assert "nothing can be shipped now" in response.content.decode()
