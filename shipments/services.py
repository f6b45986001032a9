"""Writes of shipments: recording a shipment, its documents, its receipt, and the receipt sweep.

The order's transitions (ship, receive, complete) live in orders/services.py; this module
decides which one applies (does this shipment or receipt complete what was ordered?) and calls
it first in the same transaction: the order's conditional UPDATE on its version is what makes
two concurrent shipments or receipts of one order take turns, so the quantities checked here
cannot be overtaken.
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Side
from catalog.models import quantity_with_unit
from common.db import claim_and_queue, update_returning
from common.errors import InvalidTransition, NotAllowed, StaleVersion, ValidationFailed
from common.files import attachment_content_type, original_name
from common.i18n import later, lazy_format
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders import services as order_services
from orders.models import Order, OrderStatus
from orders.selectors import order_get_for_user, side_of
from orders.signals import goods_received, goods_shipped
from payments.selectors import order_fully_paid
from shipments import selectors
from shipments.models import DocumentKind, Shipment, ShipmentDocument, ShipmentLine

logger = logging.getLogger(__name__)

DOCUMENT_STATES = (OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
TEXT_LIMITS = {"carrier": 200, "tracking_number": 100, "transport_document_number": 100}


# --- Recording a shipment --------------------------------------------------------------------


@transaction.atomic
def shipment_create(
    *, order_id: int, actor, version: int, values: dict, documents: dict | None = None
) -> Shipment:
    """The seller records a shipment of an order that is ready_to_ship or partly_shipped:
    -> partly_shipped, or -> shipped when everything ordered has now been shipped.

    ``values``: carrier, tracking_number, transport_document_number (B/L or AWB), ship_date
    (ISO date, between the agreement and today) and lines, a list of {order_line_id, quantity};
    each line at most what is left to ship of it. ``documents``: kind -> uploaded file.
    Posts the 'shipped' order event (chat and notification) and sends ``goods_shipped``.
    """
    order = order_get_for_user(user=actor, order_id=order_id)
    order_services.order_transition_check(order=order, actor=actor, version=version, action="ship")
    today = timezone.localdate()
    shipped = selectors.quantities_by_line(order)
    fields, lines, uploads = _all_or_errors(
        lambda: _clean_fields(values, order=order, today=today),
        lambda: _clean_lines(values.get("lines"), order=order, shipped=shipped),
        lambda: _clean_documents(documents or {}),
    )
    for line, quantity in lines:
        shipped[line.pk] = shipped.get(line.pk, Decimal(0)) + quantity
    complete = all(shipped.get(line.pk, 0) >= (line.quantity or 0) for line in order.lines.all())
    sequence = order.shipments.count() + 1
    order = order_services.order_record_shipment(
        order=order,
        actor=actor,
        version=version,
        complete=complete,
        data={
            "shipment": sequence,
            "carrier": fields["carrier"],
            "tracking_number": fields["tracking_number"],
            "transport_document_number": fields["transport_document_number"],
            "ship_date": fields["ship_date"].isoformat(),
            "lines": [
                {"name": line.name, "quantity": str(quantity), "unit": line.unit}
                for line, quantity in lines
            ],
            "complete": complete,
        },
    )
    deemed_on = max(
        fields["ship_date"] + datetime.timedelta(days=settings.SHIPMENT_DEEMED_RECEIPT_DAYS),
        # Never deemed received before the buyer was told it would be.
        today + datetime.timedelta(days=settings.SHIPMENT_RECEIPT_NOTICE_DAYS),
    )
    shipment = Shipment.objects.create(
        order=order,
        sequence=sequence,
        created_by=actor,
        deemed_receipt_on=deemed_on,
        next_sweep_at=_start_of(_notice_day(deemed_on)),
        **fields,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line, quantity=quantity)
        for line, quantity in lines
    )
    for kind, upload, content_type in uploads:
        _store_document(shipment, kind=kind, upload=upload, content_type=content_type, actor=actor)
    goods_shipped.send(sender=Order, order=order, shipment=shipment, ship_date=shipment.ship_date)
    return shipment


def _all_or_errors(*checks):
    """Runs every check, so that the person sees all the errors at once, not one per try."""
    results, errors = [], {}
    for check in checks:
        try:
            results.append(check())
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return results


def _clean_fields(values: dict, *, order: Order, today: datetime.date) -> dict:
    errors = {}
    fields = {name: " ".join(str(values.get(name) or "").split()) for name in TEXT_LIMITS}
    if not fields["carrier"]:
        errors["carrier"] = [_("Name the carrier (shipping line, airline or courier).")]
    for name, limit in TEXT_LIMITS.items():
        if len(fields[name]) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    raw_date = values.get("ship_date")
    ship_date = raw_date if isinstance(raw_date, datetime.date) else None
    if ship_date is None and raw_date:
        try:
            ship_date = parse_date(str(raw_date))
        except ValueError:
            ship_date = None
    agreed_on = timezone.localdate(order.agreed_at) if order.agreed_at else None
    if ship_date is None:
        errors["ship_date"] = [_("Enter the ship date (YYYY-MM-DD).")]
    elif ship_date > today:
        errors["ship_date"] = [_("The ship date cannot be in the future.")]
    elif agreed_on and ship_date < agreed_on:
        errors["ship_date"] = [_("The ship date cannot be before the order was agreed.")]
    if errors:
        raise ValidationFailed(errors)
    fields["ship_date"] = ship_date
    return fields


def _clean_lines(raw, *, order: Order, shipped: dict) -> list:
    """[(order line, quantity)], each quantity positive and within what is left to ship
    (``shipped``: what earlier shipments carried, per order line id)."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed({"lines": [_("Say which goods this shipment carries.")]})
    order_lines = {line.pk: line for line in order.lines.all()}
    errors, lines, seen = [], [], set()
    for item in raw:
        item = item if isinstance(item, dict) else {}
        error = {}
        try:
            line_id = int(item.get("order_line_id"))
        except (TypeError, ValueError):
            line_id = None
        line = order_lines.get(line_id)
        quantity = _quantity(item.get("quantity"))
        if line is None:
            error["order_line_id"] = [_("No such line in this order.")]
        elif line_id in seen:
            error["order_line_id"] = [_("This line is listed twice.")]
        if quantity is None:
            error["quantity"] = [_("Enter a quantity greater than zero, at most 3 decimals.")]
        elif line is not None:
            left = (line.quantity or 0) - shipped.get(line.pk, 0)
            if quantity > left:
                error["quantity"] = [
                    _("At most %(left)s left to ship of this line.")
                    % {"left": quantity_with_unit(max(left, Decimal(0)), line.unit)}
                ]
        seen.add(line_id)
        errors.append(error)
        if not error:
            lines.append((line, quantity))
    if any(errors):
        raise ValidationFailed({"lines": errors})
    return lines


