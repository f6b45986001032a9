"""Amendment by consent (issue 13 point 6): writes and reads of ``Amendment``.

After agreement (awaiting_payment .. delivered) either side proposes new terms with a reason;
the other side accepts or rejects them, the proposer may withdraw them. At most one proposal is
open per order (a partial unique constraint). Every step is a self-loop of the order state
machine (``orders.services.TRANSITIONS``), so it is one conditional UPDATE on the order's id,
state and the version the actor saw, bumping the version: an answer to a proposal the actor saw
at another version, or racing a payment or a cancel, is refused with StaleVersion and changes
nothing.

Accepted, the proposed terms become the order's new sealed version: a new revision, a new
``agreed_version`` and ``agreed_digest``; the seal it replaces stays on the amendment and its
revision still hashes to it (``seals_replaced``).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from orders import selectors, services
from orders import terms as order_terms
from orders.agreed_rates import agreed_rates_record
from orders.models import Amendment, Order, OrderEvent, Revision
from orders.signals import order_amended

MAX_REASON = 1000

# Rules other apps add about what an amendment may change (shipments: not below what was
# shipped); each is called as check(order=, terms=) with the proposed terms, on proposal and
# again on acceptance, and raises ValidationFailed to refuse.
AMENDMENT_CHECKS: list = []


def amendment_check_register(check) -> None:
    if check not in AMENDMENT_CHECKS:
        AMENDMENT_CHECKS.append(check)


def _check_amendment(order: Order, terms: dict) -> None:
    for check in AMENDMENT_CHECKS:
        check(order=order, terms=terms)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the terms should change.")]})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": [_("At most 1,000 characters.")]})
    return reason


def _total(document: dict) -> Decimal:
    return Decimal(document["totals"]["total"] or 0)


@transaction.atomic
def amendment_propose(
    *, order_id: int, actor, version: int, values: dict, reason: str
) -> Amendment:
    """One side proposes new terms for the agreed order, based on ``version``.

    awaiting_payment .. delivered -> the same state (either side). ``values`` are checked as a
    modification is (fields left out keep their value; ``lines`` replaces all lines); the
    proposed terms must be complete, differ from the agreed ones and keep the currency (what
    was already paid is in it). Refused while another proposal is open.
    """
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = services._side(actor, order)
    services._check_version(order, version)
    target = services._target(order, "propose_amendment", side)
    if Amendment.objects.filter(order=order, state=Amendment.State.OPEN).exists():
        raise InvalidTransition(
            _("An amendment is already open on this order: it must be answered or withdrawn first.")
        )
    reason = _clean_reason(reason)
    current = order_terms.from_order(order)
    terms, changes = order_terms.apply_values(current, values)
    if terms["currency"] != current["currency"]:
        raise ValidationFailed(
            {"currency": [_("The currency of an agreed order cannot change.")]},
        )
    if not changes:
        raise ValidationFailed(
            {"non_field_errors": [_("Change at least one term to propose an amendment.")]},
        )
    services._check_products(terms["lines"], order.negotiation.seller_company_id)
    services._require_complete(terms)
    _check_amendment(order, terms)
    before = order_terms.canonical(current)
    document = order_terms.canonical(terms)
    now = timezone.now()
    order = services._apply(order, version=version, target=target, now=now)
    try:
        # A savepoint: the partial unique constraint is the last word on "one open at a time".
        with transaction.atomic():
            amendment = Amendment.objects.create(
                order=order,
                proposed_by=actor,
                side=side,
                based_on_version=version,
                proposed_version=order.version,
                terms=document,
                digest=order_terms.digest(document),
                reason=reason,
                diff=changes,
                total=_total(document),
                previous_total=_total(before),
                currency=document["totals"]["currency"],
            )
    except IntegrityError:
        raise InvalidTransition(_("An amendment is already open on this order.")) from None
    services._record(
        order,
        type=OrderEvent.Type.AMENDMENT_PROPOSED,
        actor=actor,
        side=side,
        data=_event_data(amendment),
        now=now,
    )
    return amendment


def _event_data(amendment: Amendment) -> dict:
    return {
        "amendment": amendment.pk,
        "changed": order_terms.changed_field_labels(amendment.diff),
        "reason": amendment.reason,
    }


def _open_amendment(*, order_id: int, amendment_id: int, actor, version: int, action: str):
    """The order (access-checked), the actor's side and the open amendment to act on."""
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = services._side(actor, order)
    amendment = Amendment.objects.filter(pk=amendment_id, order=order).first()
    if amendment is None:
        raise NotFound(_("No such amendment."))
    services._check_version(order, version)
    target = services._target(order, action, side)
    if amendment.state != Amendment.State.OPEN:
        raise InvalidTransition(
            _("This amendment is no longer open (%(state)s).")
            % {"state": amendment.get_state_display()},
            details={"current_status": order.status, "current_version": order.version},
        )
    proposer = action == "withdraw_amendment"
    if (side == amendment.side) != proposer:
        raise NotAllowed(
            _("Only the side that proposed an amendment may withdraw it.")
            if proposer
            else _("The other side answers an amendment, not the side that proposed it.")
        )
    return order, side, target, amendment


def _decide(amendment: Amendment, *, state: str, actor, now, **fields) -> None:
    # The order row was updated first in this transaction, so it is locked: nobody else can
    # be deciding this amendment; the state filter still refuses a second decision.
    changed = Amendment.objects.filter(pk=amendment.pk, state=Amendment.State.OPEN).update(
        state=state, decided_by=actor, decided_at=now, **fields
    )
    if not changed:
        raise InvalidTransition(_("This amendment was already answered."))
    amendment.state, amendment.decided_by, amendment.decided_at = state, actor, now
    for name, value in fields.items():
        setattr(amendment, name, value)


