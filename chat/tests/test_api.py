import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Message
from chat.selectors import unread_counts
from chat.tests.factories import pdf_upload, png_upload, post
from orders import services as order_services
from orders.tests.factories import make_order
from rfq import services as rfq_services
from rfq.tests.factories import QuotationFactory, RFQFactory

pytestmark = pytest.mark.django_db


def url(negotiation):
    return f"/api/v1/negotiations/{negotiation.pk}/messages/"


def test_a_member_lists_the_messages_oldest_first(api_as, conversation, seller):
    response = api_as(seller).get(url(conversation))
    assert response.status_code == 200
    assert [m["seq"] for m in response.json()["results"]] == [1, 2, 3]
    assert response.json()["results"][0]["sender"]["name"] == "Anna Person"


def test_the_after_id_cursor_pages_through_the_messages(api_as, conversation, seller):
    client = api_as(seller)
    first = client.get(url(conversation), {"limit": 2}).json()
    assert first["has_more"] is True
    second = client.get(url(conversation), {"after_id": first["next_after_id"], "limit": 2}).json()
    assert [m["seq"] for m in first["results"] + second["results"]] == [1, 2, 3]
    assert second["has_more"] is False


def test_a_bad_cursor_is_a_field_error(api_as, conversation, seller):
    response = api_as(seller).get(url(conversation), {"after_id": "x"})
    assert response.status_code == 400
    assert "after_id" in response.json()


@pytest.mark.parametrize("persona", ["other_buyer", "other_seller"])
def test_outsiders_get_404(api_as, conversation, persona, request):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(url(conversation)).status_code == 404
    assert client.post(url(conversation), {"body": "Hi", "client_id": "x"}).status_code == 404


def test_anonymous_requests_are_refused(api_as, conversation):
    assert api_as(None).get(url(conversation)).status_code in (401, 403)


def test_staff_reads_but_cannot_post(api_as, conversation, staff):
    client = api_as(staff)
    assert client.get(url(conversation)).status_code == 200
    assert client.post(url(conversation), {"body": "Hi", "client_id": "x"}).status_code == 403