def _quantity(raw) -> Decimal | None:
    try:
        quantity = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not quantity.is_finite() or quantity <= 0 or quantity.as_tuple().exponent < -3:
        return None
    if quantity >= Decimal("1e11"):
        return None
    return quantity


def _clean_documents(documents: dict) -> list:
    errors, uploads = {}, []
    for kind, upload in documents.items():
        if upload is None:
            continue
        if kind not in DocumentKind.values:
            errors[str(kind)] = [_("Unknown document kind.")]
            continue
        try:
            uploads.append((kind, upload, attachment_content_type(upload, field=kind)))
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return uploads


def _store_document(shipment: Shipment, *, kind: str, upload, content_type: str, actor):
    document = ShipmentDocument(
        shipment=shipment,
        kind=kind,
        content_type=content_type,
        name=original_name(upload, default=kind),
        uploaded_by=actor,
    )
    document.file.save(upload.name or kind, upload, save=False)
    document.save()
    return document


@transaction.atomic
def shipment_document_add(*, shipment_id: int, actor, kind: str, upload) -> ShipmentDocument:
    """The seller adds a shipping document to a shipment afterwards (a bill of lading issued
    after departure), while the order is partly shipped, shipped or delivered."""
    shipment = selectors.shipment_get_for_user(user=actor, shipment_id=shipment_id)
    if side_of(actor, shipment.order) != Side.SELLER:
        raise NotAllowed(_("Only the seller adds shipping documents."))
    if shipment.order.status not in DOCUMENT_STATES:
        raise InvalidTransition(
            _("The order is %(status)s: its shipping documents are closed.")
            % {"status": shipment.order.get_status_display()}
        )
    if kind not in DocumentKind.values:
        raise ValidationFailed({"kind": [_("Choose the kind of document.")]})
    if upload is None:
        raise ValidationFailed({"file": [_("Attach the document (PDF or image).")]})
    content_type = attachment_content_type(upload, field="file")
    return _store_document(
        shipment, kind=kind, upload=upload, content_type=content_type, actor=actor
    )


# --- Amendments ------------------------------------------------------------------------------


