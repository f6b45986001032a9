import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import BuyerFactory
from chat import selectors, serializers, services
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


def test_a_message_costs_two_statements_once_the_conversation_exists(
    negotiation, buyer, django_assert_num_queries
):
    post(negotiation, buyer, "First")  # creates the conversation row
    buyer.company  # noqa: B018  (sockets hold the user with the company loaded)
    # SAVEPOINT and RELEASE come from the test's own transaction; in production the two
    # statements are the numbering UPDATE ... RETURNING (with the membership check) and the
    # INSERT: no read before the write, no re-reading what the service already holds.
    with django_assert_num_queries(4) as captured:
        post(negotiation, buyer, "Second")
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert statements == ["SAVEPOINT", "UPDATE", "INSERT", "RELEASE"]


def test_a_resend_is_found_by_the_unique_constraint_and_keeps_the_seq_gapless(
    negotiation, buyer, seller
):
    post(negotiation, buyer, client_id="c-1")
    again, created = services.message_post(
        negotiation_id=negotiation.pk, actor=buyer, body="Hello", client_id="c-1"
    )
    assert not created
    assert post(negotiation, seller).seq == 2  # the refused insert gave its number back


def test_an_outsider_gets_not_found_before_a_field_error(negotiation, other_buyer):
    with pytest.raises(NotFound):
        post(negotiation, other_buyer, "")


def test_a_nul_character_in_a_message_is_a_field_error(negotiation, buyer):
    with pytest.raises(ValidationFailed) as error:
        post(negotiation, buyer, "a\x00b")
    assert "body" in error.value.errors
    assert not Message.objects.exists()


def test_the_rate_limit_opens_a_new_window_after_the_old_one_expires(negotiation, buyer, settings):
    settings.CHAT_RATE_LIMIT = (2, 1)
    post(negotiation, buyer)
    post(negotiation, buyer)
    with pytest.raises(RateLimited):
        post(negotiation, buyer)
    time.sleep(1.2)
    assert post(negotiation, buyer).seq == 3


@pytest.mark.redis
def test_messages_racing_the_rate_limit_expiry_never_lock_the_user_out(
    negotiation, buyer, settings
):
    """cache.add + cache.incr recreated a key that expired in between without a TTL: the user
    was refused for good. The window counter (common.ratelimit) is one atomic script."""
    settings.CHAT_RATE_LIMIT = (1000, 1)
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    full_key = cache.make_and_validate_key(f"chat:rate:{buyer.pk}")
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        post(negotiation, buyer)
        assert client.ttl(full_key) != -1


def _draft_event_message(negotiation, text="Seller drafted the letter of intent."):
    return services.system_message_post(
        negotiation_id=negotiation.pk, text=text, order_id=None, version=1, audience="seller"
    )


def test_a_system_message_for_the_seller_is_hidden_from_the_buyer(
    negotiation, buyer, seller, staff
):
    post(negotiation, buyer, "Hello")
    _draft_event_message(negotiation)
    post(negotiation, seller, "Hi")

    def seqs(user):
        messages = selectors.messages_after(user=user, negotiation_id=negotiation.pk)
        return [(m.body[:5], serializers.message_data(m)["seq"]) for m in messages]

    assert seqs(buyer) == [("Hello", 1), ("Hi", 2)]  # gapless in the buyer's numbering
    assert seqs(seller) == [("Hello", 1), ("Selle", 2), ("Hi", 3)]
    assert seqs(staff) == [("Hello", 1), ("Selle", 2), ("Hi", 3)]


def test_a_system_message_for_the_seller_is_not_unread_for_the_buyer(negotiation, buyer, seller):
    _draft_event_message(negotiation)
    assert selectors.unread_counts(user=buyer, negotiation_ids=[negotiation.pk]) == {}
    assert selectors.unread_counts(user=seller, negotiation_ids=[negotiation.pk]) == {
        negotiation.pk: 1
    }


def test_messages_before_pages_back_oldest_first(conversation, buyer):
    newest = selectors.messages_before(user=buyer, negotiation_id=conversation.pk, before_id=None)
    earlier = selectors.messages_before(
        user=buyer, negotiation_id=conversation.pk, before_id=newest[-1].pk, limit=1
    )
    assert [m.seq for m in newest] == [1, 2, 3]
    assert [m.seq for m in earlier] == [2]


def test_closing_a_users_sockets_after_a_password_change_sends_the_reconnect_code(buyer):
    sent = []
    with mock.patch("chat.services.group_send", lambda group, event: sent.append((group, event))):
        services.user_sockets_close(user_id=buyer.pk, reason="password_changed")
    assert sent == [
        (
            f"user-{buyer.pk}",
            {"type": "session.close", "reason": "password_changed", "code": 4001},
        )
    ]


def test_marking_read_costs_two_statements_on_the_usual_path(
    conversation, seller, django_assert_num_queries
):
    last = Message.objects.order_by("pk").last()
    services.message_mark_read(negotiation_id=conversation.pk, actor=seller, last_id=last.pk - 1)
    seller.company  # noqa: B018  (sockets hold the user with the company loaded)
    # SAVEPOINT/RELEASE are the test transaction's; then the newest readable message (with
    # the membership check) and the conditional UPDATE of the marker.
    with django_assert_num_queries(4):
        services.message_mark_read(negotiation_id=conversation.pk, actor=seller, last_id=last.pk)


def test_an_outsider_marking_read_gets_not_found_even_with_a_bad_id(conversation, other_buyer):
    with pytest.raises(NotFound):
        services.message_mark_read(negotiation_id=conversation.pk, actor=other_buyer, last_id=-1)


def test_the_buyers_marker_never_points_at_a_message_hidden_from_him(negotiation, buyer, seller):
    seen = post(negotiation, seller, "Hello")
    hidden = _draft_event_message(negotiation)
    marker = services.message_mark_read(
        negotiation_id=negotiation.pk, actor=buyer, last_id=hidden.pk
    )
    assert marker == seen.pk
