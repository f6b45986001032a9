"""Attachments in the pages (issue 14 point 3): the workspace section, the order sheet, the
change tables and the download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chat.tests.factories import pdf_upload
from orders import attachments, services
from orders.models import Order, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _workspace(order):
    return reverse("inquiries:workspace", args=[order.negotiation_id])


def _attach(order, actor, name="spec.pdf"):
    return attachments.order_attachment_add(
        order_id=order.pk, actor=actor, version=order.version, file=pdf_upload(name)
    )


def test_buyer_attaches_a_pdf_from_the_workspace(client, buyer, seller_confirmed):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:attachment_add", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version, "file": pdf_upload("Artwork v2.pdf")},
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#loi-attachments")
    page = client.get(_workspace(seller_confirmed)).content.decode()
    assert "Artwork_v2.pdf" in page
    assert "Attached “Artwork_v2.pdf”." in page


def test_a_renamed_executable_shows_the_error_beside_the_file_field(
    client, buyer, seller_confirmed
):
    client.force_login(buyer)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 a program", "application/pdf")

    response = client.post(
        reverse("orders:attachment_add", args=[seller_confirmed.pk]),
        {"version": seller_confirmed.version, "file": fake},
    )

    assert response.status_code == 400
    assert 'id="attachment-file-errors"' in response.content.decode()
    assert Order.objects.get(pk=seller_confirmed.pk).version == seller_confirmed.version


def test_a_stale_attachment_shows_what_changed(client, buyer, seller, seller_confirmed):
    client.force_login(buyer)
    seen = seller_confirmed.version
    _attach(seller_confirmed, seller, "other.pdf")

    response = client.post(
        reverse("orders:attachment_add", args=[seller_confirmed.pk]),
        {"version": seen, "file": pdf_upload("mine.pdf")},
    )

    assert response.status_code == 409
    assert "This order changed since you loaded it." in response.content.decode()


def test_the_other_party_sees_the_added_attachment_in_the_changes(
    client, buyer, seller, seller_confirmed
):
    _attach(seller_confirmed, buyer)
    client.force_login(seller)

    page = client.get(_workspace(seller_confirmed)).content.decode()

    assert "Changed since the version your side confirmed" in page
    assert "Attachment “spec.pdf”" in page


def test_the_history_compares_a_removed_attachment(client, buyer, seller, seller_confirmed):
    attachment = _attach(seller_confirmed, buyer)
    order = Order.objects.get(pk=seller_confirmed.pk)
    attachments.order_attachment_remove(
        order_id=order.pk, attachment_id=attachment.pk, actor=seller, version=order.version
    )
    client.force_login(buyer)

    page = client.get(reverse("orders:history", args=[order.pk])).content.decode()

    assert "Attachment “spec.pdf”" in page
    assert "removed" in page


def test_the_order_sheet_lists_the_attachments_with_their_digest(
    client, buyer, seller, seller_confirmed
):
    attachment = _attach(seller_confirmed, buyer)
    order = Order.objects.get(pk=seller_confirmed.pk)
    services.order_confirm(order_id=order.pk, actor=seller, version=order.version)
    client.force_login(buyer)

    page = client.get(reverse("orders:view", args=[order.pk])).content.decode()

    assert attachment.sha256 in page
    assert "The agreed version and the current terms match the seal." in page


def test_a_party_downloads_an_attachment_and_an_outsider_gets_404(
    client, buyer, seller, other_seller, seller_confirmed
):
    attachment = _attach(seller_confirmed, buyer)
    url = reverse("orders:attachment_file", args=[seller_confirmed.pk, attachment.pk])

    client.force_login(seller)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")

    client.force_login(other_seller)
    assert client.get(url).status_code == 404


def test_removing_from_the_workspace_takes_the_file_out_of_the_terms(
    client, buyer, seller_confirmed
):
    attachment = _attach(seller_confirmed, buyer)
    client.force_login(buyer)

    response = client.post(
        reverse("orders:attachment_remove", args=[seller_confirmed.pk, attachment.pk]),
        {"version": seller_confirmed.version + 1},
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=seller_confirmed.pk).attachment_count == 0


def test_the_workspace_with_attachments_reads_one_more_query(
    client, buyer, seller, seller_confirmed, django_assert_num_queries
):
    _attach(seller_confirmed, seller, "a.pdf")
    order = Order.objects.get(pk=seller_confirmed.pk)
    attachments.order_attachment_add(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 another", "application/pdf"),
    )
    client.force_login(buyer)
    client.get(_workspace(order))

    # the workspace's eight (test_views_workspace), plus the attachments
    with django_assert_num_queries(10):
        page = client.get(_workspace(order)).content.decode()
    assert "a.pdf" in page and "b.pdf" in page
