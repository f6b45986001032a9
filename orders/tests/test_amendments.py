"""Amendment by consent (issue 13 point 6): propose, accept, reject, withdraw, stale, access."""

from decimal import Decimal

import pytest

from accounts.tests.factories import BuyerFactory
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import amendments, selectors
from orders import terms as order_terms
from orders.models import Amendment, Order, OrderEvent, OrderStatus
from orders.signals import order_amended
from orders.tests.factories import complete_values, make_order, snapshot
from payments import services as payment_services
from payments.tests.factories import make_overdue, pay_received

S = OrderStatus


@pytest.fixture
def agreed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)


def _fresh(order) -> Order:
    return Order.objects.select_related("negotiation").prefetch_related("lines").get(pk=order.pk)


def _propose(order, actor, *, version=None, reason="Buyer needs more bottles", **overrides):
    values = complete_values(order, **overrides) if overrides else {}
    return amendments.amendment_propose(
        order_id=order.pk,
        actor=actor,
        version=order.version if version is None else version,
        values=values,
        reason=reason,
    )


def _more_bottles(order) -> dict:
    values = complete_values(order)
    values["lines"][0]["quantity"] = "1200"
    return values


def _propose_more(order, actor, **kwargs):
    return amendments.amendment_propose(
        order_id=order.pk,
        actor=actor,
        version=kwargs.pop("version", order.version),
        values=_more_bottles(order),
        reason=kwargs.pop("reason", "Buyer needs more bottles"),
    )


def test_a_proposal_records_the_diff_against_the_agreed_terms_and_changes_no_term(agreed, seller):
    before = order_terms.canonical(order_terms.from_order(agreed))

    amendment = _propose_more(agreed, seller)

    fresh = _fresh(agreed)
    assert amendment.state == Amendment.State.OPEN
    assert (amendment.based_on_version, amendment.proposed_version) == (
        agreed.version,
        agreed.version + 1,
    )
    assert fresh.version == agreed.version + 1
    assert order_terms.canonical(order_terms.from_order(fresh)) == before
    quantity = [c for c in amendment.diff if c.get("field") == "quantity"]
    assert (quantity[0]["before"], quantity[0]["after"]) == ("1000", "1200")
    assert (amendment.previous_total, amendment.total) == (Decimal("5150"), Decimal("6110"))
    event = fresh.events.last()
    assert (event.type, event.data["reason"]) == (
        OrderEvent.Type.AMENDMENT_PROPOSED,
        "Buyer needs more bottles",
    )


def test_accepting_seals_the_proposed_terms_as_a_new_version(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)
    old_version, old_digest = agreed.agreed_version, agreed.agreed_digest

    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
    )

    fresh = _fresh(agreed)
    amendment.refresh_from_db()
    assert fresh.status == S.AWAITING_PAYMENT
    assert fresh.lines.get().quantity == 1200
    assert fresh.agreed_version == fresh.version == agreed.version + 2
    assert fresh.agreed_digest == amendment.digest != old_digest
    assert selectors.order_seal_check(fresh) is True
    assert (amendment.state, amendment.decided_by) == (Amendment.State.ACCEPTED, buyer)
    assert (amendment.previous_agreed_version, amendment.previous_digest) == (
        old_version,
        old_digest,
    )
    assert fresh.events.last().type == OrderEvent.Type.AMENDMENT_ACCEPTED
    assert fresh.revisions.get(version=fresh.version).digest == fresh.agreed_digest


def test_the_seal_an_accepted_amendment_replaced_stays_verifiable(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)
    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
    )
    amendment.refresh_from_db()

    [seal] = amendments.seals_replaced(_fresh(agreed))
    assert (seal["digest"], seal["valid"], seal["amendment"]) == (
        agreed.agreed_digest,
        True,
        amendment,
    )
    old = agreed.revisions.get(version=amendment.previous_agreed_version)
    assert order_terms.digest(old.terms) == agreed.agreed_digest


