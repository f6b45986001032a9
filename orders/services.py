"""Writes to orders: the letter-of-intent state machine, in one place.

States: draft -> seller_confirmed / buyer_confirmed -> awaiting_payment -> ready_to_ship (what
is due before shipment paid) -> shipped -> delivered -> completed, and cancelled from any state
before awaiting_payment (after it, only the seller, for non-payment). ``TRANSITIONS`` says,
for each action, from which state which side may act and where that leads. Every write is one
conditional UPDATE filtered on the order id, the expected state and the version the caller saw,
bumping the version; zero rows changed means somebody else got there first (StaleVersion), and
nothing changes.
"""

import datetime
import uuid
from decimal import Decimal

import django.dispatch
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import MAX_OFFER_VALIDITY_DAYS, Side
from catalog.models import Product
from common.errors import (
    InvalidTransition,
    NotAllowed,
    OfferExpired,
    StaleVersion,
    ValidationFailed,
)
from inquiries.models import Negotiation
from orders import selectors
from orders import signals as order_signals
from orders import terms as order_terms
from orders.agreed_rates import agreed_rates_record
from orders.models import Amendment, Order, OrderEvent, OrderLine, OrderStatus, Revision

SYSTEM = "system"
S = OrderStatus
# Agreed and not yet completed: instalments may be paid or fall overdue.
PAYING_STATES = (
    S.AWAITING_PAYMENT,
    S.READY_TO_SHIP,
    S.PARTLY_SHIPPED,
    S.SHIPPED,
    S.DELIVERED,
)

# The agreed states whose terms both parties may still amend by consent (issue 13 point 6).
AMENDABLE = PAYING_STATES
# Where an order ends: an amendment still open then lapses.
CLOSED_STATES = (S.CANCELLED, S.COMPLETED)
AMENDMENT_ACTIONS = (
    "propose_amendment",
    "accept_amendment",
    "reject_amendment",
    "withdraw_amendment",
)

# action -> source state -> acting side -> target state
TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    "confirm": {
        S.DRAFT: {Side.SELLER: S.SELLER_CONFIRMED},
        S.SELLER_CONFIRMED: {Side.BUYER: S.AWAITING_PAYMENT},
        S.BUYER_CONFIRMED: {Side.SELLER: S.AWAITING_PAYMENT},
    },
    # The side that must act modifies; the waiting side withdraws and revises its own
    # confirmation. Either way the result is the modifier's unilateral confirmation.
    "modify": {
        S.DRAFT: {Side.SELLER: S.DRAFT},
        S.SELLER_CONFIRMED: {Side.BUYER: S.BUYER_CONFIRMED, Side.SELLER: S.SELLER_CONFIRMED},
        S.BUYER_CONFIRMED: {Side.SELLER: S.SELLER_CONFIRMED, Side.BUYER: S.BUYER_CONFIRMED},
    },
    "cancel": {
        S.DRAFT: {Side.SELLER: S.CANCELLED},
        S.SELLER_CONFIRMED: {Side.BUYER: S.CANCELLED, Side.SELLER: S.CANCELLED},
        S.BUYER_CONFIRMED: {Side.BUYER: S.CANCELLED, Side.SELLER: S.CANCELLED},
    },
    # Everything ordered was received and every instalment is paid.
    "complete": {S.DELIVERED: {SYSTEM: S.COMPLETED}},
    # Issue 13 points 4-5 (i13-ship): shipments and receipts. shipments.services decides which
    # action applies: "ship_rest" / "receive_rest" when the shipment or receipt completes the
    # quantities ordered. The system receives too (a shipment deemed received by the sweep).
    "ship": {
        S.READY_TO_SHIP: {Side.SELLER: S.PARTLY_SHIPPED},
        S.PARTLY_SHIPPED: {Side.SELLER: S.PARTLY_SHIPPED},
    },
    "ship_rest": {
        S.READY_TO_SHIP: {Side.SELLER: S.SHIPPED},
        S.PARTLY_SHIPPED: {Side.SELLER: S.SHIPPED},
    },
    "receive": {
        S.PARTLY_SHIPPED: {Side.BUYER: S.PARTLY_SHIPPED, SYSTEM: S.PARTLY_SHIPPED},
        S.SHIPPED: {Side.BUYER: S.SHIPPED, SYSTEM: S.SHIPPED},
    },
    "receive_rest": {S.SHIPPED: {Side.BUYER: S.DELIVERED, SYSTEM: S.DELIVERED}},
    # Issue 13 point 6 (i13-amend): amendment by consent, self-loops on the agreed states before
    # completed. Which side may answer (not the proposer's) is checked in orders/amendments.py.
    **{
        action: {state: {Side.BUYER: state, Side.SELLER: state} for state in AMENDABLE}
        for action in AMENDMENT_ACTIONS
    },
    # Issue 13 points 1-3 (i13-pay): the payment schedule. Payments may come in, and an
    # instalment fall overdue, in every state from agreement until completion.
    "record_payment": {state: {SYSTEM: state} for state in PAYING_STATES},
    "mark_ready_to_ship": {S.AWAITING_PAYMENT: {SYSTEM: S.READY_TO_SHIP}},
    "mark_overdue": {state: {SYSTEM: state} for state in PAYING_STATES},
    # Only while an instalment is overdue (order.overdue_at, kept by payments).
    "cancel_overdue": {state: {Side.SELLER: S.CANCELLED} for state in PAYING_STATES},
    # Issue 14 point 2: a unilateral confirmation (an offer) is valid until order.valid_until.
    # The side that sent it extends it; the other side asks for that once it expired.
    "extend": {
        S.SELLER_CONFIRMED: {Side.SELLER: S.SELLER_CONFIRMED},
        S.BUYER_CONFIRMED: {Side.BUYER: S.BUYER_CONFIRMED},
    },
    "request_extension": {
        S.SELLER_CONFIRMED: {Side.BUYER: S.SELLER_CONFIRMED},
        S.BUYER_CONFIRMED: {Side.SELLER: S.BUYER_CONFIRMED},
    },
}