def amendment_check_shipped(*, order: Order, terms: dict) -> None:
    """An amendment keeps what was shipped (registered in orders' AMENDMENT_CHECKS): a line
    with shipments stays, at no less than its shipped quantity; once everything was shipped
    (shipped, delivered) nothing may be added, as no state lets the seller ship it."""
    shipped = selectors.quantities_by_line(order)
    if not shipped:
        return
    current = {str(line.key): line for line in order.lines.all()}
    proposed = {line["key"]: line for line in terms["lines"]}
    errors = []
    for key, line in current.items():
        done = shipped.get(line.pk)
        if not done:
            continue
        if key not in proposed:
            errors.append(
                _("%(line)s cannot be removed: %(done)s of it were shipped.")
                % {"line": line.name, "done": quantity_with_unit(done, line.unit)}
            )
        elif (proposed[key]["quantity"] or 0) < done:
            errors.append(
                _("The quantity of %(line)s cannot be less than the %(done)s already shipped.")
                % {"line": line.name, "done": quantity_with_unit(done, line.unit)}
            )
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and any(
        key not in current or (line["quantity"] or 0) > (current[key].quantity or 0)
        for key, line in proposed.items()
    ):
        errors.append(_("Everything ordered has been shipped: agree a new order for more."))
    if order.status == OrderStatus.PARTLY_SHIPPED and not errors:
        left = [
            (line["quantity"] or 0) - (shipped.get(current[key].pk, 0) if key in current else 0)
            for key, line in proposed.items()
        ]
        if all(quantity <= 0 for quantity in left):
            # No state follows partly_shipped without a shipment: the order would be stuck.
            errors.append(
                _(
                    "Nothing would be left to ship: keep some goods to ship, or ship the rest "
                    "before amending."
                )
            )
    if errors:
        raise ValidationFailed({"lines": errors})


# --- Receipt ---------------------------------------------------------------------------------


@transaction.atomic
def shipment_confirm_receipt(*, shipment_id: int, actor, version: int) -> Shipment:
    """The buyer confirms that a shipment arrived (``version``: the order's, as shown).

    partly_shipped / shipped -> itself, or shipped -> delivered (and completed when every
    instalment is paid) when this was the last of the goods ordered.
    """
    shipment = selectors.shipment_get_for_user(user=actor, shipment_id=shipment_id)
    order = order_get_for_user(user=actor, order_id=shipment.order_id)
    order_services.order_transition_check(
        order=order, actor=actor, version=version, action="receive"
    )
    return _receive(
        shipment, order=order, actor=actor, version=version, received_on=timezone.localdate()
    )


@transaction.atomic
def shipment_deem_received(*, shipment_id: int, now: datetime.datetime | None = None) -> bool:
    """The sweep deems a shipment received on its ``deemed_receipt_on`` day. False when there
    is nothing (more) to do: already received, not due yet, or the order not in a receiving
    state (cancelled)."""
    now = now or timezone.now()
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id).first()
    if shipment is None or shipment.is_received or shipment.deemed_receipt_on > now.date():
        return False
    order = Order.objects.select_related("negotiation").prefetch_related("lines")
    order = order.get(pk=shipment.order_id)
    if "receive" not in order_services.allowed_actions(order, order_services.SYSTEM):
        Shipment.objects.filter(pk=shipment.pk).update(next_sweep_at=None)
        return False
    _receive(
        shipment,
        order=order,
        actor=None,
        version=order.version,
        received_on=shipment.deemed_receipt_on,
        now=now,
    )
    return True


def _receive(
    shipment: Shipment, *, order: Order, actor, version: int, received_on, now=None
) -> Shipment:
    now = now or timezone.now()
    # The claim: of a buyer's confirmation and the sweep (or two sweeps), one changes the row.
    claimed = Shipment.objects.filter(pk=shipment.pk, received_at__isnull=True).update(
        received_at=now,
        received_on=received_on,
        received_by=actor,
        deemed=actor is None,
        next_sweep_at=None,
    )
    if not claimed:
        raise InvalidTransition(_("This shipment was already received."))
    shipment.received_at, shipment.received_on, shipment.received_by = now, received_on, actor
    shipment.deemed, shipment.next_sweep_at = actor is None, None
    received = selectors.quantities_by_line(order, received_only=True)
    complete = all(received.get(line.pk, 0) >= (line.quantity or 0) for line in order.lines.all())
    order = order_services.order_record_receipt(
        order=order,
        actor=actor,
        version=version,
        complete=complete,
        data={"shipment": shipment.sequence, "deemed": actor is None},
    )
    if complete:
        goods_received.send(sender=Order, order=order, received_on=received_on)
        if order_fully_paid(order):
            order_services.order_mark_completed(order_id=order.pk)
    return shipment


# --- The receipt sweep -----------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _notice_day(deemed_on: datetime.date) -> datetime.date:
    return deemed_on - datetime.timedelta(days=settings.SHIPMENT_RECEIPT_NOTICE_DAYS)


