"""The sentences of chat system messages, rendered in each reader's language at display time.

A system message stores its kind and its data (``Message.system_kind``, ``system_data``), not
a sentence: the page, the socket frames and the REST history render it through ``render`` in
the language active for the reader. ``Message.body`` keeps the English sentence, the fallback
for a kind nobody registered any more and for rows written before kinds existed.

Other apps add their kinds with ``register`` (in their AppConfig.ready), e.g. payments'
reminders; the values every kind may use (money, dates, changed terms, shipments) are
prepared here once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import quantity_with_unit
from common.i18n import by_side
from common.money import format_money
from orders.terms import labels_translated


@dataclass(frozen=True)
class Kind:
    # A lazy gettext format string with %(name)s placeholders, or one per acting side (by_side).
    template: str | dict
    values: Callable[[dict], dict] | None = None  # extra values from the stored data


KINDS: dict[str, Kind] = {}


def register(name: str, template, values: Callable[[dict], dict] | None = None) -> None:
    KINDS[name] = Kind(template=template, values=values)


for _name, _template in {
    "created": gettext_lazy("Seller drafted the letter of intent."),
    "awarded": gettext_lazy(
        "The buyer accepted your quotation: the letter of intent is drafted from it. "
        "Check it and confirm it to send it to the buyer."
    ),
    "started": gettext_lazy(
        "Buyer started the order and confirmed version %(version)s: waiting for the seller."
    ),
    "draft_saved": gettext_lazy("Seller updated the draft: %(changed)s."),
    "confirmed": by_side(
        gettext_lazy("Buyer confirmed version %(version)s: waiting for the seller."),
        gettext_lazy("Seller confirmed version %(version)s: waiting for the buyer."),
    ),
    "modified": by_side(
        gettext_lazy(
            "Buyer modified the order: %(changed)s. Version %(version)s waits for the seller."
        ),
        gettext_lazy(
            "Seller modified the order: %(changed)s. Version %(version)s waits for the buyer."
        ),
    ),
    "agreed": gettext_lazy("Both parties confirmed version %(version)s: awaiting payment."),
    "cancelled": by_side(
        gettext_lazy("Buyer cancelled: %(reason)s"),
        gettext_lazy("Seller cancelled: %(reason)s"),
        portal=gettext_lazy("The portal cancelled the order: %(reason)s"),
    ),
    "payment_recorded": gettext_lazy("An instalment is paid (%(amount)s received)."),
    "paid": gettext_lazy("Paid in full (%(amount)s)."),
    "overdue": gettext_lazy("An instalment is overdue."),
    "ready_to_ship": gettext_lazy("Everything due before shipment is paid: the seller may ship."),
    "refund_owed": gettext_lazy("A refund of %(amount)s is owed to the buyer."),
    "shipped": gettext_lazy(
        "Seller shipped shipment %(shipment)s on %(ship_date)s: %(goods)s (%(how)s)."
    ),
    "received": gettext_lazy("Buyer confirmed the receipt of shipment %(shipment)s."),
    "deemed_received": gettext_lazy(
        "Shipment %(shipment)s is deemed received: its receipt was not confirmed in time."
    ),
    "delivered": gettext_lazy("Everything ordered has been received."),
    "amendment_proposed": by_side(
        gettext_lazy(
            "Buyer proposed an amendment (%(changed)s), waiting for the seller. Reason: %(reason)s"
        ),
        gettext_lazy(
            "Seller proposed an amendment (%(changed)s), waiting for the buyer. Reason: %(reason)s"
        ),
    ),
    "amendment_accepted": by_side(
        gettext_lazy(
            "Buyer accepted the amendment (%(changed)s): version %(version)s is now the "
            "agreed order."
        ),
        gettext_lazy(
            "Seller accepted the amendment (%(changed)s): version %(version)s is now the "
            "agreed order."
        ),
    ),
    "amendment_rejected": by_side(
        gettext_lazy("Buyer rejected the amendment: the agreed terms stay."),
        gettext_lazy("Seller rejected the amendment: the agreed terms stay."),
    ),
    "amendment_withdrawn": by_side(
        gettext_lazy("Buyer withdrew the amendment: the agreed terms stay."),
        gettext_lazy("Seller withdrew the amendment: the agreed terms stay."),
    ),
    "extension_requested": by_side(
        gettext_lazy(
            "Buyer asked the seller to extend the expired confirmation of version %(version)s."
        ),
        gettext_lazy(
            "Seller asked the buyer to extend the expired confirmation of version %(version)s."
        ),
    ),
    "offer_extended": by_side(
        gettext_lazy(
            "Buyer extended the confirmation of version %(version)s: "
            "the seller may confirm it again."
        ),
        gettext_lazy(
            "Seller extended the confirmation of version %(version)s: "
            "the buyer may confirm it again."
        ),
    ),
    # Issue 14 point 1: offers made in the chat (orders/offers.py); the card shows the terms.
    "offer_made": by_side(
        gettext_lazy("Buyer made an offer: %(changed)s."),
        gettext_lazy("Seller made an offer: %(changed)s."),
    ),
    "offer_accepted": by_side(
        gettext_lazy(
            "Buyer accepted the offer (%(changed)s): version %(version)s waits for the seller."
        ),
        gettext_lazy(
            "Seller accepted the offer (%(changed)s): version %(version)s waits for the buyer."
        ),
    ),
    "offer_declined": by_side(
        gettext_lazy("Buyer declined the offer."), gettext_lazy("Seller declined the offer.")
    ),
    "offer_withdrawn": by_side(
        gettext_lazy("Buyer withdrew the offer."), gettext_lazy("Seller withdrew the offer.")
    ),
    "offer_stale": by_side(
        gettext_lazy("Buyer could not accept the offer: the order changed since it was made."),
        gettext_lazy("Seller could not accept the offer: the order changed since it was made."),
    ),
}.items():
    register(_name, _template)


def format_date(value) -> str:
    """An ISO date from the stored data in the reader's date format (as stored if not one)."""
    day = value if isinstance(value, datetime.date) else parse_date(str(value or ""))
    return date_format(day, "DATE_FORMAT") if day else str(value or "")


