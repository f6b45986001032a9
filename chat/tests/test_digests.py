"""The unread-message e-mail digest (chat/digests.py): who gets one, when, and only once."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import BuyerFactory, SellerFactory
from chat import digests, services
from chat.models import ChatDigest, Message, Presence
from chat.tasks import chat_digests_sweep
from chat.tests.factories import post
from inquiries.tests.factories import NegotiationFactory
from notifications.models import Kind, Notification, NotificationPreference

pytestmark = pytest.mark.django_db

DELAY = datetime.timedelta(seconds=600)


@pytest.fixture(autouse=True)
def _delay(settings):
    settings.CHAT_DIGEST_DELAY_SECONDS = 600
    settings.CHAT_DIGEST_MAX_AGE_HOURS = 24


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Runs the sweep and then what it queued on commit (the e-mails)."""

    def run(task=digests.chat_digests_sweep):
        with django_capture_on_commit_callbacks(execute=True):
            return task()

    return run


def _age(*messages, by=DELAY):
    """Backdates messages, as if they were written ``by`` ago."""
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(created_at=timezone.now() - by)


def _digests_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_an_away_buyer_gets_one_digest_of_the_unread_messages(negotiation, buyer, seller, sweep):
    first = post(negotiation, seller, "Our price is 4.70.")
    second = post(negotiation, seller, "Lead time 30 days.")
    _age(first, second)

    result = sweep()

    assert result == {"due": 1, "sent": 1}
    [email] = _digests_to(buyer)
    assert "2 unread messages from" in email.subject
    assert "Our price is 4.70." in email.body
    assert "Lead time 30 days." in email.body
    assert reverse("inquiries:workspace", args=[negotiation.pk]) in email.body
    digest = ChatDigest.objects.get(user=buyer)
    assert (digest.first_message_id, digest.last_message_id) == (first.pk, second.pk)


