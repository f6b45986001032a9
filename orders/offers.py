"""Offers in the chat (issue 14 point 1): writes and reads of ``Offer``.

While the letter of intent is negotiated (a state where the other side may modify it), a party
offers some of the terms (a line's unit price or quantity, packaging, delivery, Incoterm,
payment terms ...) with an optional note. The other side accepts it in one click: the order is
modified with exactly those values, based on the version the offer was made against, through
``orders.services.order_modify`` (the normal state machine: the result is the acceptor's
unilateral confirmation). If the order moved on since, the accept is refused as stale and the
offer says so. The proposer may withdraw it, a new offer from the same side supersedes it, the
other side may decline it with a note. Validation is the modification's
(``services.order_modify_check``), never a copy; every step is an order event (the timeline
and the chat show it).

Offers do not move the order's version: an open offer does not make the other side's pending
edits stale. Each step locks the order row, so it is ordered with modifications, and is one
conditional UPDATE on the offer's state.
"""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import selectors, services
from orders import terms as order_terms
from orders.models import Offer, Order, OrderEvent

MAX_NOTE = 1000
# What an offer may change of a line (by its key); the module fields are all of
# ``orders.terms.ORDER_FIELDS``, as a modification takes them.
LINE_FIELDS = ("quantity", "unit_price")


def _other(side: str) -> str:
    return "buyer" if side == "seller" else "seller"