CONFIRMED_BY = {Side.SELLER: S.SELLER_CONFIRMED, Side.BUYER: S.BUYER_CONFIRMED}


def _valid_until_text(order: Order) -> str:
    return date_format(timezone.localtime(order.valid_until), "DATETIME_FORMAT")


def _expired_refusal(order: Order) -> str:
    if not order.offer_expired():
        return ""
    return _(
        "This confirmation expired on %(when)s: it can no longer be confirmed as is. Ask for "
        "an extension, or modify it to send your own confirmation."
    ) % {"when": _valid_until_text(order)}


def _extend_refusal(order: Order) -> str:
    if order.offer_expired() or order.offer_expires_soon() or order.extension_requested_at:
        return ""
    return _(
        "This confirmation is valid until %(when)s: it can be extended on its last day, once "
        "it has expired, or when the other side asks."
    ) % {"when": _valid_until_text(order)}


def _request_extension_refusal(order: Order) -> str:
    if not order.offer_expired():
        return _("This confirmation has not expired: it can still be confirmed as is.")
    if order.extension_requested_at:
        return _("An extension was already asked for: waiting for the other side.")
    return ""


# Conditions beyond the state table: action -> check(order) giving the refusal, or "".
GUARDS = {
    "cancel_overdue": lambda order: (
        "" if order.overdue_at else _("No payment is overdue: the order cannot be cancelled.")
    ),
    "confirm": _expired_refusal,
    "extend": _extend_refusal,
    "request_extension": _request_extension_refusal,
}
# The error a guard's refusal raises, when not InvalidTransition (pages and the API tell an
# expired confirmation apart: it offers an extension).
GUARD_ERRORS = {"confirm": OfferExpired}

# Rules of apps above orders that a confirm must pass before it agrees the order (payments:
# bank details for a T/T order). orders cannot import them, so they register here (in their
# AppConfig.ready); each is ``check(*, order, terms, side)`` and raises ValidationFailed.
AGREEMENT_CHECKS: list = []


def agreement_check_register(check) -> None:
    if check not in AGREEMENT_CHECKS:
        AGREEMENT_CHECKS.append(check)


def _check_agreement(order: Order, terms: dict, side: str) -> None:
    for check in AGREEMENT_CHECKS:
        check(order=order, terms=terms, side=side)


# Sent after the transaction that recorded the event commits; chat, notifications and
# payment reminders subscribe to it. Receivers get ``event`` (an OrderEvent).
order_event_recorded = django.dispatch.Signal()


def allowed_actions(order: Order, side: str | None) -> set[str]:
    """The actions a side may take on the order now (for pages and the API).

    Amendment actions depend on the open amendment too: ``orders.amendments.amendment_actions``.
    """
    return {
        action
        for action, sources in TRANSITIONS.items()
        if action not in AMENDMENT_ACTIONS
        and side in sources.get(order.status, {})
        and not _refusal(order, action)
    }


def _refusal(order: Order, action: str) -> str:
    guard = GUARDS.get(action)
    return guard(order) if guard else ""


# Said when the order waits for the other side (gettext_lazy: in the language of the request).
WAITING_REFUSALS = {
    Side.BUYER: gettext_lazy("Waiting for the buyer: you cannot do this now."),
    Side.SELLER: gettext_lazy("Waiting for the seller: you cannot do this now."),
}


