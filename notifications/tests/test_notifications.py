import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inquiries.tests.factories import InquiryFactory
from notifications import services
from notifications.models import EmailState, Kind, Notification, NotificationPreference
from notifications.services import Message
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order

NOON = datetime.datetime(2025, 3, 3, 12, 0, tzinfo=datetime.UTC)


def test_a_new_inquiry_notifies_every_member_of_the_seller_company(
    buyer, seller, django_capture_on_commit_callbacks
):
    colleague = type(seller).objects.create(
        username="colleague", email="c@seller.example", company=seller.company
    )

    with django_capture_on_commit_callbacks(execute=True):
        InquiryFactory(
            negotiation__buyer_company=buyer.company,
            negotiation__seller_company=seller.company,
            sender=buyer,
            subject="Water bottles",
        )

    notified = Notification.objects.filter(kind=Kind.NEW_INQUIRY)
    assert set(notified.values_list("user", flat=True)) == {seller.pk, colleague.pk}
    assert notified.first().title == "New inquiry: Water bottles"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seller.email, colleague.email])


def test_the_other_side_is_told_when_an_order_is_confirmed(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.DRAFT, product=product)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    notification = Notification.objects.get(kind=Kind.ORDER_CONFIRMED)
    assert notification.user == buyer
    assert notification.title == f"{order.number} was confirmed by the seller"


def test_the_other_side_is_told_which_fields_were_modified(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    from orders.tests.factories import complete_values

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_modify(
            order_id=order.pk,
            actor=buyer,
            version=order.version,
            values=complete_values(order, shipping_fee="300.00"),
        )

    notification = Notification.objects.get(kind=Kind.ORDER_MODIFIED)
    assert notification.user == seller
    assert "shipping fee" in notification.body


def test_no_email_goes_out_for_a_kind_the_user_switched_off(
    buyer, django_capture_on_commit_callbacks
):
    services.notification_preferences_set(actor=buyer, email_kinds=[Kind.NEW_INQUIRY])

    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_send(
            messages=[Message(company_id=buyer.company_id, kind=Kind.PAYMENT_RECEIVED, title="T")]
        )

    assert Notification.objects.filter(user=buyer).count() == 1
    assert mail.outbox == []


def test_a_notification_email_delivered_twice_is_sent_once(buyer):
    [notification] = services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.PAYMENT_RECEIVED, title="Paid")]
    )

    assert services.notification_email_deliver(notification_id=notification.pk) is True
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Paid"


