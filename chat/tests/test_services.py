import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import BuyerFactory
from chat import selectors, services
from chat.models import Message
from chat.tests.factories import pdf_upload, png_upload, post
from common.errors import NotAllowed, NotFound, RateLimited, ValidationFailed

pytestmark = pytest.mark.django_db


def test_member_posts_a_message_with_the_next_seq(negotiation, buyer, seller):
    first = post(negotiation, buyer, "Hello")
    second = post(negotiation, seller, "Hi")
    assert (first.seq, second.seq) == (1, 2)
    assert (first.side, second.side) == ("buyer", "seller")
    assert first.kind == Message.Kind.TEXT


def test_a_resend_with_the_same_client_id_is_stored_once(negotiation, buyer):
    first, created = services.message_post(
        negotiation_id=negotiation.pk, actor=buyer, body="Hello", client_id="c-1"
    )
    again, created_again = services.message_post(
        negotiation_id=negotiation.pk, actor=buyer, body="Hello", client_id="c-1"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_the_same_client_id_from_another_user_is_another_message(negotiation, buyer, seller):
    post(negotiation, buyer, client_id="c-1")
    post(negotiation, seller, client_id="c-1")
    assert Message.objects.count() == 2


def test_an_outsider_cannot_post(negotiation, other_buyer):
    with pytest.raises(NotFound):
        post(negotiation, other_buyer)
    assert not Message.objects.exists()


def test_staff_reads_but_cannot_post(negotiation, staff, buyer):
    post(negotiation, buyer)
    with pytest.raises(NotAllowed):
        post(negotiation, staff)
    assert len(selectors.messages_after(user=staff, negotiation_id=negotiation.pk)) == 1


def test_a_removed_member_cannot_post(negotiation, buyer, other_buyer):
    buyer.company = other_buyer.company
    buyer.save()
    with pytest.raises(NotFound):
        post(negotiation, buyer)


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, 42])
def test_an_empty_oversized_or_non_text_body_is_refused(negotiation, buyer, body):
    with pytest.raises(ValidationFailed) as error:
        post(negotiation, buyer, body)
    assert "body" in error.value.errors
    assert not Message.objects.exists()


def test_a_body_of_5000_characters_is_accepted(negotiation, buyer):
    assert len(post(negotiation, buyer, "x" * 5000).body) == 5000


def test_the_21st_message_within_10_seconds_is_rate_limited(negotiation, buyer, seller):
    for _ in range(20):
        post(negotiation, buyer)
    with pytest.raises(RateLimited) as error:
        post(negotiation, buyer)
    assert error.value.retry_after >= 1
    assert Message.objects.count() == 20
    post(negotiation, seller)  # the limit is per user


def test_a_resend_is_not_rate_limited(negotiation, buyer):
    for n in range(20):
        post(negotiation, buyer, client_id=f"c-{n}")
    assert post(negotiation, buyer, client_id="c-19").seq == 20


def test_a_png_attachment_is_stored_with_its_type_from_the_content(negotiation, buyer, media):
    message, _ = services.message_post(
        negotiation_id=negotiation.pk,
        actor=buyer,
        body="",
        client_id="a-1",
        attachment=png_upload("../../etc/photo.png"),
    )
    assert message.kind == Message.Kind.ATTACHMENT
    assert message.attachment_type == "image/png"
    assert message.attachment_name == "photo.png"
    assert message.attachment.name.startswith(f"chat/{negotiation.pk}/")
    assert message.attachment.storage.exists(message.attachment.name)


def test_a_pdf_attachment_is_recognised_by_its_header(negotiation, buyer, media):
    message, _ = services.message_post(
        negotiation_id=negotiation.pk,
        actor=buyer,
        body="Spec sheet",
        client_id="a-1",
        attachment=pdf_upload(),
    )
    assert message.attachment_type == "application/pdf"
    assert message.body == "Spec sheet"