def _clean_note(note, field: str = "note") -> str:
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise ValidationFailed({field: [_("Send the note as text.")]})
    note = note.strip()
    if "\x00" in note:
        raise ValidationFailed({field: [_("Null characters are not allowed.")]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({field: [_("At most 1,000 characters.")]})
    return note


def _merged(current: dict, values: dict) -> tuple[dict, list[str]]:
    """The offered subset as ``order_modify`` values (``lines`` complete, the offered line
    fields applied by key), and the keys of the offered lines in the offer's order.

    Refuses, field by field, what is not a term an offer may change."""
    errors: dict = {}
    unknown = set(values) - set(order_terms.ORDER_FIELDS) - {"lines"}
    for name in sorted(unknown):
        errors[name] = [_("Not a term of the letter of intent.")]
    merged = {name: values[name] for name in order_terms.ORDER_FIELDS if name in values}
    raw_lines = values.get("lines") or []
    keys: list[str] = []
    if not isinstance(raw_lines, list):
        errors["lines"] = [_("Expected a list of lines.")]
        raw_lines = []
    lines = {str(line["key"]): dict(line) for line in current["lines"]}
    line_errors = []
    for raw in raw_lines:
        error: dict = {}
        key = str(raw.get("key") or "") if isinstance(raw, dict) else ""
        if not isinstance(raw, dict):
            error["non_field_errors"] = [_("Expected an object.")]
        elif key not in lines:
            error["key"] = [_("No such line in this order.")]
        elif key in keys:
            error["key"] = [_("Two lines have the same key.")]
        else:
            extra = set(raw) - {"key", *LINE_FIELDS}
            for name in sorted(extra):
                error[name] = [_("An offer changes a line's quantity or unit price only.")]
            offered = {name: raw[name] for name in LINE_FIELDS if name in raw}
            if not offered and not extra:
                error["non_field_errors"] = [_("Offer a quantity or a unit price.")]
            lines[key].update(offered)
        keys.append(key)
        line_errors.append(error)
    if any(line_errors):
        errors["lines"] = line_errors
    if errors:
        raise ValidationFailed(errors)
    if keys:
        merged["lines"] = list(lines.values())
    return merged, keys


def _offer_errors(errors: dict, current: dict, keys: list[str]) -> dict:
    """Errors of the whole modification, with line errors renumbered as the offer's lines."""
    if not isinstance(errors.get("lines"), list):
        return errors
    by_key = dict(
        zip((str(line["key"]) for line in current["lines"]), errors["lines"], strict=False)
    )
    return {**errors, "lines": [by_key.get(key) or {} for key in keys]}


def _typed_subset(terms: dict, values: dict, keys: list[str]) -> dict:
    """The offered values as cleaned JSON (what is stored and applied on accept)."""
    document = order_terms.canonical(terms)
    flat = {name: v for module in order_terms.MODULE_FIELDS for name, v in document[module].items()}
    subset = {name: flat.get(name) for name in order_terms.ORDER_FIELDS if name in values}
    if keys:
        lines = {line["key"]: line for line in document["product"]["lines"]}
        offered = {str(line["key"]): line for line in values.get("lines") or []}
        subset["lines"] = [
            {"key": key, **{name: lines[key][name] for name in LINE_FIELDS if name in offered[key]}}
            for key in keys
        ]
    return subset


def _lock(order: Order) -> dict:
    """Takes the order row's lock: offer steps queue behind modifications and each other.
    Returns the order's current version and status."""
    return Order.objects.select_for_update().values("version", "status").get(pk=order.pk)


@transaction.atomic
def offer_make(*, order_id: int, actor, version: int, values: dict, note: str = "") -> Offer:
    """A party offers ``values`` (some terms) against the order at ``version``.

    seller_confirmed / buyer_confirmed (where the other side may modify the order); no change
    of state or version. ``values`` are checked as the other side's modification would check
    them (complete terms, products of this seller, field types and ranges) and must change
    something. The side's previous open offer is superseded.
    """
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = services._side(actor, order)
    if not isinstance(values, dict):
        raise ValidationFailed({"non_field_errors": [_("Send the terms as an object.")]})
    note = _clean_note(note)
    services._check_version(order, version)
    current = order_terms.from_order(order)
    merged, keys = _merged(current, values)
    try:
        _target, terms, changes = services.order_modify_check(
            order=order, side=_other(side), values=merged
        )
    except (NotAllowed, InvalidTransition):
        raise InvalidTransition(
            _("Offers are made while the letter of intent is negotiated."),
            details={"current_status": order.status, "current_version": order.version},
        ) from None
    except ValidationFailed as exc:
        raise ValidationFailed(_offer_errors(exc.errors, current, keys), exc.message) from None
    if not changes:
        raise ValidationFailed(
            {"non_field_errors": [_("Change at least one term to make an offer.")]}
        )
    current_row = _lock(order)
    if current_row["version"] != version:
        raise services._stale(**current_row)
    now = timezone.now()
    superseded = list(
        Offer.objects.filter(order=order, side=side, state=Offer.State.OPEN).values_list(
            "pk", flat=True
        )
    )
    Offer.objects.filter(pk__in=superseded, state=Offer.State.OPEN).update(
        state=Offer.State.SUPERSEDED, decided_by=actor, decided_at=now
    )
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                order=order,
                proposed_by=actor,
                side=side,
                base_version=version,
                base_terms_version=order.terms_version,
                values=_typed_subset(terms, values, keys),
                diff=changes,
                currency=terms["currency"] or "",
                note=note,
            )
    except IntegrityError:
        raise InvalidTransition(_("Your side made another offer just now.")) from None
    data = {**_event_data(offer), "superseded": superseded}
    services._record(
        order, type=OrderEvent.Type.OFFER_MADE, actor=actor, side=side, data=data, now=now
    )
    return offer


def _event_data(offer: Offer) -> dict:
    return {
        "offer": offer.pk,
        "changed": order_terms.changed_field_labels(offer.diff),
        "reason": offer.note or offer.decline_note,
    }


def _open_offer(*, order_id: int, offer_id: int, actor, proposer: bool):
    """The order (access-checked and locked), the actor's side and the open offer."""
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = services._side(actor, order)
    _lock(order)
    offer = Offer.objects.filter(pk=offer_id, order=order).first()
    if offer is None:
        raise NotFound(_("No such offer."))
    if offer.state != Offer.State.OPEN:
        raise InvalidTransition(
            _("This offer is no longer open (%(state)s).") % {"state": offer.get_state_display()},
            details={"current_status": order.status, "current_version": order.version},
        )
    if (side == offer.side) != proposer:
        raise NotAllowed(
            _("Only the side that made an offer may withdraw it.")
            if proposer
            else _("The other side answers an offer, not the side that made it.")
        )
    return order, side, offer


def _decide(offer: Offer, *, state: str, actor, now, **fields) -> None:
    changed = Offer.objects.filter(pk=offer.pk, state=Offer.State.OPEN).update(
        state=state, decided_by=actor, decided_at=now, **fields
    )
    if not changed:
        raise InvalidTransition(_("This offer was already answered."))
    offer.state, offer.decided_by, offer.decided_at = state, actor, now
    for name, value in fields.items():
        setattr(offer, name, value)


def offer_apply_values(offer: Offer, order: Order) -> dict:
    """The offer as ``order_modify`` values against the order's current terms."""
    current = order_terms.from_order(order)
    values = {name: v for name, v in offer.values.items() if name != "lines"}
    if offer.values.get("lines"):
        offered = {line["key"]: line for line in offer.values["lines"]}
        values["lines"] = [
            {**line, **{k: v for k, v in offered.get(str(line["key"]), {}).items() if k != "key"}}
            for line in current["lines"]
        ]
    return values


def offer_accept(*, order_id: int, offer_id: int, actor) -> Offer:
    """The other side accepts the open offer: the order is modified with exactly its values,
    based on the offer's base version (seller_confirmed / buyer_confirmed -> the acceptor's
    confirmation, by ``order_modify``). If the order moved on since, the offer becomes stale,
    that is recorded, and StaleVersion is raised: nothing else changes."""
    try:
        return _accept(order_id=order_id, offer_id=offer_id, actor=actor)
    except StaleVersion as exc:
        _mark_stale(order_id=order_id, offer_id=offer_id, actor=actor)
        raise StaleVersion(
            _(
                "The order changed since this offer was made (it is now at version "
                "%(version)s): the offer can no longer be accepted as it is."
            )
            % {"version": exc.current_version},
            current_version=exc.current_version,
            current_status=exc.current_status,
        ) from None


@transaction.atomic
def _accept(*, order_id: int, offer_id: int, actor) -> Offer:
    order, side, offer = _open_offer(
        order_id=order_id, offer_id=offer_id, actor=actor, proposer=False
    )
    services._check_version(order, offer.base_version)
    order = services.order_modify(
        order_id=order.pk,
        actor=actor,
        version=offer.base_version,
        values=offer_apply_values(offer, order),
    )
    now = timezone.now()
    _decide(offer, state=Offer.State.ACCEPTED, actor=actor, now=now, accepted_version=order.version)
    services._record(
        order,
        type=OrderEvent.Type.OFFER_ACCEPTED,
        actor=actor,
        side=side,
        data=_event_data(offer),
        now=now,
    )
    return offer


@transaction.atomic
def _mark_stale(*, order_id: int, offer_id: int, actor) -> None:
    order, side, offer = _open_offer(
        order_id=order_id, offer_id=offer_id, actor=actor, proposer=False
    )
    _decide(offer, state=Offer.State.STALE, actor=actor, now=timezone.now())
    services._record(
        order,
        type=OrderEvent.Type.OFFER_STALE,
        actor=actor,
        side=side,
        data=_event_data(offer),
        now=offer.decided_at,
    )


@transaction.atomic
def offer_decline(*, order_id: int, offer_id: int, actor, note: str = "") -> Offer:
    """The other side declines the open offer, with an optional note; the terms stay."""
    note = _clean_note(note)
    order, side, offer = _open_offer(
        order_id=order_id, offer_id=offer_id, actor=actor, proposer=False
    )
    now = timezone.now()
    _decide(offer, state=Offer.State.DECLINED, actor=actor, now=now, decline_note=note)
    data = {**_event_data(offer), "reason": note}
    services._record(
        order, type=OrderEvent.Type.OFFER_DECLINED, actor=actor, side=side, data=data, now=now
    )
    return offer


@transaction.atomic
def offer_withdraw(*, order_id: int, offer_id: int, actor) -> Offer:
    """The proposing side withdraws its open offer."""
    order, side, offer = _open_offer(
        order_id=order_id, offer_id=offer_id, actor=actor, proposer=True
    )
    now = timezone.now()
    _decide(offer, state=Offer.State.WITHDRAWN, actor=actor, now=now)
    services._record(
        order,
        type=OrderEvent.Type.OFFER_WITHDRAWN,
        actor=actor,
        side=side,
        data=_event_data(offer),
        now=now,
    )
    return offer


# --- Reads ----------------------------------------------------------------------------------


def offers_for_user(*, user, order_id: int) -> QuerySet[Offer]:
    """The order's offers, oldest first; NotFound for anyone who may not see the order."""
    return selectors.proposals_for_user(user=user, order_id=order_id, relation="offers")


def offer_get_for_user(*, user, order_id: int, offer_id: int) -> Offer:
    return selectors.proposal_get_for_user(
        user=user, order_id=order_id, relation="offers", pk=offer_id, missing=_("No such offer.")
    )


def offer_is_current(offer: Offer, order: Order) -> bool:
    """Open and made against the order's current version: it can still be accepted."""
    return offer.state == Offer.State.OPEN and offer.base_version == order.version


def offer_actions(offer: Offer, order: Order, side: str | None) -> set[str]:
    """What ``side`` may do about the offer now, by the rules the services apply: the
    proposer withdraws an open offer, the other side accepts (only while it is current) or
    declines it."""
    if side is None or offer.state != Offer.State.OPEN:
        return set()
    if side == offer.side:
        return {"withdraw"}
    if side not in services.TRANSITIONS["modify"].get(order.status, {}):
        return {"decline"}
    return {"accept", "decline"} if offer_is_current(offer, order) else {"decline"}


def offer_can_make(order: Order, side: str | None) -> bool:
    """Whether ``side`` may make an offer now: the other side could modify the order."""
    if side not in ("buyer", "seller"):
        return False
    return _other(side) in services.TRANSITIONS["modify"].get(order.status, {}) and (
        side in services.TRANSITIONS["modify"].get(order.status, {})
    )


def offer_since(offer: Offer, order: Order) -> list[dict]:
    """What changed in the order between the offer's base version and now (a diff of the
    revisions), for a stale offer's card; empty when the base has no revision."""
    from orders.models import Revision

    revisions = {
        r.version: r.terms
        for r in Revision.objects.filter(order=order, version__lte=offer.base_version).order_by(
            "-version"
        )[:1]
    }
    if not revisions:
        return []
    before = next(iter(revisions.values()))
    return order_terms.diff(before, order_terms.canonical(order_terms.from_order(order)))
