"""Offers that expire (issue 14 point 2): each unilateral confirmation is valid until a time;
after it the other side cannot confirm it as is, asks for an extension or modifies, and the
sender extends it. The sweep tells the parties once each."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.errors import InvalidTransition, NotAllowed, OfferExpired, ValidationFailed
from notifications.models import Kind, Notification, NotificationPreference
from orders import expiry, services
from orders.models import Order, OrderEvent, OrderStatus, Revision
from orders.tests.factories import complete_values, make_order

S = OrderStatus
UTC = datetime.UTC
# Later than the real clock: the bank details the fixtures store now predate it.
NOW = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    with time_machine.travel(NOW, tick=False):
        return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _fresh(order):
    return Order.objects.select_related("negotiation").prefetch_related("lines").get(pk=order.pk)


def _expire(order):
    """The order's confirmation, expired an hour ago (by the real clock)."""
    Order.objects.filter(pk=order.pk).update(
        valid_until=timezone.now() - datetime.timedelta(hours=1)
    )
    return _fresh(order)


# --- Validity of each confirmation ---------------------------------------------------------


def test_a_seller_confirmation_is_valid_for_the_seller_companys_default(seller_confirmed):
    assert seller_confirmed.valid_until == NOW + datetime.timedelta(days=7)


def test_the_revision_keeps_the_validity_of_the_confirmation(seller_confirmed):
    revision = Revision.objects.filter(order=seller_confirmed).latest("version")

    assert revision.valid_until == seller_confirmed.valid_until


def test_the_seller_companys_offer_validity_sets_the_default(buyer, seller, product):
    seller.company.offer_validity_days = 3
    seller.company.save()
    with time_machine.travel(NOW, tick=False):
        order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)

    assert order.valid_until == NOW + datetime.timedelta(days=3)


def test_a_buyer_modification_is_his_confirmation_with_its_own_validity(seller_confirmed, buyer):
    later = NOW + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        order = services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=complete_values(seller_confirmed, packaging="Pallets"),
        )

    assert order.status == S.BUYER_CONFIRMED
    assert order.valid_until == later + datetime.timedelta(days=7)


def test_the_confirming_side_may_set_the_validity_as_part_of_its_values(seller_confirmed, buyer):
    until = NOW + datetime.timedelta(days=20)
    with time_machine.travel(NOW, tick=False):
        order = services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values={"packaging": "Pallets", "valid_until": until.isoformat()},
        )

    assert order.valid_until == until
    assert Revision.objects.filter(order=order).latest("version").valid_until == until


def test_a_date_as_validity_means_the_end_of_that_day(seller_confirmed, buyer):
    with time_machine.travel(NOW, tick=False):
        order = services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values={"packaging": "Pallets", "valid_until": "2030-03-12"},
        )

    assert order.valid_until == datetime.datetime(2030, 3, 12, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["2030-03-01", "2030-09-01", "not a date", (NOW).isoformat()], ids=str
)
def test_a_validity_in_the_past_too_far_or_not_a_date_is_refused(seller_confirmed, buyer, value):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed) as exc:
        services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values={"packaging": "Pallets", "valid_until": value},
        )

    assert "valid_until" in exc.value.errors
    assert _fresh(seller_confirmed).version == seller_confirmed.version


def test_start_order_is_valid_for_the_seller_companys_default(buyer, seller, product):
    values = complete_values(incoterm="FOB")
    values["lines"][0]["quantity"] = "500"
    with time_machine.travel(NOW, tick=False):
        order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert order.status == S.BUYER_CONFIRMED
    assert order.valid_until == NOW + datetime.timedelta(days=7)


def test_agreement_ends_the_validity(seller_confirmed, buyer, seller):
    with time_machine.travel(NOW, tick=False):
        order = services.order_confirm(
            order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
        )

    assert order.status == S.AWAITING_PAYMENT
    assert _fresh(order).valid_until is None


def test_a_draft_has_no_validity(buyer, seller, product):
    assert make_order(buyer=buyer, seller=seller, product=product).valid_until is None


# --- Expiry ----------------------------------------------------------------------------------


def test_buyer_can_confirm_until_the_moment_before_expiry(seller_confirmed, buyer, seller):
    with time_machine.travel(seller_confirmed.valid_until - datetime.timedelta(seconds=1)):
        order = services.order_confirm(
            order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
        )

    assert order.status == S.AWAITING_PAYMENT


def test_buyer_cannot_confirm_an_expired_confirmation(seller_confirmed, buyer):
    with (
        time_machine.travel(seller_confirmed.valid_until, tick=False),
        pytest.raises(OfferExpired) as exc,
    ):
        services.order_confirm(
            order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
        )

    assert exc.value.code == "offer_expired"
    assert exc.value.details["valid_until"] == seller_confirmed.valid_until.isoformat()
    assert _fresh(seller_confirmed).status == S.SELLER_CONFIRMED