@transaction.atomic
def amendment_accept(*, order_id: int, amendment_id: int, actor, version: int) -> Amendment:
    """The other side accepts the open amendment, having seen the order at ``version``.

    awaiting_payment .. delivered -> the same state. The proposed terms become the order's
    terms and its new seal (a new revision, ``agreed_version`` and ``agreed_digest``);
    ``orders.signals.order_amended`` is sent in this transaction once the order holds them.
    """
    order, side, target, amendment = _open_amendment(
        order_id=order_id,
        amendment_id=amendment_id,
        actor=actor,
        version=version,
        action="accept_amendment",
    )
    terms = order_terms.clean(order_terms.from_document(amendment.terms))
    # The amended terms are agreed terms: the same checks as an agreement (T/T needs the
    # seller's bank details on file).
    services._check_agreement(order, terms, side)
    # Goods may have been shipped since the proposal.
    _check_amendment(order, terms)
    previous_total = order_terms.totals(order_terms.from_order(order)).total
    previous = {"version": order.agreed_version, "digest": order.agreed_digest}
    digest = order_terms.digest(order_terms.canonical(terms))
    now = timezone.now()
    order = services._apply(
        order,
        version=version,
        target=target,
        now=now,
        agreed_version=version + 1,
        agreed_digest=digest,
        **services._order_fields(terms),
    )
    services._save_terms(order, terms)
    services._snapshot(order, author=actor, side=side, terms=terms)
    _decide(
        amendment,
        state=Amendment.State.ACCEPTED,
        actor=actor,
        now=now,
        previous_agreed_version=previous["version"],
        previous_digest=previous["digest"],
        agreed_version=order.agreed_version,
    )
    data = {**_event_data(amendment), "previous_digest": previous["digest"], "digest": digest}
    services._record(
        order, type=OrderEvent.Type.AMENDMENT_ACCEPTED, actor=actor, side=side, data=data, now=now
    )
    agreed_rates_record(order=order)
    order_amended.send(sender=Order, order=order, previous_total=previous_total)
    return amendment


@transaction.atomic
def amendment_reject(*, order_id: int, amendment_id: int, actor, version: int) -> Amendment:
    """The other side rejects the open amendment: the terms stay as agreed.

    awaiting_payment .. delivered -> the same state.
    """
    return _close(
        order_id=order_id,
        amendment_id=amendment_id,
        actor=actor,
        version=version,
        action="reject_amendment",
        state=Amendment.State.REJECTED,
        event=OrderEvent.Type.AMENDMENT_REJECTED,
    )


@transaction.atomic
def amendment_withdraw(*, order_id: int, amendment_id: int, actor, version: int) -> Amendment:
    """The proposing side withdraws its open amendment: the terms stay as agreed.

    awaiting_payment .. delivered -> the same state.
    """
    return _close(
        order_id=order_id,
        amendment_id=amendment_id,
        actor=actor,
        version=version,
        action="withdraw_amendment",
        state=Amendment.State.WITHDRAWN,
        event=OrderEvent.Type.AMENDMENT_WITHDRAWN,
    )


def _close(*, order_id, amendment_id, actor, version, action, state, event) -> Amendment:
    order, side, target, amendment = _open_amendment(
        order_id=order_id, amendment_id=amendment_id, actor=actor, version=version, action=action
    )
    now = timezone.now()
    order = services._apply(order, version=version, target=target, now=now)
    _decide(amendment, state=state, actor=actor, now=now)
    services._record(
        order, type=event, actor=actor, side=side, data=_event_data(amendment), now=now
    )
    return amendment


# --- Reads ----------------------------------------------------------------------------------


def amendments_for_user(*, user, order_id: int) -> QuerySet[Amendment]:
    """The order's amendments, oldest first; NotFound for anyone who may not see the order."""
    return selectors.proposals_for_user(user=user, order_id=order_id, relation="amendments")


def amendment_get_for_user(*, user, order_id: int, amendment_id: int) -> Amendment:
    return selectors.proposal_get_for_user(
        user=user,
        order_id=order_id,
        relation="amendments",
        pk=amendment_id,
        missing=_("No such amendment."),
    )


def open_amendment(order: Order) -> Amendment | None:
    """The order's open proposal, if any (for an order the caller already may see)."""
    return order.amendments.select_related("proposed_by").filter(state=Amendment.State.OPEN).first()


def amendment_actions(order: Order, side: str | None, amendment: Amendment | None) -> set[str]:
    """What ``side`` may do about amendments now: propose (none open), or answer or withdraw
    the open one; by the same table and rules the services apply."""
    sources = services.TRANSITIONS["propose_amendment"].get(order.status, {})
    if side not in sources:
        return set()
    if amendment is None or amendment.state != Amendment.State.OPEN:
        return {"propose_amendment"}
    if side == amendment.side:
        return {"withdraw_amendment"}
    return {"accept_amendment", "reject_amendment"}


def seals_replaced(order: Order) -> list[dict]:
    """The seals accepted amendments replaced, oldest first, each checked against its revision
    (two queries however many): ``version`` (the number people see), ``digest``, ``valid``,
    and the ``amendment`` that replaced it."""
    accepted = list(
        order.amendments.filter(state=Amendment.State.ACCEPTED)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
    revisions = {
        r.version: r
        for r in Revision.objects.filter(
            order=order, version__in=[a.previous_agreed_version for a in accepted]
        )
    }
    seals = []
    for amendment in accepted:
        revision = revisions.get(amendment.previous_agreed_version)
        seals.append(
            {
                "version": revision.terms_version if revision else None,
                "digest": amendment.previous_digest,
                "valid": revision is not None
                and order_terms.digest(revision.terms) == amendment.previous_digest,
                "amendment": amendment,
            }
        )
    return seals
