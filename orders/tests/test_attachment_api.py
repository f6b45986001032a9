"""The attachments API (issue 14 point 3): list, upload, delete, download, order detail."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.tests.factories import pdf_upload, png_upload
from orders import attachments
from orders.models import Order, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _url(order, suffix=""):
    return f"/api/v1/orders/{order.pk}/attachments/{suffix}"


def _upload(client, order, upload=None, version=None):
    return client.post(
        _url(order),
        {"version": version or order.version, "file": upload or pdf_upload()},
        format="multipart",
    )


def test_buyer_uploads_a_pdf_and_gets_the_order_with_it(api_as, buyer, seller_confirmed):
    response = _upload(api_as(buyer), seller_confirmed)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["version"]) == (S.BUYER_CONFIRMED, seller_confirmed.version + 1)
    assert body["attachments"][0]["name"] == "spec.pdf"
    assert body["terms"]["attachments"][0]["sha256"] == body["attachments"][0]["sha256"]


def test_a_renamed_executable_is_a_field_error(api_as, buyer, seller_confirmed):
    fake = SimpleUploadedFile("spec.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    response = _upload(api_as(buyer), seller_confirmed, fake)

    assert response.status_code == 400
    assert "file" in response.json()
    assert Order.objects.get(pk=seller_confirmed.pk).version == seller_confirmed.version


def test_an_upload_on_a_stale_version_is_a_conflict(api_as, buyer, seller_confirmed):
    response = _upload(api_as(buyer), seller_confirmed, version=seller_confirmed.version - 1)

    assert response.status_code == 409
    assert response.json()["current_version"] == seller_confirmed.version


def test_an_outsider_gets_404_on_every_attachment_endpoint(
    api_as, buyer, other_buyer, seller_confirmed
):
    attachment = attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        file=pdf_upload(),
    )
    client = api_as(other_buyer)

    assert client.get(_url(seller_confirmed)).status_code == 404
    assert _upload(client, seller_confirmed).status_code == 404
    assert client.get(_url(seller_confirmed, f"{attachment.pk}/file/")).status_code == 404
    assert client.delete(_url(seller_confirmed, f"{attachment.pk}/?version=3")).status_code == 404


def test_the_other_party_lists_and_downloads_an_attachment(api_as, buyer, seller, seller_confirmed):
    attachment = attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        file=png_upload(),
    )
    client = api_as(seller)

    listed = client.get(_url(seller_confirmed)).json()
    response = client.get(listed[0]["url"])

    assert listed[0]["sha256"] == attachment.sha256
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_delete_takes_the_attachment_out_of_the_terms(api_as, buyer, seller_confirmed):
    attachment = attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        file=pdf_upload(),
    )
    version = seller_confirmed.version + 1

    response = api_as(buyer).delete(_url(seller_confirmed, f"{attachment.pk}/?version={version}"))

    assert response.status_code == 200
    assert response.json()["attachments"] == []
    assert "attachments" not in response.json()["terms"]


def test_delete_without_a_version_is_a_field_error(api_as, buyer, seller_confirmed):
    attachment = attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        file=pdf_upload(),
    )

    response = api_as(buyer).delete(_url(seller_confirmed, f"{attachment.pk}/"))

    assert response.status_code == 400
    assert "version" in response.json()


@pytest.mark.parametrize("count", [1, 5])
def test_the_attachment_list_runs_a_constant_number_of_queries(
    api_as, buyer, seller, seller_confirmed, count, django_assert_num_queries
):
    order = seller_confirmed
    for index in range(count):
        order = Order.objects.get(pk=order.pk)
        attachments.order_attachment_add(
            order_id=order.pk,
            actor=seller,
            version=order.version,
            file=png_upload(size=(index + 1, 2)),
        )
    client = api_as(buyer)

    # user, order, lines (the access-checked lookup), attachments
    with django_assert_num_queries(4):
        assert len(client.get(_url(order)).json()) == count


def test_order_detail_with_attachments_reads_one_more_query(
    api_as, buyer, seller, seller_confirmed, django_assert_num_queries
):
    attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=seller,
        version=seller_confirmed.version,
        file=pdf_upload(),
    )
    client = api_as(buyer)

    # user, order with its counts, lines, attachments (the same as without, plus one)
    with django_assert_num_queries(4):
        assert len(client.get(f"/api/v1/orders/{seller_confirmed.pk}/").json()["attachments"]) == 1


def test_the_diff_api_shows_an_added_attachment(api_as, buyer, seller, seller_confirmed):
    attachment = attachments.order_attachment_add(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        file=pdf_upload(),
    )

    body = (
        api_as(seller)
        .get(
            f"/api/v1/orders/{seller_confirmed.pk}/diff/"
            f"?from={seller_confirmed.version}&to={seller_confirmed.version + 1}"
        )
        .json()
    )

    assert body["changes"] == [
        {
            "module": "attachments",
            "field": "attachment",
            "change": "added",
            "line": "spec.pdf",
            "before": None,
            "after": {
                "name": "spec.pdf",
                "sha256": attachment.sha256,
                "size": attachment.size,
                "content_type": "application/pdf",
            },
        }
    ]