@transaction.atomic
def receipts_sweep(*, now: datetime.datetime | None = None) -> dict:
    """The periodic sweep: takes the shipments with work due (an advance notice or a deemed
    receipt) and queues them, SHIPMENT_SWEEP_BATCH_SIZE a task. One statement, however many
    shipments; shipments with nothing due are not read.

    Taking a shipment moves its ``next_sweep_at`` to a lease (SHIPMENT_SWEEP_QUEUE_LEASE_SECONDS
    ahead), so no sweep queues it again while its batch is pending; a lost batch leaves the
    lease to expire and a later sweep takes the shipment again.
    """
    from shipments.tasks import receipts_batch

    now = now or timezone.now()
    taken, batches = claim_and_queue(
        Shipment.objects.filter(next_sweep_at__lte=now),
        key="id",
        lease_field="next_sweep_at",
        lease=now + datetime.timedelta(seconds=settings.SHIPMENT_SWEEP_QUEUE_LEASE_SECONDS),
        batch_size=settings.SHIPMENT_SWEEP_BATCH_SIZE,
        task=receipts_batch,
        noun="shipments",
    )
    return {"shipments": taken, "batches": batches}


def receipts_batch_run(
    *, shipment_ids: list[int], lease: datetime.datetime, now: datetime.datetime | None = None
) -> dict:
    """One batch the sweep queued: sends the advance notices that are due (all in one go, each
    claimed once), deems received the shipments whose day has come (each in its own
    transaction, claimed once), and stores when each shipment is next due.

    First the batch moves its shipments from the sweep's lease to its own, shorter one
    (SHIPMENT_SWEEP_RUN_LEASE_SECONDS): a second delivery of the task finds nothing to take,
    and a shipment the sweep queued again meanwhile belongs to the newer batch.
    """
    now = now or timezone.now()
    today = now.date()
    held = now + datetime.timedelta(seconds=settings.SHIPMENT_SWEEP_RUN_LEASE_SECONDS)
    Shipment.objects.filter(pk__in=shipment_ids, next_sweep_at=lease).update(next_sweep_at=held)
    rows = list(
        Shipment.objects.filter(pk__in=shipment_ids, next_sweep_at=held).values_list(
            "pk", "deemed_receipt_on", "receipt_notice_sent_at"
        )
    )
    due = [pk for pk, deemed_on, _sent in rows if deemed_on <= today]
    notices = receipt_notices_send(
        shipment_ids=[
            pk
            for pk, deemed_on, sent in rows
            if sent is None and _notice_day(deemed_on) <= today < deemed_on
        ],
        now=now,
    )
    deemed, failed = 0, 0
    for pk in due:
        # One order's failure (it changed meanwhile) must not hold up the others; the shipment
        # keeps the lease and a later sweep tries again.
        try:
            deemed += shipment_deem_received(shipment_id=pk, now=now)
        except (InvalidTransition, StaleVersion):
            failed += 1
        except Exception:
            logger.exception("Deeming shipment %s received failed", pk)
            failed += 1
    waiting: dict[datetime.datetime, list[int]] = {}
    for pk, deemed_on, sent in rows:
        if deemed_on <= today:
            continue  # received now, or failed: then it keeps the lease and is tried again
        notice_day = _notice_day(deemed_on)
        day = notice_day if sent is None and notice_day > today else deemed_on
        waiting.setdefault(_start_of(day), []).append(pk)
    for moment, pks in waiting.items():
        Shipment.objects.filter(pk__in=pks, next_sweep_at=held).update(next_sweep_at=moment)
    return {"shipments": len(rows), "notices": notices, "deemed": deemed, "failed": failed}


@transaction.atomic
def receipt_notices_send(*, shipment_ids: list[int], now: datetime.datetime) -> int:
    """Tells the buyers that these shipments will be deemed received on their day unless they
    confirm the receipt before. Each claimed by one UPDATE in this transaction, so
    a second worker sends none of them again; a constant number of queries for any number."""
    if not shipment_ids:
        return 0
    claimed = update_returning(
        Shipment.objects.filter(
            pk__in=shipment_ids, receipt_notice_sent_at__isnull=True, received_at__isnull=True
        ),
        "id",
        receipt_notice_sent_at=now,
    )
    if not claimed:
        return 0
    shipments = Shipment.objects.filter(pk__in=claimed).select_related("order__negotiation")
    notifications_send(
        messages=[
            Message(
                company_id=shipment.order.negotiation.buyer_company_id,
                kind=Kind.SHIPMENT_RECEIPT_NOTICE,
                title=lazy_format(
                    gettext_lazy("Shipment %(sequence)s of %(number)s: confirm its receipt"),
                    {"sequence": shipment.sequence, "number": shipment.order.number},
                ),
                body=lazy_format(
                    gettext_lazy(
                        "Unless you confirm its receipt before, the shipment is deemed received "
                        "on %(day)s."
                    ),
                    {"day": later(date_format, shipment.deemed_receipt_on, "DATE_FORMAT")},
                ),
                url=reverse("orders:view", args=[shipment.order_id]) + "#shipments",
                order_id=shipment.order_id,
            )
            for shipment in shipments
        ]
    )
    return len(claimed)