def test_posting_twice_with_one_client_id_stores_one_message(api_as, negotiation, buyer):
    client = api_as(buyer)
    first = client.post(url(negotiation), {"body": "Hello", "client_id": "c-1"}, format="json")
    again = client.post(url(negotiation), {"body": "Hello", "client_id": "c-1"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.count() == 1


def test_an_oversized_body_is_a_field_error(api_as, negotiation, buyer):
    response = api_as(buyer).post(url(negotiation), {"body": "x" * 5001}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()
    assert not Message.objects.exists()


def test_the_rate_limit_answers_429(api_as, negotiation, buyer):
    client = api_as(buyer)
    for n in range(20):
        client.post(url(negotiation), {"body": "x", "client_id": f"c-{n}"}, format="json")
    response = client.post(url(negotiation), {"body": "x", "client_id": "c-20"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def test_marking_read_returns_the_marker(api_as, conversation, seller):
    last = Message.objects.filter(negotiation=conversation).order_by("pk").last()
    response = api_as(seller).post(
        f"/api/v1/negotiations/{conversation.pk}/messages/read/", {"last_id": last.pk}
    )
    assert response.status_code == 200
    assert response.json() == {"last_id": last.pk}


def test_an_image_is_uploaded_and_served_to_the_other_side(
    api_as, negotiation, buyer, seller, media
):
    response = api_as(buyer).post(
        url(negotiation), {"attachment": png_upload(), "client_id": "a-1"}, format="multipart"
    )
    assert response.status_code == 201
    attachment = response.json()["attachment"]
    assert attachment["content_type"] == "image/png"
    assert response.json()["kind"] == "attachment"
    client = Client()
    client.force_login(seller)
    download = client.get(attachment["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_a_pdf_downloads_as_an_attachment(api_as, negotiation, buyer, seller, media):
    response = api_as(buyer).post(
        url(negotiation), {"attachment": pdf_upload(), "client_id": "a-1"}, format="multipart"
    )
    client = Client()
    client.force_login(seller)
    download = client.get(response.json()["attachment"]["url"])
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="spec.pdf"')


def test_a_disguised_file_is_refused_with_a_field_error(api_as, negotiation, buyer, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("spec.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = api_as(buyer).post(
        url(negotiation), {"attachment": fake, "client_id": "a"}, format="multipart"
    )
    assert response.status_code == 400
    assert "attachment" in response.json()


def test_outsiders_get_404_for_an_attachment(negotiation, buyer, other_seller, media):
    from chat import services

    message, _ = services.message_post(
        negotiation_id=negotiation.pk,
        actor=buyer,
        body="",
        client_id="a",
        attachment=png_upload(),
    )
    client = Client()
    client.force_login(other_seller)
    assert client.get(reverse("chat:attachment", args=[message.pk])).status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_runs_a_constant_number_of_queries(
    api_as, negotiation, buyer, seller, count, django_assert_num_queries, settings
):
    settings.CHAT_RATE_LIMIT = (1000, 10)
    for n in range(count):
        post(negotiation, buyer if n % 2 else seller)
    client = api_as(seller)
    client.get(url(negotiation))  # the first request also records the user's last activity
    # The negotiation access check and the messages with their senders.
    with django_assert_num_queries(2):
        response = client.get(url(negotiation))
    assert len(response.json()["results"]) == count


def test_the_standalone_chat_page_shows_the_pane(negotiation, buyer):
    client = Client()
    client.force_login(buyer)
    response = client.get(reverse("chat:conversation", args=[negotiation.pk]))
    assert response.status_code == 200
    assert b'data-chat-negotiation="%d"' % negotiation.pk in response.content


def test_the_standalone_chat_page_is_404_for_outsiders(negotiation, other_buyer):
    client = Client()
    client.force_login(other_buyer)
    assert client.get(reverse("chat:conversation", args=[negotiation.pk])).status_code == 404


def test_the_before_id_cursor_pages_back_through_the_history(api_as, conversation, seller):
    client = api_as(seller)
    newest = client.get(url(conversation), {"before_id": 10**9, "limit": 2}).json()
    earlier = client.get(
        url(conversation), {"before_id": newest["next_before_id"], "limit": 2}
    ).json()
    assert [m["seq"] for m in newest["results"]] == [2, 3]
    assert [m["seq"] for m in earlier["results"]] == [1]
    assert earlier["has_more"] is False


def test_after_id_and_before_id_together_are_a_field_error(api_as, conversation, seller):
    response = api_as(seller).get(url(conversation), {"after_id": 1, "before_id": 5})
    assert response.status_code == 400
    assert "before_id" in response.json()


def test_a_sellers_draft_posts_no_line_for_the_buyer(
    api_as, buyer, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(buyer=buyer, seller=seller)  # drafted, then the draft saved
    negotiation_url = f"/api/v1/negotiations/{order.negotiation_id}/messages/"
    seller_lines = api_as(seller).get(negotiation_url).json()["results"]
    assert [m["body"].split(":")[0] for m in seller_lines] == [
        "Seller drafted the letter of intent.",
        "Seller updated the draft",
    ]
    assert api_as(buyer).get(negotiation_url).json()["results"] == []
    assert unread_counts(user=buyer, negotiation_ids=[order.negotiation_id]) == {}


def test_the_buyers_first_line_is_the_sellers_confirmation(
    api_as, buyer, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(buyer=buyer, seller=seller)
        order_services.order_confirm(order_id=order.pk, actor=seller, version=order.version)
    lines = api_as(buyer).get(f"/api/v1/negotiations/{order.negotiation_id}/messages/").json()
    assert [(m["seq"], m["body"].split(":")[0]) for m in lines["results"]] == [
        (1, "Seller confirmed version 1")
    ]
    assert unread_counts(user=buyer, negotiation_ids=[order.negotiation_id]) == {
        order.negotiation_id: 1
    }


def test_after_an_rfq_award_only_the_seller_is_told_the_draft_waits_for_him(
    api_as, buyer, seller, product, django_capture_on_commit_callbacks
):
    rfq = RFQFactory(buyer_company=buyer.company, created_by=buyer, category=product.category)
    quotation = QuotationFactory(rfq=rfq, author=seller)
    with django_capture_on_commit_callbacks(execute=True):
        rfq_services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    rfq.refresh_from_db()
    lines_url = f"/api/v1/negotiations/{rfq.negotiation_id}/messages/"
    (line,) = api_as(seller).get(lines_url).json()["results"]
    assert line["body"].startswith("The buyer accepted your quotation")
    assert api_as(buyer).get(lines_url).json()["results"] == []