def test_a_failed_send_releases_the_claim_for_the_retry(buyer, settings, monkeypatch):
    import smtplib

    [notification] = services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.PAYMENT_RECEIVED, title="Paid")]
    )

    def fail(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.notification_email_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_state == EmailState.PENDING


def _send(user, title="Paid"):
    [notification] = services.notifications_send(
        messages=[Message(company_id=user.company_id, kind=Kind.PAYMENT_RECEIVED, title=title)]
    )
    return notification


def test_a_notification_to_email_waits_in_the_outbox_with_a_queue_lease(buyer, settings):
    settings.EMAIL_QUEUE_LEASE_SECONDS = 300
    with time_machine.travel(NOON, tick=False):
        notification = _send(buyer)

    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING
    assert notification.email_lease_until == NOON + datetime.timedelta(minutes=5)


def test_a_notification_whose_kind_is_switched_off_never_enters_the_outbox(buyer):
    services.notification_preferences_set(actor=buyer, email_kinds=[])

    notification = _send(buyer)

    notification.refresh_from_db()
    assert notification.email_state == EmailState.NONE


def test_the_sweep_sends_an_email_whose_worker_died_once_its_send_lease_expires(
    buyer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_SEND_LEASE_SECONDS = 120
    with time_machine.travel(NOON, tick=False):
        notification = _send(buyer)
        # A worker claims it, then dies before sending (the claim is committed on its own).
        Notification.objects.filter(pk=notification.pk).update(
            email_state=EmailState.SENDING,
            email_lease_until=NOON + datetime.timedelta(seconds=120),
            email_attempts=1,
        )

    with django_capture_on_commit_callbacks(execute=True):
        early = services.emails_sweep(now=NOON + datetime.timedelta(minutes=1))
        late = services.emails_sweep(now=NOON + datetime.timedelta(minutes=3))

    assert early["requeued"] == 0
    assert late["requeued"] == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 2


def test_the_sweep_sends_a_queued_email_whose_task_was_lost(
    buyer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_QUEUE_LEASE_SECONDS = 300
    with time_machine.travel(NOON, tick=False):
        _send(buyer)  # queued on commit, which never comes: the task is lost

    with django_capture_on_commit_callbacks(execute=True):
        services.emails_sweep(now=NOON + datetime.timedelta(minutes=6))

    assert [m.subject for m in mail.outbox] == ["Paid"]


def test_the_sweep_never_queues_an_email_twice_within_its_lease(
    buyer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_QUEUE_LEASE_SECONDS = 300
    with time_machine.travel(NOON, tick=False):
        _send(buyer)

    first = services.emails_sweep(now=NOON + datetime.timedelta(minutes=6))
    second = services.emails_sweep(now=NOON + datetime.timedelta(minutes=7))

    assert (first["requeued"], second["requeued"]) == (1, 0)


def test_the_sweep_leaves_sent_emails_alone(buyer, django_capture_on_commit_callbacks):
    notification = _send(buyer)
    services.notification_email_deliver(notification_id=notification.pk)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.emails_sweep(now=timezone.now() + datetime.timedelta(days=1))

    assert result == {"requeued": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_an_email_after_the_last_attempt(buyer, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    notification = _send(buyer)
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENDING, email_attempts=3
    )

    result = services.emails_sweep(now=timezone.now() + datetime.timedelta(days=1))

    notification.refresh_from_db()
    assert result == {"requeued": 0, "failed": 1}
    assert notification.email_state == EmailState.FAILED


@pytest.mark.parametrize("expired", [0, 1, 20])
def test_the_email_sweep_runs_the_same_statements_however_many_emails_expired(
    expired, buyer, django_assert_num_queries
):
    from accounts.tests.factories import BuyerFactory

    BuyerFactory.create_batch(max(expired - 1, 0), company=buyer.company)
    if expired:
        services.notifications_send(
            messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")]
        )

    # give up, re-queue, and the savepoint around them
    with django_assert_num_queries(4):
        result = services.emails_sweep(now=timezone.now() + datetime.timedelta(days=1))

    assert result["requeued"] == expired


def test_notifications_for_many_members_take_a_constant_number_of_queries(
    buyer, django_assert_num_queries
):
    from accounts.tests.factories import BuyerFactory

    BuyerFactory.create_batch(10, company=buyer.company)

    # members, bulk insert, preferences, and the savepoint around them
    with django_assert_num_queries(5):
        created = services.notifications_send(
            messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")]
        )

    assert len(created) == 11


def test_the_bell_shows_the_unread_count(buyer, client):
    services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")] * 2
    )
    client.force_login(buyer)

    response = client.get(reverse("notifications:bell"))

    assert b'data-testid="unread-count">2<' in response.content


def test_marking_read_is_for_the_owner_only(buyer, other_buyer, client):
    [notification] = services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")]
    )
    client.force_login(other_buyer)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_owner_marks_a_notification_read(buyer, client):
    [notification] = services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")]
    )
    client.force_login(buyer)

    client.post(reverse("notifications:mark_read", args=[notification.pk]))

    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_page_runs_a_constant_number_of_queries(
    buyer, client, django_assert_num_queries, count
):
    services.notifications_send(
        messages=[Message(company_id=buyer.company_id, kind=Kind.ORDER_OVERDUE, title="T")] * count
    )
    client.force_login(buyer)

    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:list"))

    assert response.status_code == 200


def test_the_settings_page_switches_email_kinds_off(buyer, client):
    client.force_login(buyer)

    client.post(reverse("notifications:preferences"), {"email": [Kind.NEW_INQUIRY]})

    off = set(buyer.notification_preferences.filter(email=False).values_list("kind", flat=True))
    assert off == set(Kind.values) - {Kind.NEW_INQUIRY}


def test_saving_an_unknown_email_kind_is_a_400_and_changes_nothing(buyer, client):
    client.force_login(buyer)

    response = client.post("/notifications/settings/", {"email": ["new_inquiry", "bogus"]})

    assert response.status_code == 400
    assert b"Unknown notification kind: bogus." in response.content
    assert not NotificationPreference.objects.exists()


def test_the_other_side_is_told_of_an_offer_made_in_the_chat(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    from orders import offers

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )

    with django_capture_on_commit_callbacks(execute=True):
        offers.offer_make(
            order_id=order.pk,
            actor=seller,
            version=order.version,
            values={"packaging": "Crates"},
            note="Sturdier",
        )

    notification = Notification.objects.get(user=buyer)
    assert notification.title == f"The seller made an offer on {order.number}"
    assert notification.body == "packaging, Sturdier"
    assert not Notification.objects.filter(user=seller).exists()


def test_a_german_reader_is_told_who_confirmed_in_a_german_sentence(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    buyer.language = "de"
    buyer.save(update_fields=["language"])
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.DRAFT, product=product)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    # The side is a word of the sentence, declined by German (not a lowercased label).
    title = Notification.objects.get(kind=Kind.ORDER_CONFIRMED).title
    assert title == f"{order.number} wurde vom Verkäufer bestätigt"
