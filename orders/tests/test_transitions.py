"""Every action x state x actor: allowed ones reach their target, forbidden ones change nothing."""

import pytest

from common.errors import InvalidTransition, NotAllowed, NotFound
from orders import services
from orders import terms as order_terms
from orders.models import Order, OrderEvent, OrderStatus
from orders.tests.factories import complete_values, make_order, snapshot

S = OrderStatus
ACTIONS = ("confirm", "modify", "cancel")
STATES = (
    S.DRAFT,
    S.SELLER_CONFIRMED,
    S.BUYER_CONFIRMED,
    S.AWAITING_PAYMENT,
    S.READY_TO_SHIP,
    S.CANCELLED,
)
ACTORS = ("buyer", "seller", "other_buyer", "other_seller", "staff")
PARTIES = ("buyer", "seller")

# (action, state) -> {actor: target state}; everything not listed is forbidden.
ALLOWED = {
    ("confirm", S.DRAFT): {"seller": S.SELLER_CONFIRMED},
    ("confirm", S.SELLER_CONFIRMED): {"buyer": S.AWAITING_PAYMENT},
    ("confirm", S.BUYER_CONFIRMED): {"seller": S.AWAITING_PAYMENT},
    ("modify", S.DRAFT): {"seller": S.DRAFT},
    ("modify", S.SELLER_CONFIRMED): {"buyer": S.BUYER_CONFIRMED, "seller": S.SELLER_CONFIRMED},
    ("modify", S.BUYER_CONFIRMED): {"seller": S.SELLER_CONFIRMED, "buyer": S.BUYER_CONFIRMED},
    ("cancel", S.DRAFT): {"seller": S.CANCELLED},
    ("cancel", S.SELLER_CONFIRMED): {"buyer": S.CANCELLED, "seller": S.CANCELLED},
    ("cancel", S.BUYER_CONFIRMED): {"buyer": S.CANCELLED, "seller": S.CANCELLED},
}
# The fulfilment actions open in these states (shipments/tests cover where they lead).
FULFILMENT_ALLOWED = {(S.READY_TO_SHIP, "seller"): {"ship", "ship_rest"}}


def _expected_error(action: str, state: str, actor: str) -> type[Exception]:
    if actor in ("other_buyer", "other_seller"):
        return NotFound
    if actor == "buyer" and state == S.DRAFT:
        return NotFound  # the buyer does not see the seller's draft
    if actor == "staff":
        return NotAllowed  # staff see every order but act for neither side
    if state in (S.AWAITING_PAYMENT, S.READY_TO_SHIP, S.CANCELLED):
        return InvalidTransition
    return NotAllowed  # the waiting side confirming its own confirmation


ALLOWED_CASES = [
    pytest.param(action, state, actor, target, id=f"{action}-{state}-by_{actor}")
    for (action, state), targets in ALLOWED.items()
    for actor, target in targets.items()
]
FORBIDDEN_CASES = [
    pytest.param(
        action,
        state,
        actor,
        _expected_error(action, state, actor),
        id=f"{action}-{state}-by_{actor}-{_expected_error(action, state, actor).__name__}",
    )
    for action in ACTIONS
    for state in STATES
    for actor in ACTORS
    if actor not in ALLOWED.get((action, state), {})
]


@pytest.fixture
def order_in(buyer, seller, product):
    return lambda state: make_order(buyer=buyer, seller=seller, status=state, product=product)


def _act(action: str, order: Order, user, version: int | None = None) -> Order:
    version = order.version if version is None else version
    if action == "confirm":
        return services.order_confirm(order_id=order.pk, actor=user, version=version)
    if action == "modify":
        values = complete_values(order, shipping_fee="320.00", incoterm="CIF")
        return services.order_modify(order_id=order.pk, actor=user, version=version, values=values)
    return services.order_cancel(
        order_id=order.pk, actor=user, version=version, reason="Prices went up"
    )


EVENT_TYPES = {
    ("confirm", S.SELLER_CONFIRMED): OrderEvent.Type.CONFIRMED,
    ("confirm", S.AWAITING_PAYMENT): OrderEvent.Type.AGREED,
    ("modify", S.DRAFT): OrderEvent.Type.DRAFT_SAVED,
    ("modify", S.SELLER_CONFIRMED): OrderEvent.Type.MODIFIED,
    ("modify", S.BUYER_CONFIRMED): OrderEvent.Type.MODIFIED,
    ("cancel", S.CANCELLED): OrderEvent.Type.CANCELLED,
}