def changed_labels(labels) -> str:
    """The stored (English) labels of changed terms, in the reader's language."""
    return labels_translated(labels) or _("no terms")


def shipment_values(data: dict) -> dict:
    """The goods and the carriage of a shipment event, as the chat line names them."""
    goods = ", ".join(
        f"{quantity_with_unit(Decimal(line['quantity']), line['unit'])} {line['name']}"
        for line in data.get("lines", [])
    )
    how = [data.get("carrier", "")]
    if data.get("tracking_number"):
        how.append(_("tracking %(number)s") % {"number": data["tracking_number"]})
    if data.get("transport_document_number"):
        how.append(_("B/L or AWB %(number)s") % {"number": data["transport_document_number"]})
    return {
        "shipment": data.get("shipment", ""),
        "ship_date": format_date(data.get("ship_date", "")),
        "goods": goods,
        "how": ", ".join(part for part in how if part),
    }


def _values(data: dict) -> dict:
    values = {
        **data,
        "changed": changed_labels(data.get("changed")),
        "reason": data.get("reason", ""),
    }
    if data.get("amount") is not None and data.get("currency"):
        values["amount"] = format_money(Decimal(str(data["amount"])), data["currency"])
    if "deadline" in data:
        values["deadline"] = format_date(data["deadline"])
    if "lines" in data or "ship_date" in data:
        values.update(shipment_values(data))
    return values


def render(kind: str, data: dict, fallback: str = "") -> str:
    """The sentence of a system message in the active language; ``fallback`` (the stored
    English text) for an unknown kind or data it cannot be rendered from."""
    entry = KINDS.get(kind)
    if entry is None:
        return fallback
    try:
        values = _values(data)
        if entry.values is not None:
            values.update(entry.values(data))
        template = entry.template
        if isinstance(template, dict):
            template = template[data.get("side") or ""]
        return str(template) % values
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return fallback


def render_english(kind: str, data: dict) -> str:
    """The stored fallback: the sentence in the default language."""
    with translation.override("en"):
        return render(kind, data)


def message_text(message) -> str:
    """What a reader sees as the body of a chat message, in the active language."""
    if message.system_kind:
        return render(message.system_kind, message.system_data, message.body)
    return message.body