def test_accepting_sends_order_amended_inside_the_transaction_with_the_previous_total(
    agreed, buyer, seller
):
    amendment = _propose_more(agreed, seller)
    received = []

    def receiver(sender, order, previous_total, **kwargs):
        from django.db import connection

        received.append(
            (
                sender,
                order.pk,
                previous_total,
                Order.objects.get(pk=order.pk).agreed_digest,
                connection.in_atomic_block,
            )
        )

    order_amended.connect(receiver)
    try:
        amendments.amendment_accept(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
        )
    finally:
        order_amended.disconnect(receiver)

    assert received == [(Order, agreed.pk, Decimal("5150.00"), amendment.digest, True)]


def test_a_receiver_failing_rolls_the_acceptance_back(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)
    before = snapshot(agreed)

    def receiver(**kwargs):
        raise RuntimeError("instalments could not be recomputed")

    order_amended.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            amendments.amendment_accept(
                order_id=agreed.pk,
                amendment_id=amendment.pk,
                actor=buyer,
                version=agreed.version + 1,
            )
    finally:
        order_amended.disconnect(receiver)

    after = snapshot(agreed)
    assert after["terms"] == before["terms"]
    assert after["agreed_digest"] == before["agreed_digest"]
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_rejecting_changes_no_term_and_closes_the_proposal(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)
    before = snapshot(agreed)
    signals = []
    order_amended.connect(lambda **kwargs: signals.append(kwargs), weak=False, dispatch_uid="t")
    try:
        amendments.amendment_reject(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
        )
    finally:
        order_amended.disconnect(dispatch_uid="t")

    after = snapshot(agreed)
    amendment.refresh_from_db()
    assert (after["terms"], after["agreed_digest"]) == (before["terms"], before["agreed_digest"])
    assert amendment.state == Amendment.State.REJECTED
    assert signals == []
    assert _fresh(agreed).events.last().type == OrderEvent.Type.AMENDMENT_REJECTED


def test_the_proposer_withdraws_and_may_then_propose_again(agreed, seller):
    amendment = _propose_more(agreed, seller)

    amendments.amendment_withdraw(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=seller, version=agreed.version + 1
    )
    again = _propose_more(_fresh(agreed), seller, reason="Second thoughts")

    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.WITHDRAWN
    assert again.state == Amendment.State.OPEN
    assert _fresh(agreed).events.filter(type=OrderEvent.Type.AMENDMENT_WITHDRAWN).count() == 1


def test_only_one_proposal_is_open_at_a_time(agreed, buyer, seller):
    _propose_more(agreed, seller)
    fresh = _fresh(agreed)

    with pytest.raises(InvalidTransition, match="already open"):
        _propose(fresh, buyer, incoterm="CIF")

    assert Amendment.objects.filter(order=agreed).count() == 1


def test_the_database_refuses_a_second_open_proposal(agreed, seller):
    from django.db import IntegrityError

    amendment = _propose_more(agreed, seller)
    amendment.pk = None

    with pytest.raises(IntegrityError):
        amendment.save()


def test_the_proposer_cannot_accept_or_reject_its_own_amendment(agreed, seller):
    amendment = _propose_more(agreed, seller)
    version = agreed.version + 1

    for answer in (amendments.amendment_accept, amendments.amendment_reject):
        with pytest.raises(NotAllowed):
            answer(order_id=agreed.pk, amendment_id=amendment.pk, actor=seller, version=version)

    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_the_other_side_cannot_withdraw_an_amendment(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)

    with pytest.raises(NotAllowed):
        amendments.amendment_withdraw(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
        )


def test_a_proposal_based_on_a_stale_version_is_refused(agreed, seller):
    with pytest.raises(StaleVersion):
        _propose_more(agreed, seller, version=agreed.version - 1)

    assert not Amendment.objects.exists()


def test_an_answer_based_on_a_stale_order_version_is_refused_and_changes_nothing(
    agreed, buyer, seller
):
    amendment = _propose_more(agreed, seller)
    # Something else moved the order on after the buyer loaded the proposal.
    pay_received(agreed, buyer, seller, "1545.00")
    before = snapshot(agreed)

    for answer in (amendments.amendment_accept, amendments.amendment_reject):
        with pytest.raises(StaleVersion):
            answer(
                order_id=agreed.pk,
                amendment_id=amendment.pk,
                actor=buyer,
                version=agreed.version + 1,
            )

    assert snapshot(agreed) == before
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_an_answer_to_a_proposal_no_longer_open_is_refused(agreed, buyer, seller):
    amendment = _propose_more(agreed, seller)
    amendments.amendment_withdraw(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=seller, version=agreed.version + 1
    )

    with pytest.raises(InvalidTransition, match=r"no longer open \(Withdrawn\)"):
        amendments.amendment_accept(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 2
        )

    assert _fresh(agreed).agreed_digest == agreed.agreed_digest