def _target(order: Order, action: str, side: str | None) -> str:
    sources = TRANSITIONS[action]
    if order.status not in sources:
        raise InvalidTransition(
            _("The order is %(state)s: this cannot be done now.")
            % {"state": order.get_status_display()},
            details={"current_status": order.status, "current_version": order.version},
        )
    if side not in sources[order.status]:
        waiting = order.waiting_for
        raise NotAllowed(
            WAITING_REFUSALS.get(waiting) or _("Your side cannot do this on this order.")
        )
    refusal = _refusal(order, action)
    if refusal:
        raise GUARD_ERRORS.get(action, InvalidTransition)(
            refusal,
            details={
                "current_status": order.status,
                "current_version": order.version,
                "valid_until": order.valid_until.isoformat() if order.valid_until else None,
            },
        )
    return sources[order.status][side]


def _stale(*, version: int, status: str) -> StaleVersion:
    return StaleVersion(
        _("The order has changed: it is at version %(version)s.") % {"version": version},
        current_version=version,
        current_status=status,
    )


def _check_version(order: Order, version: int) -> None:
    if version != order.version:
        raise _stale(version=order.version, status=order.status)


def _apply(order: Order, *, version: int, target: str, now, **fields) -> Order:
    """The conditional UPDATE: wins only if the order is still in the state and version seen."""
    changed = Order.objects.filter(pk=order.pk, status=order.status, version=version).update(
        status=target, version=F("version") + 1, updated_at=now, **fields
    )
    if changed == 0:
        current = Order.objects.values("version", "status").get(pk=order.pk)
        raise _stale(**current)
    order.status = target
    order.version = version + 1
    for name, value in fields.items():
        setattr(order, name, value)
    if target in CLOSED_STATES:
        # A proposal nobody may answer any more is not left open.
        Amendment.objects.filter(order_id=order.pk, state=Amendment.State.OPEN).update(
            state=Amendment.State.LAPSED, decided_at=now
        )
    return order


def _record(
    order: Order, *, type: str, actor=None, side: str = "", data: dict | None = None, now
) -> OrderEvent:
    event = OrderEvent.objects.create(
        order=order,
        type=type,
        actor=actor,
        actor_side=side if side != SYSTEM else "",
        version=order.version,
        terms_version=order.terms_version,
        status=order.status,
        data=data or {},
    )
    Negotiation.objects.filter(pk=order.negotiation_id).update(last_activity_at=now)
    transaction.on_commit(lambda: order_event_recorded.send(sender=OrderEvent, event=event))
    return event


def _snapshot(order: Order, *, author, side: str, terms: dict) -> Revision:
    """The revision of what ``side`` sent; different terms than last sent get the next number
    people see (``terms_version``), the same terms keep theirs."""
    document = order_terms.canonical(terms)
    digest = order_terms.digest(document)
    last = order.revisions.order_by("-version").values_list("digest", flat=True).first()
    terms_version = order.terms_version if digest == last else order.terms_version + 1
    if terms_version != order.terms_version:
        Order.objects.filter(pk=order.pk).update(terms_version=terms_version)
        order.terms_version = terms_version
    return Revision.objects.create(
        order=order,
        version=order.version,
        terms_version=terms_version,
        author=author,
        author_side=side,
        terms=document,
        digest=digest,
        total=Decimal(document["totals"]["total"] or 0),
        currency=document["totals"]["currency"],
        valid_until=order.valid_until if order.status in Order.OFFER_STATES else None,
    )


def _side(user, order: Order) -> str:
    side = selectors.side_of(user, order)
    if side is None:
        raise NotAllowed(_("Only the buyer and the seller of this negotiation may do this."))
    return side


def _check_products(lines: list[dict], seller_company_id: int) -> dict[int, Product]:
    """Catalog lines must name active products of this order's seller."""
    ids = {line["product_id"] for line in lines if line.get("product_id")}
    products = {
        p.pk: p
        for p in Product.objects.filter(
            pk__in=ids, seller_id=seller_company_id, active=True
        ).prefetch_related("price_tiers")
    }
    errors = [
        {"product_id": [_("No such product from this seller.")]}
        if line.get("product_id") and line["product_id"] not in products
        else {}
        for line in lines
    ]
    if any(errors):
        raise ValidationFailed({"lines": errors})
    return products