def test_the_digest_links_to_the_negotiation(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"))

    sweep()

    notification = Notification.objects.get(user=buyer, kind=Kind.CHAT_DIGEST)
    assert notification.url.startswith(reverse("inquiries:workspace", args=[negotiation.pk]))
    [email] = _digests_to(buyer)
    assert notification.url in email.body


def test_a_second_sweep_sends_the_same_batch_nothing_again(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"))
    sweep()

    again = sweep()

    assert again == {"due": 0, "sent": 0}
    assert len(_digests_to(buyer)) == 1


def test_a_redelivered_sweep_task_sends_nothing_twice(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"))

    sweep(chat_digests_sweep.apply)
    sweep(chat_digests_sweep.apply)

    assert len(_digests_to(buyer)) == 1
    assert Notification.objects.filter(user=buyer, kind=Kind.CHAT_DIGEST).count() == 1


def test_a_sweep_that_loses_the_claim_sends_nothing(negotiation, buyer, seller, monkeypatch, sweep):
    """A concurrent sweep inserted the same batch first: the unique claim leaves this run
    with nothing to send."""
    message = post(negotiation, seller, "Hello")
    _age(message)
    batches, _negotiations = digests._due_batches(now=timezone.now())
    ChatDigest.objects.create(
        negotiation=negotiation,
        user=buyer,
        first_message_id=message.pk,
        last_message_id=message.pk,
        message_count=1,
        run="00000000-0000-0000-0000-000000000000",
    )
    monkeypatch.setattr(digests, "_due_batches", lambda now: (batches, _negotiations))

    result = sweep()

    assert result == {"due": 1, "sent": 0}
    assert _digests_to(buyer) == []


def test_no_digest_before_the_delay(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"), by=DELAY - datetime.timedelta(seconds=30))

    assert sweep() == {"due": 0, "sent": 0}
    assert mail.outbox == []


def test_no_digest_of_messages_the_user_has_read(negotiation, buyer, seller, sweep):
    message = post(negotiation, seller, "Hello")
    services.message_mark_read(negotiation_id=negotiation.pk, actor=buyer, last_id=message.pk)
    _age(message)

    sweep()

    assert _digests_to(buyer) == []


def test_only_the_messages_after_the_read_marker_are_digested(negotiation, buyer, seller, sweep):
    read = post(negotiation, seller, "Already read")
    services.message_mark_read(negotiation_id=negotiation.pk, actor=buyer, last_id=read.pk)
    unread = post(negotiation, seller, "Not read yet")
    _age(read, unread)

    sweep()

    [email] = _digests_to(buyer)
    assert "Not read yet" in email.body
    assert "Already read" not in email.body


def test_no_digest_while_the_user_has_the_chat_open(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"))
    Presence.objects.create(
        channel_name="socket-1",
        negotiation=negotiation,
        user=buyer,
        side="buyer",
        seen_at=timezone.now(),
    )

    sweep()

    assert _digests_to(buyer) == []


def test_no_digest_while_the_user_is_active_on_the_site(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Hello"))
    buyer.last_active_at = timezone.now() - datetime.timedelta(minutes=2)
    buyer.save(update_fields=["last_active_at"])

    sweep()

    assert _digests_to(buyer) == []


def test_the_batch_is_mailed_once_the_user_has_left_without_reading(
    negotiation, buyer, seller, sweep
):
    _age(post(negotiation, seller, "Hello"), by=DELAY * 2)
    buyer.last_active_at = timezone.now() - DELAY - datetime.timedelta(seconds=1)
    buyer.save(update_fields=["last_active_at"])

    sweep()

    assert len(_digests_to(buyer)) == 1


def test_a_user_who_switched_digests_off_gets_none(negotiation, buyer, seller, sweep):
    NotificationPreference.objects.create(user=buyer, kind=Kind.CHAT_DIGEST, email=False)
    _age(post(negotiation, seller, "Hello"))

    sweep()

    assert _digests_to(buyer) == []
    assert not ChatDigest.objects.filter(user=buyer).exists()


def test_the_writer_and_colleagues_get_no_digest_of_their_own_side(
    negotiation, buyer, seller, sweep
):
    colleague = BuyerFactory(company=buyer.company)
    _age(post(negotiation, buyer, "From our side"))

    sweep()

    assert _digests_to(buyer) == []
    assert _digests_to(colleague) == []
    assert len(_digests_to(seller)) == 1


def test_each_member_of_the_away_side_gets_their_own_digest(negotiation, buyer, seller, sweep):
    colleague = BuyerFactory(company=buyer.company)
    _age(post(negotiation, seller, "Hello"))

    sweep()

    assert len(_digests_to(buyer)) == 1
    assert len(_digests_to(colleague)) == 1


def test_messages_after_a_digest_make_a_new_batch(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "First batch"), by=DELAY * 3)
    sweep()
    _age(post(negotiation, seller, "Second batch"))

    sweep()

    first, second = _digests_to(buyer)
    assert "Second batch" in second.body
    assert "First batch" not in second.body


def test_a_batch_holds_the_messages_that_came_after_its_first_one(
    negotiation, buyer, seller, sweep
):
    _age(post(negotiation, seller, "Old enough"))
    post(negotiation, seller, "Just now")

    sweep()

    [email] = _digests_to(buyer)
    assert "Old enough" in email.body
    assert "Just now" in email.body


def test_each_conversation_makes_its_own_digest(negotiation, buyer, seller, other_seller, sweep):
    other = NegotiationFactory(buyer_company=buyer.company, seller_company=other_seller.company)
    _age(post(negotiation, seller, "From the first seller"), post(other, other_seller, "Hi"))

    assert sweep() == {"due": 2, "sent": 2}
    assert len(_digests_to(buyer)) == 2


def test_system_messages_make_no_digest(negotiation, buyer, sweep):
    Message.objects.create(negotiation=negotiation, seq=1, kind=Message.Kind.SYSTEM, body="Agreed")
    Message.objects.update(created_at=timezone.now() - DELAY)

    assert sweep() == {"due": 0, "sent": 0}


def test_messages_older_than_the_maximum_age_are_not_mailed(negotiation, buyer, seller, sweep):
    _age(post(negotiation, seller, "Ancient"), by=datetime.timedelta(hours=25))

    assert sweep() == {"due": 0, "sent": 0}


def test_the_sweep_runs_a_constant_number_of_queries(buyer_company, seller_company, settings):
    settings.CHAT_RATE_LIMIT = (1000, 10)
    seller = SellerFactory(company=seller_company)

    def sweep_of(conversations: int) -> int:
        for _ in range(conversations):
            negotiation = NegotiationFactory(
                buyer_company=buyer_company, seller_company=seller_company
            )
            BuyerFactory(company=buyer_company)
            _age(*(post(negotiation, seller, body) for body in ("One", "Two", "Three")))
        with CaptureQueriesContext(connection) as queries:
            result = digests.chat_digests_sweep()
        assert result["sent"] >= conversations
        return len(queries)

    small = sweep_of(1)
    large = sweep_of(6)
    assert small == large
    assert large <= 17