def test_outsiders_get_not_found(agreed, seller, other_buyer, other_seller):
    amendment = _propose_more(agreed, seller)
    version = agreed.version + 1

    for outsider in (other_buyer, other_seller):
        with pytest.raises(NotFound):
            _propose_more(agreed, outsider, version=version)
        with pytest.raises(NotFound):
            amendments.amendment_accept(
                order_id=agreed.pk, amendment_id=amendment.pk, actor=outsider, version=version
            )
        with pytest.raises(NotFound):
            amendments.amendments_for_user(user=outsider, order_id=agreed.pk)


def test_staff_cannot_propose_or_answer(agreed, seller, staff):
    amendment = _propose_more(agreed, seller)

    with pytest.raises(NotAllowed):
        amendments.amendment_accept(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=staff, version=agreed.version + 1
        )


def test_an_amendment_of_another_order_is_not_found(agreed, buyer, seller, product):
    other = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)
    amendment = _propose_more(other, seller)

    with pytest.raises(NotFound):
        amendments.amendment_accept(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version
        )


@pytest.mark.parametrize("state", [S.SELLER_CONFIRMED, S.CANCELLED])
def test_an_order_not_agreed_or_closed_cannot_be_amended(buyer, seller, product, state):
    order = make_order(buyer=buyer, seller=seller, status=state, product=product)

    with pytest.raises(InvalidTransition):
        _propose_more(order, seller)


def test_a_proposal_needs_a_reason(agreed, seller):
    with pytest.raises(ValidationFailed) as exc:
        _propose_more(agreed, seller, reason="  ")

    assert "reason" in exc.value.errors


def test_a_proposal_that_changes_nothing_is_refused(agreed, seller):
    with pytest.raises(ValidationFailed) as exc:
        _propose(agreed, seller, incoterm="FOB")

    assert "non_field_errors" in exc.value.errors


def test_a_proposal_with_a_bad_value_gets_a_field_error_and_changes_nothing(agreed, seller):
    before = snapshot(agreed)
    values = _more_bottles(agreed)
    values["lines"][0]["quantity"] = "-3"

    with pytest.raises(ValidationFailed) as exc:
        amendments.amendment_propose(
            order_id=agreed.pk, actor=seller, version=agreed.version, values=values, reason="x"
        )

    assert "quantity" in exc.value.errors["lines"][0]
    assert snapshot(agreed) == before


def test_a_proposal_cannot_change_the_currency(agreed, seller):
    with pytest.raises(ValidationFailed) as exc:
        _propose(agreed, seller, currency="EUR")

    assert "currency" in exc.value.errors


def test_a_line_can_be_added_and_removed_by_amendment(agreed, buyer, seller):
    values = complete_values(agreed)
    values["lines"].append(
        {"name": "Spare lids", "quantity": "200", "unit": "piece", "unit_price": "0.40"}
    )
    amendment = amendments.amendment_propose(
        order_id=agreed.pk, actor=buyer, version=agreed.version, values=values, reason="Lids"
    )
    assert [c["change"] for c in amendment.diff if c["field"] == "line"] == ["added"]
    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=seller, version=agreed.version + 1
    )
    fresh = _fresh(agreed)
    assert fresh.lines.count() == 2

    values = complete_values(fresh)
    removal = amendments.amendment_propose(
        order_id=fresh.pk, actor=seller, version=fresh.version, values=values, reason="No lids"
    )

    assert [c["change"] for c in removal.diff if c["field"] == "line"] == ["removed"]


def test_amendment_actions_follow_the_sides(agreed, buyer, seller):
    assert amendments.amendment_actions(agreed, "buyer", None) == {"propose_amendment"}
    amendment = _propose_more(agreed, seller)
    fresh = _fresh(agreed)

    assert amendments.amendment_actions(fresh, "seller", amendment) == {"withdraw_amendment"}
    assert amendments.amendment_actions(fresh, "buyer", amendment) == {
        "accept_amendment",
        "reject_amendment",
    }
    assert amendments.amendment_actions(fresh, None, amendment) == set()