def _price_catalog_lines(lines: list[dict], products: dict[int, Product], *, offset: int) -> None:
    """Each catalog line takes its product's name, unit and tier price, refused under the MOQ.

    The buyer's own unit price on a catalog line is never kept: the catalog prices it.
    Errors come as one object per order line (``offset`` lines come before ``lines``).
    """
    errors = [{} for _ in range(offset)]
    for line in lines:
        product = products.get(line.get("product_id"))
        error = {}
        if product is not None:
            line.update(name=line.get("name") or product.name, unit=product.unit)
            if line.get("quantity") is None:
                error = {"quantity": [_("This field is required.")]}
            else:
                try:
                    line["unit_price"] = product.unit_price_for(line["quantity"])
                except ValidationFailed as exc:
                    error = exc.errors
        errors.append(error)
    if any(errors):
        raise ValidationFailed({"lines": errors})


def _require_complete(terms: dict) -> None:
    result = order_terms.completion(terms)
    if not result.complete:
        raise ValidationFailed(
            {"missing": result.missing},
            message=_("The order is not complete: fill in the missing fields first."),
        )


def _save_terms(order: Order, terms: dict) -> None:
    """Saves the lines by key: a line keeps its key (identity) and its row from version to
    version, so what refers to the row (a shipment line after an amendment) stays attached."""
    existing = {str(line.key): line for line in OrderLine.objects.filter(order=order)}
    kept = [str(line["key"]) for line in terms["lines"]]
    OrderLine.objects.filter(order=order).exclude(key__in=kept).delete()
    updated, created = [], []
    for position, values in enumerate(terms["lines"]):
        fields = {name: values[name] for name in order_terms.LINE_FIELDS}
        line = existing.get(str(values["key"]))
        if line is None:
            created.append(OrderLine(order=order, key=values["key"], position=position, **fields))
            continue
        line.position = position
        for name, value in fields.items():
            setattr(line, name, value)
        updated.append(line)
    if updated:
        OrderLine.objects.bulk_update(updated, ["position", *order_terms.LINE_FIELDS])
    OrderLine.objects.bulk_create(created)
    # The order's prefetched lines, if any, are the old ones: the next read queries them.
    getattr(order, "_prefetched_objects_cache", {}).pop("lines", None)


def _order_fields(terms: dict) -> dict:
    return {name: terms[name] for name in order_terms.ORDER_FIELDS}