def test_an_expired_confirmation_offers_the_other_side_an_extension_request_or_modify(
    seller_confirmed,
):
    order = _expire(seller_confirmed)

    assert services.allowed_actions(order, "buyer") == {"modify", "cancel", "request_extension"}
    assert services.allowed_actions(order, "seller") == {"modify", "cancel", "extend"}


def test_a_valid_confirmation_offers_neither_extension_nor_request(seller_confirmed):
    with time_machine.travel(NOW, tick=False):
        assert services.allowed_actions(seller_confirmed, "buyer") == {
            "confirm",
            "modify",
            "cancel",
        }
        assert services.allowed_actions(seller_confirmed, "seller") == {"modify", "cancel"}


def test_buyer_may_modify_an_expired_confirmation_into_his_own(seller_confirmed, buyer):
    order = _expire(seller_confirmed)

    order = services.order_modify(
        order_id=order.pk, actor=buyer, version=order.version, values={"packaging": "Crates"}
    )

    assert order.status == S.BUYER_CONFIRMED
    assert not order.offer_expired()


# --- Extension -------------------------------------------------------------------------------


def test_buyer_requests_an_extension_of_an_expired_confirmation(seller_confirmed, buyer):
    order = _expire(seller_confirmed)

    order = services.order_request_extension(order_id=order.pk, actor=buyer, version=order.version)

    assert order.extension_requested_at is not None
    assert order.version == seller_confirmed.version + 1
    event = order.events.latest("pk")
    assert (event.type, event.actor_side) == (OrderEvent.Type.EXTENSION_REQUESTED, "buyer")


def test_the_seller_is_notified_of_an_extension_request(
    seller_confirmed, buyer, seller, django_capture_on_commit_callbacks
):
    order = _expire(seller_confirmed)

    with django_capture_on_commit_callbacks(execute=True):
        services.order_request_extension(order_id=order.pk, actor=buyer, version=order.version)

    notification = Notification.objects.get(user=seller, kind=Kind.OFFER_EXTENSION)
    assert "asks you to extend" in notification.title


def test_an_extension_is_requested_only_once(seller_confirmed, buyer):
    order = _expire(seller_confirmed)
    order = services.order_request_extension(order_id=order.pk, actor=buyer, version=order.version)

    with pytest.raises(InvalidTransition, match="already asked"):
        services.order_request_extension(order_id=order.pk, actor=buyer, version=order.version)


def test_buyer_cannot_request_an_extension_of_a_valid_confirmation(seller_confirmed, buyer):
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidTransition):
        services.order_request_extension(
            order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
        )


def test_seller_cannot_request_an_extension_of_his_own_confirmation(seller_confirmed, seller):
    order = _expire(seller_confirmed)

    with pytest.raises(NotAllowed):
        services.order_request_extension(order_id=order.pk, actor=seller, version=order.version)


def test_seller_extends_his_expired_confirmation_by_the_default(seller_confirmed, seller):
    expired = _expire(seller_confirmed)
    later = NOW + datetime.timedelta(hours=5)

    with time_machine.travel(later, tick=False):
        order = services.order_extend(order_id=expired.pk, actor=seller, version=expired.version)

    assert order.valid_until == later + datetime.timedelta(days=7)
    assert (order.expired_at, order.extension_requested_at) == (None, None)
    event = order.events.latest("pk")
    assert event.type == OrderEvent.Type.EXTENDED
    assert event.data["previous_valid_until"] == expired.valid_until.isoformat()


def test_after_the_extension_the_buyer_confirms(seller_confirmed, buyer, seller):
    order = _expire(seller_confirmed)
    order = services.order_extend(order_id=order.pk, actor=seller, version=order.version)

    order = services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)

    assert order.status == S.AWAITING_PAYMENT


def test_seller_cannot_extend_a_confirmation_valid_for_days(seller_confirmed, seller):
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidTransition):
        services.order_extend(
            order_id=seller_confirmed.pk, actor=seller, version=seller_confirmed.version
        )


def test_seller_may_extend_in_the_last_day(seller_confirmed, seller):
    last_day = seller_confirmed.valid_until - datetime.timedelta(hours=3)
    with time_machine.travel(last_day, tick=False):
        order = services.order_extend(
            order_id=seller_confirmed.pk, actor=seller, version=seller_confirmed.version
        )

    assert order.valid_until == last_day + datetime.timedelta(days=7)