def test_the_matrix_covers_every_action_state_and_actor():
    assert len(ALLOWED_CASES) + len(FORBIDDEN_CASES) == len(ACTIONS) * len(STATES) * len(ACTORS)


@pytest.mark.parametrize(("action", "state", "actor", "target"), ALLOWED_CASES)
def test_allowed_action_moves_the_order_to_its_target_state(
    request, order_in, action, state, actor, target
):
    order = order_in(state)

    _act(action, order, request.getfixturevalue(actor))

    assert Order.objects.get(pk=order.pk).status == target


@pytest.mark.parametrize(("action", "state", "actor", "target"), ALLOWED_CASES)
def test_allowed_action_bumps_the_version_by_one(request, order_in, action, state, actor, target):
    order = order_in(state)

    returned = _act(action, order, request.getfixturevalue(actor))

    assert Order.objects.get(pk=order.pk).version == order.version + 1
    assert returned.version == order.version + 1


@pytest.mark.parametrize(("action", "state", "actor", "target"), ALLOWED_CASES)
def test_allowed_action_records_an_event_with_type_actor_side_and_new_version(
    request, order_in, action, state, actor, target
):
    order = order_in(state)
    user = request.getfixturevalue(actor)

    _act(action, order, user)

    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert (event.type, event.actor, event.actor_side, event.version, event.status) == (
        EVENT_TYPES[action, target],
        user,
        actor,
        order.version + 1,
        target,
    )


@pytest.mark.parametrize(("action", "state", "actor", "target"), ALLOWED_CASES)
def test_allowed_action_records_exactly_one_event(request, order_in, action, state, actor, target):
    order = order_in(state)
    before = order.events.count()

    _act(action, order, request.getfixturevalue(actor))

    assert order.events.count() == before + 1


REVISED_CASES = [
    case for case in ALLOWED_CASES if case.values[0] != "cancel" and case.values[3] != S.DRAFT
]
UNREVISED_CASES = [case for case in ALLOWED_CASES if case not in REVISED_CASES]


@pytest.mark.parametrize(("action", "state", "actor", "target"), REVISED_CASES)
def test_confirm_and_modify_outside_draft_record_the_new_version_as_a_revision(
    request, order_in, action, state, actor, target
):
    order = order_in(state)
    user = request.getfixturevalue(actor)

    _act(action, order, user)

    fresh = Order.objects.prefetch_related("lines").get(pk=order.pk)
    revision = fresh.revisions.get(version=fresh.version)
    document = order_terms.canonical(order_terms.from_order(fresh))
    assert (revision.author, revision.author_side) == (user, actor)
    assert revision.terms == document
    assert revision.digest == order_terms.digest(document)


@pytest.mark.parametrize(("action", "state", "actor", "target"), UNREVISED_CASES)
def test_cancel_and_draft_saves_record_no_revision(request, order_in, action, state, actor, target):
    order = order_in(state)
    before = list(order.revisions.values_list("pk", flat=True))

    _act(action, order, request.getfixturevalue(actor))

    assert list(order.revisions.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(("action", "state", "actor", "error"), FORBIDDEN_CASES)
def test_forbidden_action_raises_the_expected_error(request, order_in, action, state, actor, error):
    order = order_in(state)

    with pytest.raises(error):
        _act(action, order, request.getfixturevalue(actor))


@pytest.mark.parametrize(("action", "state", "actor", "error"), FORBIDDEN_CASES)
def test_forbidden_action_changes_nothing(request, order_in, action, state, actor, error):
    order = order_in(state)
    before = snapshot(order)

    with pytest.raises(error):
        _act(action, order, request.getfixturevalue(actor))

    assert snapshot(order) == before


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("side", PARTIES)
def test_allowed_actions_agree_with_the_matrix(buyer, seller, product, state, side):
    order = make_order(buyer=buyer, seller=seller, status=state, product=product)

    expected = {action for action in ACTIONS if side in ALLOWED.get((action, state), {})}
    expected |= FULFILMENT_ALLOWED.get((state, side), set())

    assert services.allowed_actions(order, side) == expected
