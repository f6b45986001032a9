import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils.formats import date_format

from chat.models import Message as ChatMessage
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from notifications.models import Kind, Notification
from orders.models import Order, OrderEvent, OrderStatus
from orders.signals import goods_received, goods_shipped
from orders.tests.factories import make_order, snapshot
from shipments import services
from shipments.models import DocumentKind, Shipment
from shipments.tests.factories import days_ago, fresh, pdf, png, ready_order, receive, ship, values


@pytest.fixture
def signals():
    sent = []

    def shipped(sender, **kwargs):
        sent.append(("shipped", kwargs))

    def received(sender, **kwargs):
        sent.append(("received", kwargs))

    goods_shipped.connect(shipped, dispatch_uid="test.shipped")
    goods_received.connect(received, dispatch_uid="test.received")
    yield sent
    goods_shipped.disconnect(dispatch_uid="test.shipped")
    goods_received.disconnect(dispatch_uid="test.received")


# --- Shipping --------------------------------------------------------------------------------


def test_partial_shipments_summing_to_the_order_leave_it_shipped(order, seller, signals):
    first = ship(order, seller, "400")
    assert fresh(order).status == OrderStatus.PARTLY_SHIPPED

    second = ship(order, seller, "600")

    assert fresh(order).status == OrderStatus.SHIPPED
    assert (first.sequence, second.sequence) == (1, 2)
    assert [s.lines.get().quantity for s in (first, second)] == [Decimal(400), Decimal(600)]
    assert [kind for kind, _ in signals] == ["shipped", "shipped"]
    assert signals[1][1]["shipment"] == second
    assert list(fresh(order).events.filter(type="shipped").values_list("status", flat=True)) == [
        OrderStatus.PARTLY_SHIPPED,
        OrderStatus.SHIPPED,
    ]


def test_one_shipment_of_everything_ships_the_order(buyer, seller):
    order = ready_order(buyer=buyer, seller=seller, extra_lines=1)

    ship(order, seller, "1000", "50")

    assert fresh(order).status == OrderStatus.SHIPPED


def test_a_shipment_of_one_line_of_two_leaves_the_order_partly_shipped(buyer, seller):
    order = ready_order(buyer=buyer, seller=seller, extra_lines=1)

    ship(order, seller, "1000")

    assert fresh(order).status == OrderStatus.PARTLY_SHIPPED


def test_a_shipment_over_what_is_left_to_ship_is_refused_and_changes_nothing(order, seller):
    ship(order, seller, "400")
    before = snapshot(order)

    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "600.001")

    assert error.value.errors["lines"][0]["quantity"] == [
        "At most 600 pieces left to ship of this line."
    ]
    assert snapshot(order) == before
    assert Shipment.objects.count() == 1


def test_a_shipment_over_the_ordered_quantity_is_refused(order, seller):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1001")

    assert "quantity" in error.value.errors["lines"][0]
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("quantity", ["0", "-5", "abc", "1.0001", "NaN", "Infinity"])
def test_a_quantity_that_is_not_positive_with_three_decimals_is_refused(order, seller, quantity):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, quantity)

    assert "quantity" in error.value.errors["lines"][0]


def test_a_line_of_another_order_is_refused(order, seller, buyer):
    other = ready_order(buyer=buyer, seller=seller)
    line = other.lines.get()

    with pytest.raises(ValidationFailed) as error:
        services.shipment_create(
            order_id=order.pk,
            actor=seller,
            version=order.version,
            values=values(order, lines=[{"order_line_id": line.pk, "quantity": "1"}]),
        )

    assert "order_line_id" in error.value.errors["lines"][0]


def test_a_line_listed_twice_is_refused(order, seller):
    line = order.lines.get()
    lines = [{"order_line_id": line.pk, "quantity": "1"}] * 2

    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, lines=lines)

    assert error.value.errors["lines"][1]["order_line_id"] == ["This line is listed twice."]


def test_a_shipment_without_lines_is_refused(order, seller):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller)

    assert "lines" in error.value.errors