def test_buyer_cannot_extend_the_sellers_confirmation(seller_confirmed, buyer):
    order = _expire(seller_confirmed)

    with pytest.raises(NotAllowed):
        services.order_extend(order_id=order.pk, actor=buyer, version=order.version)


def test_an_extension_of_a_stale_version_is_refused(seller_confirmed, seller):
    from common.errors import StaleVersion

    order = _expire(seller_confirmed)

    with pytest.raises(StaleVersion):
        services.order_extend(order_id=order.pk, actor=seller, version=order.version - 1)


def test_outsiders_cannot_extend(seller_confirmed, other_seller):
    from common.errors import NotFound

    order = _expire(seller_confirmed)

    with pytest.raises(NotFound):
        services.order_extend(order_id=order.pk, actor=other_seller, version=order.version)


# --- The sweep -------------------------------------------------------------------------------


def test_the_sweep_tells_the_buyer_a_day_before_expiry_once(seller_confirmed, buyer, seller):
    notice_time = seller_confirmed.valid_until - datetime.timedelta(hours=20)

    with time_machine.travel(notice_time, tick=False):
        first = expiry.offers_sweep()
        second = expiry.offers_sweep()

    assert (first["notices"], second["notices"]) == (1, 0)
    assert Notification.objects.filter(user=buyer, kind=Kind.OFFER_EXPIRING).count() == 1
    assert not Notification.objects.filter(user=seller, kind=Kind.OFFER_EXPIRING).exists()


def test_the_sweep_tells_nobody_earlier_than_a_day_before(seller_confirmed):
    with time_machine.travel(seller_confirmed.valid_until - datetime.timedelta(hours=25)):
        assert expiry.offers_sweep()["notices"] == 0


def test_the_sweep_marks_the_expiry_once_and_tells_both_sides(seller_confirmed, buyer, seller):
    with time_machine.travel(seller_confirmed.valid_until, tick=False):
        first = expiry.offers_sweep()
        second = expiry.offers_sweep()

    assert (first["expired"], second["expired"]) == (1, 0)
    order = _fresh(seller_confirmed)
    assert order.expired_at == seller_confirmed.valid_until
    assert order.events.filter(type=OrderEvent.Type.EXPIRED).count() == 1
    assert Notification.objects.filter(user=buyer, kind=Kind.OFFER_EXPIRED).count() == 1
    assert Notification.objects.filter(user=seller, kind=Kind.OFFER_EXPIRED).count() == 1


def test_the_sweep_respects_the_e_mail_opt_out(seller_confirmed, buyer):
    NotificationPreference.objects.create(user=buyer, kind=Kind.OFFER_EXPIRED, email=False)

    with time_machine.travel(seller_confirmed.valid_until, tick=False):
        expiry.offers_sweep()

    notification = Notification.objects.get(user=buyer, kind=Kind.OFFER_EXPIRED)
    assert notification.email_state == ""


def test_an_extended_confirmation_is_announced_again_before_its_new_expiry(
    seller_confirmed, seller
):
    with time_machine.travel(seller_confirmed.valid_until, tick=False):
        expiry.offers_sweep()
        order = services.order_extend(
            order_id=seller_confirmed.pk, actor=seller, version=_fresh(seller_confirmed).version
        )
    with time_machine.travel(order.valid_until, tick=False):
        assert expiry.offers_sweep()["expired"] == 1


def test_the_sweep_ignores_agreed_and_cancelled_orders(seller_confirmed, buyer):
    services.order_cancel(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version, reason="No"
    )

    with time_machine.travel(seller_confirmed.valid_until, tick=False):
        assert expiry.offers_sweep() == {"notices": 0, "expired": 0, "batches": 0}


def test_the_sweep_works_in_batches(buyer, seller, product, settings):
    settings.OFFER_SWEEP_BATCH_SIZE = 2
    for _ in range(5):
        order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
        _expire(order)

    result = expiry.offers_sweep(now=NOW + datetime.timedelta(minutes=1))

    assert result == {"notices": 0, "expired": 5, "batches": 3}


def _sweep_queries(buyer, seller, product, count) -> int:
    for _ in range(count):
        order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
        Order.objects.filter(pk=order.pk).update(
            valid_until=NOW + datetime.timedelta(hours=1 if _ % 2 else -1)
        )
    with CaptureQueriesContext(connection) as queries:
        result = expiry.offers_sweep_batch(now=NOW, size=500)
    assert result["notices"] + result["expired"] == count
    return len(queries)


def test_a_sweep_batch_costs_the_same_for_2_or_12_offers(buyer, seller, product):
    small = _sweep_queries(buyer, seller, product, 2)
    Notification.objects.all().delete()
    large = _sweep_queries(buyer, seller, product, 12)

    assert small == large