def test_a_file_named_like_an_image_but_not_one_is_refused(negotiation, buyer, media):
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationFailed) as error:
        services.message_post(
            negotiation_id=negotiation.pk, actor=buyer, body="", client_id="a", attachment=fake
        )
    assert "attachment" in error.value.errors
    assert not Message.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(negotiation, buyer, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationFailed) as error:
        services.message_post(
            negotiation_id=negotiation.pk,
            actor=buyer,
            body="",
            client_id="a",
            attachment=png_upload(size=(40, 40)),
        )
    assert "too large" in error.value.errors["attachment"][0]


def test_marking_read_moves_the_marker_forward_only(conversation, seller):
    last = Message.objects.filter(negotiation=conversation).order_by("pk").last()
    first = Message.objects.filter(negotiation=conversation).order_by("pk").first()
    assert (
        services.message_mark_read(negotiation_id=conversation.pk, actor=seller, last_id=last.pk)
        == last.pk
    )
    assert (
        services.message_mark_read(negotiation_id=conversation.pk, actor=seller, last_id=first.pk)
        == last.pk
    )
    assert selectors.read_state(negotiation_id=conversation.pk)["seller"] == last.pk


def test_marking_read_never_goes_past_the_last_message(conversation, seller):
    last = Message.objects.filter(negotiation=conversation).order_by("pk").last()
    marker = services.message_mark_read(
        negotiation_id=conversation.pk, actor=seller, last_id=last.pk + 1000
    )
    assert marker == last.pk


def test_staff_reading_leaves_no_read_receipt(conversation, staff):
    last = Message.objects.filter(negotiation=conversation).order_by("pk").last()
    services.message_mark_read(negotiation_id=conversation.pk, actor=staff, last_id=last.pk)
    assert selectors.read_state(negotiation_id=conversation.pk) == {"buyer": 0, "seller": 0}


def test_unread_counts_the_other_sides_messages_after_the_read_marker(conversation, buyer, seller):
    assert selectors.unread_counts(user=seller, negotiation_ids=[conversation.pk]) == {
        conversation.pk: 2
    }
    assert selectors.unread_counts(user=buyer, negotiation_ids=[conversation.pk]) == {
        conversation.pk: 1
    }
    last = Message.objects.filter(negotiation=conversation).order_by("pk").last()
    services.message_mark_read(negotiation_id=conversation.pk, actor=seller, last_id=last.pk)
    assert selectors.unread_counts(user=seller, negotiation_ids=[conversation.pk]) == {}


def test_a_colleagues_messages_are_not_unread(conversation, buyer):
    colleague = BuyerFactory(company=buyer.company)
    assert selectors.unread_counts(user=colleague, negotiation_ids=[conversation.pk]) == {
        conversation.pk: 1
    }


def test_unread_counts_include_system_messages(negotiation, buyer):
    services.system_message_post(
        negotiation_id=negotiation.pk, text="Seller confirmed", order_id=None, version=2
    )
    assert selectors.unread_counts(user=buyer, negotiation_ids=[negotiation.pk]) == {
        negotiation.pk: 1
    }


def test_unread_counts_leave_out_negotiations_of_others(conversation, other_buyer):
    assert selectors.unread_counts(user=other_buyer, negotiation_ids=[conversation.pk]) == {}


def test_unread_counts_run_one_query_for_many_negotiations(
    buyer, seller, django_assert_num_queries
):
    from inquiries.tests.factories import NegotiationFactory

    negotiations = [
        NegotiationFactory(buyer_company=buyer.company, seller_company=seller.company)
        for _ in range(5)
    ]
    for negotiation in negotiations:
        post(negotiation, seller)
    buyer.refresh_from_db()  # company not loaded
    with django_assert_num_queries(1):
        counts = selectors.unread_counts(user=buyer, negotiation_ids=[n.pk for n in negotiations])
    assert counts == {n.pk: 1 for n in negotiations}


def test_an_outsider_cannot_read_the_messages(conversation, other_seller):
    with pytest.raises(NotFound):
        selectors.messages_after(user=other_seller, negotiation_id=conversation.pk)


def test_messages_after_returns_the_next_page_in_order(conversation, buyer):
    first, *rest = selectors.messages_after(user=buyer, negotiation_id=conversation.pk)
    page = selectors.messages_after(
        user=buyer, negotiation_id=conversation.pk, after_id=first.pk, limit=1
    )
    assert [m.pk for m in page] == [rest[0].pk]