def test_a_colleague_of_the_other_side_may_accept(agreed, buyer, seller):
    colleague = BuyerFactory(company=buyer.company)
    amendment = _propose_more(agreed, seller)

    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=colleague, version=agreed.version + 1
    )

    assert Amendment.objects.get(pk=amendment.pk).decided_by == colleague


def test_each_step_posts_a_chat_line_and_notifies_the_other_side(
    agreed, buyer, seller, django_capture_on_commit_callbacks
):
    from chat.models import Message
    from notifications.models import Kind, Notification

    with django_capture_on_commit_callbacks(execute=True):
        amendment = _propose_more(agreed, seller)
    with django_capture_on_commit_callbacks(execute=True):
        amendments.amendment_accept(
            order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
        )

    lines = list(
        Message.objects.filter(negotiation=agreed.negotiation, kind=Message.Kind.SYSTEM)
        .order_by("-seq")
        .values_list("body", flat=True)[:2]
    )
    assert lines[1] == (
        "Seller proposed an amendment (quantity), waiting for the buyer. "
        "Reason: Buyer needs more bottles"
    )
    assert lines[0].startswith("Buyer accepted the amendment (quantity): version")
    # (Both sides are also sent the new contract PDF, as an "order confirmed" notification.)
    to_buyer = Notification.objects.filter(user=buyer, kind=Kind.ORDER_MODIFIED).latest("pk")
    to_seller = Notification.objects.filter(user=seller, kind=Kind.ORDER_MODIFIED).latest("pk")
    assert to_buyer.title == f"The seller proposes an amendment of {agreed.number}"
    assert "Reason: Buyer needs more bottles" in to_buyer.body
    assert to_seller.title == f"The buyer accepted the amendment of {agreed.number}"


def test_an_amendment_to_bank_transfer_is_refused_while_the_seller_has_no_bank_details(
    buyer, other_seller
):
    order = make_order(
        buyer=buyer,
        seller=other_seller,
        status=S.AWAITING_PAYMENT,
        terms={"payment_method": "card"},
    )
    amendment = _propose(order, buyer, payment_method="tt", reason="We pay by transfer")
    order = _fresh(order)

    with pytest.raises(ValidationFailed) as refused:
        amendments.amendment_accept(
            order_id=order.pk, amendment_id=amendment.pk, actor=other_seller, version=order.version
        )

    assert refused.value.errors["code"] == "bank_details_missing"
    assert _fresh(order).payment_method == "card"
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_an_open_amendment_lapses_when_the_order_is_cancelled(agreed, buyer, seller):
    order = make_overdue(agreed)
    amendment = _propose_more(order, buyer)

    payment_services.order_cancel_for_non_payment(
        order_id=order.pk, actor=seller, version=_fresh(order).version, reason="Not paid"
    )

    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.LAPSED
    assert amendments.open_amendment(_fresh(order)) is None


def test_a_lapsed_amendment_can_no_longer_be_accepted(agreed, buyer, seller):
    order = make_overdue(agreed)
    amendment = _propose_more(order, buyer)
    payment_services.order_cancel_for_non_payment(
        order_id=order.pk, actor=seller, version=_fresh(order).version, reason="Not paid"
    )

    with pytest.raises(InvalidTransition):
        amendments.amendment_accept(
            order_id=order.pk,
            amendment_id=amendment.pk,
            actor=seller,
            version=_fresh(order).version,
        )


def test_decided_amendments_stay_as_they_were_when_the_order_is_cancelled(agreed, buyer, seller):
    order = make_overdue(agreed)
    rejected = _propose_more(order, buyer)
    amendments.amendment_reject(
        order_id=order.pk, amendment_id=rejected.pk, actor=seller, version=_fresh(order).version
    )

    payment_services.order_cancel_for_non_payment(
        order_id=order.pk, actor=seller, version=_fresh(order).version, reason="Not paid"
    )

    rejected.refresh_from_db()
    assert rejected.state == Amendment.State.REJECTED