def offer_valid_until(raw, *, default_days: int, now: datetime.datetime) -> datetime.datetime:
    """Until when a new unilateral confirmation may be confirmed as is: ``raw`` (a datetime,
    or a date meaning the end of that day in the current time zone, or their ISO text) when
    the confirming side set one, else ``default_days`` (the seller company's) from now.
    In the future and at most MAX_OFFER_VALIDITY_DAYS ahead, or ValidationFailed."""
    if raw in (None, ""):
        return now + datetime.timedelta(days=default_days)
    value = raw
    if isinstance(raw, str):
        try:
            value = parse_date(raw) or parse_datetime(raw)
        except ValueError:
            value = None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(23, 59))
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed({"valid_until": [_("Enter a date, or a date and time.")]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= now:
        raise ValidationFailed(
            {"valid_until": [_("The confirmation must stay valid until a later time.")]}
        )
    if value > now + datetime.timedelta(days=MAX_OFFER_VALIDITY_DAYS):
        raise ValidationFailed(
            {
                "valid_until": [
                    _("At most %(days)s days from now.") % {"days": MAX_OFFER_VALIDITY_DAYS}
                ]
            }
        )
    return value


def _offer_fields(seller_company, values: dict | None, *, now: datetime.datetime) -> dict:
    """The fields of a new offer (a unilateral confirmation, or its extension): its validity,
    with the expiry notice, the expiry and any extension request of the previous one cleared.
    Every path that makes an order a party's confirmation writes them."""
    return {
        "valid_until": offer_valid_until(
            (values or {}).get("valid_until"),
            default_days=seller_company.offer_validity_days,
            now=now,
        ),
        "expiry_notice_sent_at": None,
        "expired_at": None,
        "extension_requested_at": None,
    }


@transaction.atomic
def order_create_draft(*, inquiry_id: int, actor) -> Order:
    """A seller drafts a letter of intent from an inquiry: new order in ``draft``.

    Prefilled from the inquiry: the product line (the tier price for the quantity when the
    quantity reaches the MOQ), destination, the buyer's contact, and the seller's own contact.
    """
    from inquiries.selectors import inquiry_get_for_user

    inquiry = inquiry_get_for_user(user=actor, inquiry_id=inquiry_id)
    negotiation = inquiry.negotiation
    if actor.company_id != negotiation.seller_company_id:
        raise NotAllowed(_("Only the seller drafts the letter of intent."))
    if Order.objects.filter(negotiation=negotiation).exists():
        raise InvalidTransition(_("This negotiation already has an order."))
    product = inquiry.product
    line = {
        "product_id": product.pk if product else None,
        "name": product.name if product else inquiry.subject[:200],
        "specification": "",
        "quantity": inquiry.quantity,
        "unit": inquiry.unit,
        "unit_price": None,
    }
    if product is not None and inquiry.quantity >= product.moq:
        line["unit_price"] = product.unit_price_for(inquiry.quantity)
    buyer = inquiry.sender
    return order_create_from_quotation(
        negotiation=negotiation,
        actor=actor,
        values={
            "currency": product.currency if product else inquiry.target_currency,
            "destination_country": inquiry.destination_country.code,
            "buyer_contact_name": buyer.display_name,
            "buyer_contact_email": buyer.email,
            "buyer_contact_phone": buyer.phone,
            "seller_contact_name": actor.display_name,
            "seller_contact_email": actor.email,
            "seller_contact_phone": actor.phone,
            "origin_country": negotiation.seller_company.country.code,
            "lines": [line],
        },
    )


def _create_order(*, negotiation: Negotiation, actor, status: str, terms: dict, **fields) -> Order:
    try:
        # A savepoint: two drafts raced for one negotiation; the one-to-one lets only one in.
        with transaction.atomic():
            order = Order.objects.create(
                negotiation=negotiation,
                status=status,
                created_by=actor,
                **_order_fields(terms),
                **fields,
            )
    except IntegrityError:
        raise InvalidTransition(_("This negotiation already has an order."))
    _save_terms(order, terms)
    return order


def order_create_from_quotation(*, negotiation: Negotiation, actor, values: dict) -> Order:
    """A draft in the seller's court from prefilled values (inquiries and RFQ awards).

    Runs inside the caller's transaction.
    """
    terms = order_terms.clean(values)
    order = _create_order(negotiation=negotiation, actor=actor, status=S.DRAFT, terms=terms)
    _record(order, type=OrderEvent.Type.CREATED, actor=actor, side=Side.SELLER, now=timezone.now())
    return order


@transaction.atomic
def order_start(*, actor, product_id: int, values: dict) -> Order:
    """Start Order: the buyer fills every module; the order is born ``buyer_confirmed``.

    The catalog product's line takes the tier price for its quantity (refused under the MOQ).
    The seller's side comes from the seller, whatever the buyer sent: the seller contact (the
    default sales contact), the origin country and the shipping fee, which follows the Incoterm
    (none where the buyer carries; the seller's freight rate to the destination where the seller
    carries, refused where the seller has none). Refused with the list of missing fields unless
    the completion is 100 %.
    """
    if actor.side != Side.BUYER:
        raise NotAllowed(_("Only buyers start orders."))
    product = (
        Product.objects.select_related("seller")
        .prefetch_related("price_tiers")
        .filter(pk=product_id, active=True)
        .first()
    )
    if product is None:
        raise ValidationFailed({"product_id": [_("No such product.")]})
    seller = selectors.start_order_seller(product)
    if seller.unavailable:
        raise ValidationFailed(
            {"non_field_errors": [seller.unavailable]}, message=seller.unavailable
        )
    # Whatever the buyer sent for the seller's side is dropped before anything is checked.
    terms = order_terms.clean({**values, **seller.terms, "shipping_fee": None})
    if not terms["lines"]:
        terms["lines"] = [{"key": str(uuid.uuid4()), "product_id": product.pk, "specification": ""}]
    main = terms["lines"][0]
    main.update(product_id=product.pk, name=main.get("name") or product.name, unit=product.unit)
    if main.get("quantity") is None:
        raise ValidationFailed({"lines": [{"quantity": [_("This field is required.")]}]})
    main["unit_price"] = product.unit_price_for(main["quantity"])
    products = _check_products(terms["lines"], product.seller_id)
    _price_catalog_lines(terms["lines"][1:], products, offset=1)
    if terms["currency"] and terms["currency"] != product.currency:
        raise ValidationFailed(
            {
                "currency": [
                    _("This product is priced in %(currency)s.") % {"currency": product.currency}
                ]
            }
        )
    terms["shipping_fee"] = _start_shipping_fee(terms, seller)
    _require_complete(terms)
    offer = _offer_fields(product.seller, values, now=timezone.now())
    negotiation = Negotiation.objects.create(
        buyer_company_id=actor.company_id,
        seller_company_id=product.seller_id,
        origin=Negotiation.Origin.START_ORDER,
        product=product,
    )
    order = _create_order(
        negotiation=negotiation, actor=actor, status=S.BUYER_CONFIRMED, terms=terms, **offer
    )
    _snapshot(order, author=actor, side=Side.BUYER, terms=terms)
    _record(order, type=OrderEvent.Type.STARTED, actor=actor, side=Side.BUYER, now=timezone.now())
    return order


def _start_shipping_fee(terms: dict, seller: selectors.StartOrderSeller) -> Decimal | None:
    """None where the buyer carries; the seller's rate to the destination where the seller
    carries, refused (Start Order not offered) where the seller has none."""
    incoterm, country = terms["incoterm"], terms["destination_country"]
    if not order_terms.seller_pays_carriage(incoterm) or not country:
        return None  # a missing Incoterm or destination is named by the completion check
    if not seller.offers(incoterm, country):
        raise ValidationFailed(
            {
                "incoterm": [
                    _(
                        "%(seller)s has no freight rate to %(country)s in %(currency)s, so Start "
                        "Order is not offered with %(incoterm)s: choose %(incoterms)s (you "
                        "arrange the main carriage), or ask the seller for a quotation."
                    )
                    % {
                        "seller": seller.company_name,
                        "country": country,
                        "currency": seller.currency,
                        "incoterm": incoterm,
                        "incoterms": ", ".join(order_terms.BUYER_CARRIAGE_INCOTERMS),
                    }
                ]
            },
            message=_("Start Order is not offered with this Incoterm to this destination."),
        )
    quantity = sum((line["quantity"] or 0 for line in terms["lines"]), Decimal(0))
    return seller.shipping_fee(country=country, quantity=quantity)


def order_modify_check(*, order: Order, side: str, values: dict) -> tuple[str, dict, list]:
    """What ``side`` modifying the order with ``values`` would lead to, without writing:
    (target state, typed terms, changes); refused as the modify itself would be (wrong state
    or side, field errors, foreign products, incomplete terms outside a draft). The one rule
    of a modification, for ``order_modify`` and for offers made to ``side``."""
    target = _target(order, "modify", side)
    # Fields left out keep their current value; ``lines``, when given, replaces all lines.
    terms, changes = order_terms.apply_values(order_terms.from_order(order), values)
    _check_products(terms["lines"], order.negotiation.seller_company_id)
    if target != S.DRAFT:
        _require_complete(terms)
    return target, terms, changes


@transaction.atomic
def order_modify(*, order_id: int, actor, version: int, values: dict) -> Order:
    """Changes the terms, based on ``version``; fields not given keep their value.

    draft -> draft (seller; incomplete terms allowed). seller_confirmed / buyer_confirmed ->
    the modifier's confirmation (the side that must act modifies; the waiting side revises its
    own), with completion at 100 %; a new immutable revision records it.
    """
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = _side(actor, order)
    _check_version(order, version)
    target, terms, changes = order_modify_check(order=order, side=side, values=values)
    now = timezone.now()
    seller = order.negotiation.seller_company
    offer = _offer_fields(seller, values, now=now) if target != S.DRAFT else {}
    order = _apply(order, version=version, target=target, now=now, **_order_fields(terms), **offer)
    _save_terms(order, terms)
    data = {"changed": order_terms.changed_field_labels(changes), "from_version": version}
    if target == S.DRAFT:
        _record(order, type=OrderEvent.Type.DRAFT_SAVED, actor=actor, side=side, data=data, now=now)
    else:
        _snapshot(order, author=actor, side=side, terms=terms)
        _record(order, type=OrderEvent.Type.MODIFIED, actor=actor, side=side, data=data, now=now)
    return order


@transaction.atomic
def order_confirm(*, order_id: int, actor, version: int, values: dict | None = None) -> Order:
    """Confirms the version the actor was shown, without changes.

    draft -> seller_confirmed (seller, completion 100 %); seller_confirmed -> awaiting_payment
    (buyer); buyer_confirmed -> awaiting_payment (seller). Reaching awaiting_payment seals the
    agreed terms: their SHA-256 digest, who confirmed last and when, and the payment deadline;
    the registered ``AGREEMENT_CHECKS`` must pass first (e.g. T/T needs bank details).

    ``values`` are the terms of the form the confirm came from, when it came from one. In a
    draft the seller's typed terms are saved and confirmed together (the terms typed are the
    terms confirmed). Otherwise a form whose terms differ from the shown version is refused:
    confirming would seal the other side's terms while the actor sees his own edits; those go
    through ``order_modify``.
    """
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = _side(actor, order)
    _check_version(order, version)
    target = _target(order, "confirm", side)
    terms = order_terms.from_order(order)
    changes = []
    if values is not None:
        typed, changes = order_terms.apply_values(terms, values)
        if changes and not selectors.is_draft(order):
            raise ValidationFailed(
                {"changed": order_terms.changed_field_labels(changes)},
                message=_(
                    "You changed the terms: send them as your modified order, or discard "
                    "your changes. Nothing was confirmed."
                ),
            )
        if changes:
            _check_products(typed["lines"], order.negotiation.seller_company_id)
            terms = typed
    _require_complete(terms)
    if target == S.AWAITING_PAYMENT:
        _check_agreement(order, terms, side)
    now = timezone.now()
    fields = _order_fields(terms) if changes else {}
    if target in Order.OFFER_STATES:
        fields |= _offer_fields(order.negotiation.seller_company, values, now=now)
    if target == S.AWAITING_PAYMENT:
        document = order_terms.canonical(terms)
        fields |= {
            "agreed_version": version + 1,
            "agreed_digest": order_terms.digest(document),
            "agreed_at": now,
            "agreed_by": actor,
            "payment_due_at": now + datetime.timedelta(days=order.payment_deadline_days),
            "valid_until": None,
        }
    order = _apply(order, version=version, target=target, now=now, **fields)
    data = {"confirmed_version": version}
    if changes:
        _save_terms(order, terms)
        data["changed"] = order_terms.changed_field_labels(changes)
    _snapshot(order, author=actor, side=side, terms=terms)
    _record(
        order,
        type=OrderEvent.Type.AGREED if target == S.AWAITING_PAYMENT else OrderEvent.Type.CONFIRMED,
        actor=actor,
        side=side,
        data=data,
        now=now,
    )
    if target == S.AWAITING_PAYMENT:
        agreed_rates_record(order=order)
        order_signals.order_agreed.send(sender=Order, order=order)
        order.refresh_from_db(fields=["status", "version", "updated_at"])
    return order


@transaction.atomic
def order_extend(
    *, order_id: int, actor, version: int, valid_until: datetime.datetime | None = None
) -> Order:
    """seller_confirmed / buyer_confirmed -> itself: the side whose confirmation it is extends
    it, to ``valid_until`` or by the seller company's offer validity from now, once it expired,
    in its last day, or when the other side asked. Clears the notice, expiry and request."""
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = _side(actor, order)
    _check_version(order, version)
    target = _target(order, "extend", side)
    now = timezone.now()
    previous = order.valid_until
    offer = _offer_fields(order.negotiation.seller_company, {"valid_until": valid_until}, now=now)
    order = _apply(order, version=version, target=target, now=now, **offer)
    data = {
        "valid_until": order.valid_until.isoformat(),
        "previous_valid_until": previous.isoformat() if previous else None,
    }
    _record(order, type=OrderEvent.Type.EXTENDED, actor=actor, side=side, data=data, now=now)
    return order


@transaction.atomic
def order_request_extension(*, order_id: int, actor, version: int) -> Order:
    """seller_confirmed / buyer_confirmed -> itself: the side the expired confirmation waits
    for asks its sender to extend it, once per confirmation (the sender is told)."""
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = _side(actor, order)
    _check_version(order, version)
    target = _target(order, "request_extension", side)
    now = timezone.now()
    order = _apply(order, version=version, target=target, now=now, extension_requested_at=now)
    data = {"valid_until": order.valid_until.isoformat()}
    _record(
        order, type=OrderEvent.Type.EXTENSION_REQUESTED, actor=actor, side=side, data=data, now=now
    )
    return order


@transaction.atomic
def order_cancel(*, order_id: int, actor, version: int, reason: str) -> Order:
    """Either side cancels, with a reason, any time before awaiting_payment."""
    return _cancel(order_id=order_id, actor=actor, version=version, reason=reason, action="cancel")


@transaction.atomic
def order_cancel_overdue(*, order_id: int, actor, version: int, reason: str) -> Order:
    """awaiting_payment .. delivered -> cancelled: the seller cancels while an instalment is
    overdue. payments.services.order_cancel_for_non_payment calls it and records any refund
    owed in the same transaction; interfaces call that one."""
    return _cancel(
        order_id=order_id, actor=actor, version=version, reason=reason, action="cancel_overdue"
    )


def _cancel(*, order_id: int, actor, version: int, reason: str, action: str) -> Order:
    # Access first, so that an outsider learns nothing, not even that the reason is missing.
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = _side(actor, order)
    _check_version(order, version)
    target = _target(order, action, side)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the order is cancelled.")]})
    if len(reason) > 1000:
        raise ValidationFailed({"reason": [_("At most 1,000 characters.")]})
    now = timezone.now()
    order = _apply(
        order, version=version, target=target, now=now, cancelled_at=now, cancel_reason=reason
    )
    data = {"reason": reason, "overdue": True} if action == "cancel_overdue" else {"reason": reason}
    _record(order, type=OrderEvent.Type.CANCELLED, actor=actor, side=side, data=data, now=now)
    return order


def _system_transition(order_id: int, action: str, event_type: str, data: dict, stamp: str | None):
    """A transition the system makes (payments, the overdue sweep); ``stamp`` gets the time."""
    order = Order.objects.select_related("negotiation").get(pk=order_id)
    target = _target(order, action, SYSTEM)
    now = timezone.now()
    order = _apply(
        order, version=order.version, target=target, now=now, **({stamp: now} if stamp else {})
    )
    _record(order, type=event_type, data=data, now=now)
    return order


@transaction.atomic
def order_record_payment(
    *, order_id: int, data: dict, overdue: bool, initial_paid: bool, fully_paid: bool
) -> Order:
    """Self-loop on the paying states: an instalment was paid in full (payments decides).

    ``overdue`` says whether an instalment is still overdue (the cancel rule reads it),
    ``initial_paid`` whether the initial payment is covered, ``fully_paid`` whether every
    instalment is; the event is 'paid' when everything is.
    """
    order = Order.objects.select_related("negotiation").get(pk=order_id)
    target = _target(order, "record_payment", SYSTEM)
    now = timezone.now()
    fields = {
        "overdue_at": order.overdue_at if overdue else None,
        "initial_paid_at": (order.initial_paid_at or now) if initial_paid else None,
        "paid_at": (order.paid_at or now) if fully_paid else None,
    }
    order = _apply(order, version=order.version, target=target, now=now, **fields)
    event_type = OrderEvent.Type.PAID if fully_paid else OrderEvent.Type.PAYMENT_RECORDED
    _record(order, type=event_type, data=data, now=now)
    return order


@transaction.atomic
def order_mark_ready_to_ship(*, order_id: int) -> Order:
    """awaiting_payment -> ready_to_ship: what is due before shipment is paid (or nothing is)."""
    return _system_transition(
        order_id, "mark_ready_to_ship", OrderEvent.Type.READY_TO_SHIP, {}, stamp=None
    )


@transaction.atomic
def order_mark_completed(*, order_id: int) -> Order:
    """delivered -> completed: called by whichever comes last, the final receipt or payment."""
    return _system_transition(
        order_id, "complete", OrderEvent.Type.COMPLETED, {}, stamp="completed_at"
    )


@transaction.atomic
def order_mark_overdue(*, order_id: int, data: dict) -> Order:
    """Self-loop on the paying states: an instalment fell overdue (payments decides which and
    when). ``overdue_at`` keeps the first time one did, until no instalment is overdue."""
    order = Order.objects.select_related("negotiation").get(pk=order_id)
    target = _target(order, "mark_overdue", SYSTEM)
    now = timezone.now()
    order = _apply(
        order, version=order.version, target=target, now=now, overdue_at=order.overdue_at or now
    )
    _record(order, type=OrderEvent.Type.OVERDUE, data=data, now=now)
    return order


def order_transition_check(*, order: Order, actor, version: int, action: str) -> str:
    """Refuses, as the transition itself would, an actor who may not take ``action`` on the
    order now (wrong side, stale version, wrong state); returns the actor's side (SYSTEM for
    no actor). For services that validate their own input before the transition."""
    side = SYSTEM if actor is None else _side(actor, order)
    _check_version(order, version)
    _target(order, action, side)
    return side


@transaction.atomic
def order_record_shipment(
    *, order: Order, actor, version: int, complete: bool, data: dict
) -> Order:
    """ready_to_ship / partly_shipped -> partly_shipped, or -> shipped when ``complete``
    (everything ordered has now been shipped): the seller recorded a shipment."""
    side = order_transition_check(order=order, actor=actor, version=version, action="ship")
    target = _target(order, "ship_rest" if complete else "ship", side)
    now = timezone.now()
    order = _apply(order, version=version, target=target, now=now)
    _record(order, type=OrderEvent.Type.SHIPPED, actor=actor, side=side, data=data, now=now)
    return order


@transaction.atomic
def order_record_receipt(*, order: Order, actor, version: int, complete: bool, data: dict) -> Order:
    """partly_shipped / shipped -> itself: a shipment was received (by the buyer, or deemed
    received by the system when ``actor`` is None); shipped -> delivered when ``complete``
    (everything ordered has now been received)."""
    side = order_transition_check(order=order, actor=actor, version=version, action="receive")
    target = _target(order, "receive_rest" if complete else "receive", side)
    now = timezone.now()
    order = _apply(order, version=version, target=target, now=now)
    _record(order, type=OrderEvent.Type.RECEIVED, actor=actor, side=side, data=data, now=now)
    if complete:
        _record(order, type=OrderEvent.Type.DELIVERED, data={}, now=now)
    return order


@transaction.atomic
def order_note_refund_owed(*, order_id: int, data: dict) -> OrderEvent:
    """Records that money is owed back to the buyer (payments keeps the refund itself): an
    event both sides see, with no change of state or version."""
    order = Order.objects.get(pk=order_id)
    return _record(order, type=OrderEvent.Type.REFUND_OWED, data=data, now=timezone.now())