def test_the_carrier_and_a_ship_date_are_required(order, seller):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1", carrier=" ", ship_date="")

    assert set(error.value.errors) == {"carrier", "ship_date"}


def test_a_ship_date_in_the_future_is_refused(order, seller):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1", ship_date=days_ago(-1))

    assert error.value.errors["ship_date"] == ["The ship date cannot be in the future."]


def test_a_ship_date_before_the_agreement_is_refused(order, seller):
    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1", ship_date=days_ago(1))

    assert "ship_date" in error.value.errors


def test_the_buyer_cannot_mark_a_shipment(order, buyer):
    with pytest.raises(NotAllowed):
        ship(order, buyer, "1")


def test_an_outsider_cannot_see_the_order_to_ship_it(order, other_seller):
    with pytest.raises(NotFound):
        ship(order, other_seller, "1")


def test_a_shipment_on_a_stale_version_is_refused(order, seller):
    with pytest.raises(StaleVersion):
        services.shipment_create(
            order_id=order.pk, actor=seller, version=order.version - 1, values=values(order, "1")
        )

    assert not Shipment.objects.exists()


def test_an_order_awaiting_payment_cannot_be_shipped(buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)

    with pytest.raises(InvalidTransition):
        ship(order, seller, "1")


def test_a_fully_shipped_order_cannot_be_shipped_again(order, seller):
    ship(order, seller, "1000")

    with pytest.raises(InvalidTransition):
        ship(order, seller, "1")


def test_the_documents_are_stored_privately_with_their_checked_type(order, seller):
    shipment = ship(
        order,
        seller,
        "1000",
        documents={DocumentKind.COMMERCIAL_INVOICE: pdf(), DocumentKind.PACKING_LIST: png()},
    )

    documents = {d.kind: d for d in shipment.documents.all()}
    assert documents["commercial_invoice"].content_type == "application/pdf"
    assert documents["packing_list"].content_type == "image/png"
    assert documents["commercial_invoice"].name == "invoice.pdf"
    assert documents["commercial_invoice"].file.name.startswith(f"shipments/{shipment.pk}/")
    assert documents["commercial_invoice"].file.name.endswith(".pdf")


