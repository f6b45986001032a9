"""Reads of shipments, each with the access check: the order's parties (and staff) only."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.models import Side
from common.errors import NotFound
from orders import services as order_services
from orders.models import Order, OrderLine
from orders.selectors import order_get_for_user, order_visibility, side_of
from shipments.models import Shipment, ShipmentDocument, ShipmentLine

# The states in which shipments exist or may be recorded (the panel shows from ready_to_ship).
SHIPPING_STATES = ("ready_to_ship", "partly_shipped", "shipped", "delivered", "completed")


def shipments_for_user(user) -> QuerySet[Shipment]:
    """Shipments of the orders the user may see (never a seller's draft: none has any)."""
    visible = Order.objects.filter(order_visibility(user)).values("pk")
    return Shipment.objects.filter(order_id__in=visible)


def _with_details(queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
    return queryset.select_related("created_by", "received_by").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
        Prefetch("documents", queryset=ShipmentDocument.objects.order_by("kind", "pk")),
    )


def shipment_get_for_user(*, user, shipment_id: int) -> Shipment:
    """The shipment with its order (and negotiation), lines and documents; NotFound for anyone
    who is not a party of its order."""
    shipment = (
        _with_details(shipments_for_user(user))
        .select_related("order__negotiation")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise NotFound(_("No such shipment."))
    return shipment


def order_shipments(order: Order) -> list[Shipment]:
    """The order's shipments with lines and documents (three queries however many)."""
    return list(_with_details(Shipment.objects.filter(order=order)).order_by("sequence"))


def order_shipments_for_user(*, user, order_id: int) -> tuple[Order, list[Shipment]]:
    order = order_get_for_user(user=user, order_id=order_id)
    return order, order_shipments(order)


def document_get_for_user(*, user, document_id: int) -> ShipmentDocument:
    document = (
        ShipmentDocument.objects.filter(shipment__in=shipments_for_user(user), pk=document_id)
        .select_related("shipment__order")
        .first()
    )
    if document is None:
        raise NotFound(_("No such document."))
    return document


def quantities_by_line(order: Order, *, received_only: bool = False) -> dict[int, Decimal]:
    """Quantity shipped (or received) so far per order line id, in one query."""
    rows = ShipmentLine.objects.filter(shipment__order=order)
    if received_only:
        rows = rows.filter(shipment__received_at__isnull=False)
    return {
        row["order_line_id"]: row["total"]
        for row in rows.values("order_line_id").annotate(total=Sum("quantity")).order_by()
    }


@dataclass
class LineProgress:
    line: OrderLine
    ordered: Decimal
    shipped: Decimal
    received: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.ordered - self.shipped, Decimal(0))


@dataclass
class ShipmentPanel:
    """What the order page shows about shipping, and what the viewer may do there."""

    order: Order
    side: str | None
    shipments: list[Shipment]
    progress: list[LineProgress] = field(default_factory=list)
    can_ship: bool = False
    can_receive: bool = False


def progress_of(order: Order, shipments: list[Shipment]) -> list[LineProgress]:
    """Per order line: ordered, shipped and received, from shipments already loaded."""
    shipped: dict[int, Decimal] = {}
    received: dict[int, Decimal] = {}
    for shipment in shipments:
        for row in shipment.lines.all():
            shipped[row.order_line_id] = shipped.get(row.order_line_id, 0) + row.quantity
            if shipment.is_received:
                received[row.order_line_id] = received.get(row.order_line_id, 0) + row.quantity
    return [
        LineProgress(
            line=line,
            ordered=line.quantity or Decimal(0),
            shipped=shipped.get(line.pk, Decimal(0)),
            received=received.get(line.pk, Decimal(0)),
        )
        for line in order.lines.all()
    ]


def shipment_panel(*, user, order: Order) -> ShipmentPanel | None:
    """The order page's shipping panel; None before the order is ready to ship (or for users
    who cannot see the order, which the page has already refused)."""
    if order.status not in SHIPPING_STATES:
        return None
    side = side_of(user, order)
    if side is None and not user.is_staff:
        return None
    shipments = order_shipments(order)
    actions = order_services.allowed_actions(order, side)
    return ShipmentPanel(
        order=order,
        side=side,
        shipments=shipments,
        progress=progress_of(order, shipments),
        can_ship=side == Side.SELLER and "ship" in actions,
        can_receive=side == Side.BUYER and "receive" in actions,
    )
