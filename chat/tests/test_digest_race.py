"""Real concurrency on PostgreSQL: two sweeps that both found the same batch due send it once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from chat import digests
from chat.models import ChatDigest, Message
from chat.tests.factories import post
from inquiries.tests.factories import NegotiationFactory
from notifications.models import Kind, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_sweeps_send_a_batch_once(buyer, seller, monkeypatch):
    negotiation = NegotiationFactory(buyer_company=buyer.company, seller_company=seller.company)
    message = post(negotiation, seller, "Hello")
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    both_found_it = threading.Barrier(2)
    find = digests._due_batches

    def find_then_wait(*, now):
        found = find(now=now)
        both_found_it.wait(timeout=10)  # both have read the state before either inserts
        return found

    monkeypatch.setattr(digests, "_due_batches", find_then_wait)
    results = [None, None]

    def run(index):
        try:
            results[index] = digests.chat_digests_sweep()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r["sent"] for r in results) == [0, 1], results
    assert ChatDigest.objects.count() == 1
    assert Notification.objects.filter(user=buyer, kind=Kind.CHAT_DIGEST).count() == 1
    assert len([m for m in mail.outbox if m.to == [buyer.email]]) == 1