def test_a_document_that_is_neither_pdf_nor_image_is_refused_and_nothing_is_shipped(order, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf")

    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1000", documents={DocumentKind.BILL_OF_LADING: bad})

    assert "bill_of_lading" in error.value.errors
    assert fresh(order).status == OrderStatus.READY_TO_SHIP
    assert not Shipment.objects.exists()


def test_a_document_over_the_size_limit_is_refused(order, seller, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    with pytest.raises(ValidationFailed) as error:
        ship(order, seller, "1000", documents={"packing_list": pdf(size=2048)})

    assert "too large" in error.value.errors["packing_list"][0]


def test_the_seller_adds_a_bill_of_lading_later(order, seller):
    shipment = ship(order, seller, "1000")

    document = services.shipment_document_add(
        shipment_id=shipment.pk, actor=seller, kind="bill_of_lading", upload=pdf("bl.pdf")
    )

    assert document.shipment == shipment
    assert document.kind == "bill_of_lading"


def test_the_buyer_cannot_add_documents(order, seller, buyer):
    shipment = ship(order, seller, "1000")

    with pytest.raises(NotAllowed):
        services.shipment_document_add(
            shipment_id=shipment.pk, actor=buyer, kind="bill_of_lading", upload=pdf()
        )


def test_a_shipment_posts_a_chat_line_and_notifies_the_buyer(
    order, seller, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ship(order, seller, "400")

    line = ChatMessage.objects.filter(negotiation=order.negotiation_id).latest("pk")
    # The ship date in the reader's date format (English: "Nov. 30, 2026").
    shipped_on = date_format(datetime.date.fromisoformat(days_ago(0)), "DATE_FORMAT")
    assert line.body == (
        f"Seller shipped shipment 1 on {shipped_on}: 400 pieces Stainless steel water bottle "
        "(Maersk, tracking MSKU1234567, B/L or AWB MAEU240011)."
    )
    notification = Notification.objects.get(kind=Kind.SHIPMENT_SENT)
    assert notification.user == buyer
    assert notification.title == f"Shipment 1 of {order.number} is on its way"
    assert notification.url.endswith("#shipments")


# --- Receipt ---------------------------------------------------------------------------------


def test_the_buyer_confirms_a_partial_shipment_and_the_order_stays_partly_shipped(
    order, seller, buyer, signals
):
    shipment = ship(order, seller, "400")

    receive(shipment, buyer)

    shipment.refresh_from_db()
    assert shipment.received_by == buyer
    assert not shipment.deemed
    assert shipment.next_sweep_at is None
    assert fresh(order).status == OrderStatus.PARTLY_SHIPPED
    assert "received" not in [kind for kind, _ in signals]


def test_receiving_everything_delivers_the_order_and_sends_goods_received_once(
    order, seller, buyer, signals
):
    first, second = ship(order, seller, "400"), ship(order, seller, "600")
    receive(second, buyer)
    assert fresh(order).status == OrderStatus.SHIPPED

    first = receive(first, buyer)

    assert fresh(order).status == OrderStatus.DELIVERED
    received = [kwargs for kind, kwargs in signals if kind == "received"]
    assert len(received) == 1
    assert received[0]["received_on"] == first.received_on
    types = list(fresh(order).events.values_list("type", flat=True))
    assert types[-3:] == ["received", "received", "delivered"]


def test_receiving_everything_of_a_paid_order_completes_it_in_the_same_transaction(buyer, seller):
    order = ready_order(buyer=buyer, seller=seller, paid=True)
    shipment = ship(order, seller, "1000")

    receive(shipment, buyer)

    order = fresh(order)
    assert order.status == OrderStatus.COMPLETED
    assert order.completed_at is not None
    assert list(order.events.values_list("type", flat=True))[-2:] == ["delivered", "completed"]


def test_the_seller_cannot_confirm_receipt(order, seller):
    shipment = ship(order, seller, "400")

    with pytest.raises(NotAllowed):
        receive(shipment, seller)


def test_an_outsider_cannot_confirm_receipt(order, seller, other_buyer):
    shipment = ship(order, seller, "400")

    with pytest.raises(NotFound):
        receive(shipment, other_buyer)


def test_a_shipment_cannot_be_received_twice(order, seller, buyer):
    shipment = ship(order, seller, "400")
    receive(shipment, buyer)
    before = snapshot(order)

    with pytest.raises(InvalidTransition):
        receive(shipment, buyer)

    assert snapshot(order) == before


def test_the_buyer_cannot_confirm_receipt_on_a_stale_version(order, seller, buyer):
    shipment = ship(order, seller, "400")

    with pytest.raises(StaleVersion):
        services.shipment_confirm_receipt(
            shipment_id=shipment.pk, actor=buyer, version=fresh(order).version - 1
        )

    shipment.refresh_from_db()
    assert shipment.received_at is None


def test_a_receipt_notifies_the_seller_and_posts_a_chat_line(
    order, seller, buyer, django_capture_on_commit_callbacks
):
    shipment = ship(order, seller, "400")

    with django_capture_on_commit_callbacks(execute=True):
        receive(shipment, buyer)

    assert Notification.objects.get(kind=Kind.SHIPMENT_RECEIVED).user == seller
    line = ChatMessage.objects.filter(negotiation=order.negotiation_id).latest("pk")
    assert line.body == "Buyer confirmed the receipt of shipment 1."


def test_a_new_shipment_is_deemed_received_the_configured_days_after_its_ship_date(order, seller):
    shipment = ship(order, seller, "400")

    days = (shipment.deemed_receipt_on - shipment.ship_date).days
    assert days == settings.SHIPMENT_DEEMED_RECEIPT_DAYS
    assert Order.objects.get(pk=order.pk).events.filter(type=OrderEvent.Type.SHIPPED).exists()
