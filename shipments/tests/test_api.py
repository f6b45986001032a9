import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import OrderStatus
from shipments.models import Shipment
from shipments.tests.factories import fresh, pdf, ready_order, ship


def shipments_url(order):
    return f"/api/v1/orders/{order.pk}/shipments/"


def body(order, quantity, **overrides):
    return {
        "version": fresh(order).version,
        "carrier": "DHL Express",
        "tracking_number": "1234567890",
        "transport_document_number": "AWB 176-12345675",
        "ship_date": fresh(order).agreed_at.date().isoformat(),
        "lines": [{"order_line_id": order.lines.get().pk, "quantity": quantity}],
        **overrides,
    }


def test_the_seller_marks_a_shipment(api_client, order, seller):
    api_client.force_authenticate(seller)

    response = api_client.post(shipments_url(order), body(order, "250.5"), format="json")

    assert response.status_code == 201
    data = response.json()
    assert data["sequence"] == 1
    assert data["lines"][0]["quantity"] == "250.500"
    assert data["received_on"] is None
    assert fresh(order).status == OrderStatus.PARTLY_SHIPPED


def test_an_over_shipment_is_a_400_with_the_line_error(api_client, order, seller):
    api_client.force_authenticate(seller)

    response = api_client.post(shipments_url(order), body(order, "1000.5"), format="json")

    assert response.status_code == 400
    assert response.json()["lines"][0]["quantity"] == [
        "At most 1,000 pieces left to ship of this line."
    ]
    assert not Shipment.objects.exists()


def test_a_malformed_shipment_is_a_400_per_field(api_client, order, seller):
    api_client.force_authenticate(seller)

    response = api_client.post(
        shipments_url(order), body(order, "x", ship_date="soon", lines=[]), format="json"
    )

    assert response.status_code == 400
    assert {"ship_date", "lines"} <= set(response.json())


def test_the_buyer_cannot_mark_a_shipment(api_client, order, buyer):
    api_client.force_authenticate(buyer)

    response = api_client.post(shipments_url(order), body(order, "1"), format="json")

    assert response.status_code == 403


def test_an_outsider_gets_404_for_the_shipments(api_client, order, other_buyer):
    api_client.force_authenticate(other_buyer)

    assert api_client.get(shipments_url(order)).status_code == 404
    assert api_client.post(shipments_url(order), body(order, "1"), format="json").status_code == 404


def test_a_stale_shipment_is_a_409_with_the_current_version(api_client, order, seller):
    api_client.force_authenticate(seller)

    response = api_client.post(shipments_url(order), body(order, "1", version=1), format="json")

    assert response.status_code == 409
    assert response.json()["current_version"] == fresh(order).version


def test_the_buyer_lists_shipments_and_progress(api_client, order, seller, buyer):
    ship(order, seller, "400", documents={"commercial_invoice": pdf()})
    api_client.force_authenticate(buyer)

    data = api_client.get(shipments_url(order)).json()

    assert data["order_status"] == "partly_shipped"
    assert data["progress"][0]["ordered"] == "1000.000"
    assert data["progress"][0]["shipped"] == "400.000"
    assert data["shipments"][0]["documents"][0]["kind"] == "commercial_invoice"


def test_the_buyer_confirms_receipt(api_client, order, seller, buyer):
    shipment = ship(order, seller, "1000")
    api_client.force_authenticate(buyer)

    response = api_client.post(
        f"/api/v1/shipments/{shipment.pk}/receipt/", {"version": fresh(order).version}
    )

    assert response.status_code == 200
    assert response.json()["received_by"] == buyer.display_name
    assert fresh(order).status == OrderStatus.DELIVERED


def test_the_seller_cannot_confirm_receipt(api_client, order, seller):
    shipment = ship(order, seller, "1000")
    api_client.force_authenticate(seller)

    response = api_client.post(
        f"/api/v1/shipments/{shipment.pk}/receipt/", {"version": fresh(order).version}
    )

    assert response.status_code == 403


def test_a_second_receipt_is_a_409(api_client, order, seller, buyer):
    shipment = ship(order, seller, "400")
    api_client.force_authenticate(buyer)
    url = f"/api/v1/shipments/{shipment.pk}/receipt/"
    api_client.post(url, {"version": fresh(order).version})

    response = api_client.post(url, {"version": fresh(order).version})

    assert response.status_code == 409


def test_the_seller_adds_a_document_and_the_buyer_downloads_it(api_client, order, seller, buyer):
    shipment = ship(order, seller, "400")
    api_client.force_authenticate(seller)

    response = api_client.post(
        f"/api/v1/shipments/{shipment.pk}/documents/",
        {"kind": "bill_of_lading", "file": pdf("bl.pdf")},
        format="multipart",
    )

    assert response.status_code == 201
    api_client.force_authenticate(buyer)
    download = api_client.get(response.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_document_that_is_not_pdf_or_image_is_a_400(api_client, order, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shipment = ship(order, seller, "400")
    api_client.force_authenticate(seller)

    response = api_client.post(
        f"/api/v1/shipments/{shipment.pk}/documents/",
        {"kind": "packing_list", "file": SimpleUploadedFile("x.pdf", b"<html></html>")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "file" in response.json()


@pytest.mark.parametrize("who", ["other_buyer", "other_seller"])
def test_outsiders_get_404_for_shipments_and_documents(api_client, order, seller, who, request):
    shipment = ship(order, seller, "400", documents={"packing_list": pdf()})
    document = shipment.documents.get()
    api_client.force_authenticate(request.getfixturevalue(who))

    assert api_client.get(f"/api/v1/shipments/{shipment.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/shipment-documents/{document.pk}/file/").status_code == 404


def test_the_shipments_endpoint_costs_the_same_with_1_or_6_shipments(api_client, buyer, seller):
    order = ready_order(buyer=buyer, seller=seller)
    ship(order, seller, "10", documents={"packing_list": pdf()})
    api_client.force_authenticate(buyer)
    api_client.get(shipments_url(order))

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(shipments_url(order)).status_code == 200
        return len(queries)

    before = cost()
    for _ in range(5):
        ship(order, seller, "10", documents={"commercial_invoice": pdf()})
    assert cost() == before
