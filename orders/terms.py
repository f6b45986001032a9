"""The terms of an order as plain data: cleaning, completion, totals, canonical form, diff.

Everything here is a pure function of the terms, so the same rules serve the API, the pages,
the services and the revision history. ``Terms`` is a dict of the order's module fields plus
``lines``, a list of line dicts; ``canonical`` turns it into the stable JSON form that
revisions store and the seal digests.
"""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from common.errors import ValidationFailed
from common.fields import clean_value
from common.money import MAX_AMOUNT, money_string, price_string, quantize

MODULES = ("product", "shipping", "payment", "contacts")

MODULE_FIELDS = {
    "shipping": (
        "incoterm",
        "shipping_method",
        "origin_country",
        "origin_port",
        "destination_country",
        "destination_address",
        "shipping_fee",
        "packaging",
        "delivery_lead_days",
        "delivery_date",
    ),
    "payment": (
        "currency",
        "payment_method",
        "initial_payment_percent",
        "balance_due",
        "balance_due_days",
        "payment_deadline_days",
    ),
    "contacts": (
        "buyer_contact_name",
        "buyer_contact_email",
        "buyer_contact_phone",
        "seller_contact_name",
        "seller_contact_email",
        "seller_contact_phone",
    ),
}
ORDER_FIELDS = tuple(name for names in MODULE_FIELDS.values() for name in names)
LINE_FIELDS = ("product_id", "name", "specification", "quantity", "unit", "unit_price")
TOTALS_FIELDS = ("currency", "goods_total", "shipping_fee", "total")
# An attachment as the terms name it (issue 14 point 3); the sealed contract reads name, sha256.
ATTACHMENT_FIELDS = ("name", "sha256", "size", "content_type")
REQUIRED_LINE_FIELDS = ("name", "quantity", "unit", "unit_price")
MAX_LINES = 50

# Who pays the main carriage follows the Incoterm (Incoterms 2020). Under these four the buyer
# books and pays it (EXW: from the seller's premises; FCA: from the carrier the buyer names;
# FAS, FOB: from the port of shipment), so the order needs no shipping fee. Under the other
# seven (CFR, CIF, CPT, CIP, DAP, DPU, DDP) the seller carries the goods to the destination
# and the shipping fee is part of the price.
BUYER_CARRIAGE_INCOTERMS = ("EXW", "FCA", "FAS", "FOB")
SELLER_CARRIAGE_INCOTERMS = ("CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")


def seller_pays_carriage(incoterm: str | None) -> bool:
    """Whether the shipping fee is part of the order (one of the seven seller-carriage rules)."""
    return incoterm in SELLER_CARRIAGE_INCOTERMS


# Labels for the missing-fields list and the diff; "delivery" stands for lead time or date.
FIELD_LABELS = {
    "lines": _("at least one product line"),
    "name": _("item"),
    "specification": _("specification"),
    "quantity": _("quantity"),
    "unit": _("unit"),
    "unit_price": _("unit price"),
    "product_id": _("catalog product"),
    "incoterm": _("Incoterm"),
    "shipping_method": _("shipping method"),
    "origin_country": _("origin country"),
    "origin_port": _("origin port or city"),
    "destination_country": _("destination country"),
    "destination_address": _("destination port or address"),
    "shipping_fee": _("shipping fee"),
    "packaging": _("packaging"),
    "delivery": _("delivery (lead time or date)"),
    "delivery_lead_days": _("delivery lead time"),
    "delivery_date": _("delivery date"),
    "currency": _("currency"),
    "payment_method": _("payment method"),
    "initial_payment_percent": _("initial payment"),
    "balance_due": _("balance due"),
    "balance_due_days": _("days until the balance is due"),
    "payment_deadline_days": _("payment deadline"),
    "buyer_contact_name": _("buyer contact name"),
    "buyer_contact_email": _("buyer contact e-mail"),
    "buyer_contact_phone": _("buyer contact phone"),
    "seller_contact_name": _("seller contact name"),
    "seller_contact_email": _("seller contact e-mail"),
    "seller_contact_phone": _("seller contact phone"),
    "goods_total": _("goods total"),
    "total": _("total"),
}


LINE_CHANGES = {"added": gettext_lazy("added line"), "removed": gettext_lazy("removed line")}
ATTACHMENT_CHANGES = {
    "added": gettext_lazy("added attachment"),
    "removed": gettext_lazy("removed attachment"),
}


def label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name.replace("_", " ")))


def _filled(value) -> bool:
    return value not in (None, "")


# --- Cleaning -----------------------------------------------------------------------------


def clean(data: dict) -> dict:
    """Validates and converts raw terms (strings from a form or JSON values) to typed terms.

    Each field is checked by its model field (type, length, choices, range validators), so the
    database, the API and the pages share one definition. Missing fields are allowed here:
    completeness is a separate question (see ``completion``). Raises ValidationFailed with
    field-level errors; line errors are keyed ``lines`` with one dict per line.
    """
    from orders.models import Order, OrderLine

    errors: dict = {}
    cleaned: dict = {}
    for name in ORDER_FIELDS:
        model_field = Order._meta.get_field(name)
        try:
            cleaned[name] = clean_value(model_field, data.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages

    raw_lines = data.get("lines") or []
    if not isinstance(raw_lines, list):
        errors["lines"] = [str(_("Expected a list of lines."))]
        raw_lines = []
    if len(raw_lines) > MAX_LINES:
        errors["lines"] = [str(_("At most %(n)d lines.") % {"n": MAX_LINES})]
        raw_lines = []
    lines, line_errors, seen_keys = [], [], set()
    for raw in raw_lines:
        line, line_error = {}, {}
        if not isinstance(raw, dict):
            line_errors.append({"non_field_errors": [str(_("Expected an object."))]})
            continue
        try:
            line["key"] = str(uuid.UUID(str(raw["key"]))) if raw.get("key") else str(uuid.uuid4())
        except ValueError:
            line_error["key"] = [str(_("Not a valid line key."))]
        if line.get("key") in seen_keys:
            line_error["key"] = [str(_("Two lines have the same key."))]
        seen_keys.add(line.get("key"))
        for name in LINE_FIELDS:
            model_field = OrderLine._meta.get_field(name.removesuffix("_id"))
            try:
                if name == "product_id":
                    value = raw.get(name)
                    line[name] = int(value) if _filled(value) else None
                else:
                    line[name] = clean_value(model_field, raw.get(name))
            except (ValidationError, TypeError, ValueError) as exc:
                messages = getattr(exc, "messages", [str(_("Enter a whole number."))])
                line_error[name] = messages
        lines.append(line)
        line_errors.append(line_error)
    if any(line_errors):
        errors["lines"] = line_errors
    cleaned["lines"] = lines
    # Attachments are not typed in: they come from the order (from_order) or a document
    # (from_document) and only orders.attachments changes them (apply_values keeps them).
    cleaned["attachments"] = _attachment_items(data.get("attachments"))
    if not balance_counts_days(cleaned):
        # The day count belongs to "N days after shipment / delivery" only.
        cleaned["balance_due_days"] = None
    if not errors:
        errors = _total_errors(cleaned)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _attachment_items(attachments) -> list[dict]:
    """Attachments in their canonical order: by name, then content (SHA-256)."""
    items = [{name: item.get(name) for name in ATTACHMENT_FIELDS} for item in attachments or []]
    return sorted(items, key=lambda item: (item["name"], item["sha256"]))


def _total_errors(terms: dict) -> dict:
    """Line totals and the order total must fit the stored amounts (common.money.MAX_AMOUNT)."""
    too_large = str(_("This is more than the largest amount an order can hold (%(max)s).")) % {
        "max": f"{MAX_AMOUNT:,.0f}"
    }
    line_errors = [
        {"unit_price": [too_large]}
        if _filled(line.get("quantity"))
        and _filled(line.get("unit_price"))
        and line["quantity"] * line["unit_price"] >= MAX_AMOUNT
        else {}
        for line in terms["lines"]
    ]
    if any(line_errors):
        return {"lines": line_errors}
    goods = sum(
        (
            line["quantity"] * line["unit_price"]
            for line in terms["lines"]
            if _filled(line.get("quantity")) and _filled(line.get("unit_price"))
        ),
        Decimal(0),
    )
    if goods + (terms.get("shipping_fee") or 0) >= MAX_AMOUNT:
        return {"non_field_errors": [too_large]}
    return {}


# --- Totals and completion ----------------------------------------------------------------


def line_total(line: dict, currency: str) -> Decimal | None:
    if not (_filled(line.get("quantity")) and _filled(line.get("unit_price")) and currency):
        return None
    return quantize(Decimal(line["quantity"]) * Decimal(line["unit_price"]), currency)


@dataclass(frozen=True)
class Totals:
    currency: str
    goods_total: Decimal | None
    shipping_fee: Decimal | None
    total: Decimal | None


def totals(terms: dict) -> Totals:
    currency = terms.get("currency") or ""
    line_totals = [line_total(line, currency) for line in terms.get("lines", [])]
    goods = None
    if currency and line_totals and all(t is not None for t in line_totals):
        goods = quantize(sum(line_totals, Decimal(0)), currency)
    fee = terms.get("shipping_fee")
    fee = quantize(Decimal(fee), currency) if _filled(fee) and currency else None
    # With the main carriage on the buyer, a missing shipping fee adds nothing; without an
    # Incoterm yet, the total waits for one.
    buyer_carries = terms.get("incoterm") in BUYER_CARRIAGE_INCOTERMS
    charged = 0 if fee is None and buyer_carries else fee
    total = goods + charged if goods is not None and charged is not None else None
    return Totals(currency=currency, goods_total=goods, shipping_fee=fee, total=total)


@dataclass(frozen=True)
class ModuleCompletion:
    required: int
    filled: int
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        # Floor, so that 100 % is shown only when nothing is missing.
        return 100 * self.filled // self.required if self.required else 100


@dataclass(frozen=True)
class Completion:
    modules: dict[str, ModuleCompletion]

    @property
    def percent(self) -> int:
        required = sum(m.required for m in self.modules.values())
        filled = sum(m.filled for m in self.modules.values())
        return 100 * filled // required if required else 100

    @property
    def complete(self) -> bool:
        return all(not m.missing for m in self.modules.values())

    @property
    def missing(self) -> dict[str, list[str]]:
        return {name: m.missing for name, m in self.modules.items() if m.missing}

    def as_dict(self) -> dict:
        return {
            "percent": self.percent,
            "complete": self.complete,
            "modules": {
                name: {"percent": m.percent, "missing": m.missing}
                for name, m in self.modules.items()
            },
        }


def required_fields(terms: dict) -> dict[str, list[str]]:
    """The fields each module needs for these terms ("delivery": a lead time or a date).

    The shipping fee only when the Incoterm puts the main carriage on the seller
    (``seller_pays_carriage``); until an Incoterm is chosen only the Incoterm is missing.
    Drafts, modifications, confirmations and Start Order all complete by this one rule.
    """
    shipping = [
        "incoterm",
        "shipping_method",
        "origin_country",
        "origin_port",
        "destination_country",
        "destination_address",
        "shipping_fee",
        "packaging",
        "delivery",
    ]
    if not seller_pays_carriage(terms.get("incoterm")):
        shipping.remove("shipping_fee")
    payment = ["currency", "payment_method", "initial_payment_percent", "payment_deadline_days"]
    # With everything paid up front there is no balance, so no term for it.
    if terms.get("initial_payment_percent") != 100:
        payment.insert(3, "balance_due")
        if balance_counts_days(terms):
            payment.insert(4, "balance_due_days")
    return {"shipping": shipping, "payment": payment, "contacts": list(MODULE_FIELDS["contacts"])}


def balance_counts_days(terms: dict) -> bool:
    """The balance falls due N days after shipment or delivery (``balance_due_days`` is N)."""
    from orders.models import BalanceDue

    return (
        terms.get("initial_payment_percent") != 100
        and terms.get("balance_due") in BalanceDue.counted_from_event()
    )


def completion(terms: dict) -> Completion:
    """Which required fields are filled, per module; missing fields are named for the UI.

    Product: at least one line, and each line's item, quantity, unit and unit price (named
    ``lines.<index>.<field>``). Delivery counts as filled with a lead time or a date.
    """
    lines = terms.get("lines") or []
    if lines:
        missing = [
            f"lines.{index}.{name}"
            for index, line in enumerate(lines)
            for name in REQUIRED_LINE_FIELDS
            if not _filled(line.get(name))
        ]
        product = ModuleCompletion(
            required=len(lines) * len(REQUIRED_LINE_FIELDS),
            filled=len(lines) * len(REQUIRED_LINE_FIELDS) - len(missing),
            missing=missing,
        )
    else:
        product = ModuleCompletion(required=1, filled=0, missing=["lines"])
    modules = {"product": product}
    for module, names in required_fields(terms).items():
        missing = [name for name in names if not _is_field_filled(terms, name)]
        modules[module] = ModuleCompletion(
            required=len(names), filled=len(names) - len(missing), missing=missing
        )
    return Completion(modules=modules)


def _is_field_filled(terms: dict, name: str) -> bool:
    if name == "delivery":
        return _filled(terms.get("delivery_lead_days")) or _filled(terms.get("delivery_date"))
    return _filled(terms.get(name))


# --- Canonical form, digest and diff ------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "code"):  # django-countries Country
        return value.code or ""
    return value


def canonical(terms: dict) -> dict:
    """The stable JSON form of the terms: the same terms always give the same document."""
    currency = terms.get("currency") or ""
    lines = []
    for line in terms.get("lines") or []:
        item = {name: _json_value(line.get(name)) for name in LINE_FIELDS}
        item["key"] = str(line["key"])
        item["line_total"] = _json_value(line_total(line, currency))
        lines.append(item)
    document = {"product": {"lines": lines}}
    for module, names in MODULE_FIELDS.items():
        document[module] = {name: _json_value(terms.get(name)) for name in names}
    if document["payment"]["balance_due_days"] is None:
        # Added with issue 13: left out when unused, so that the documents (and digests) of
        # orders sealed before it stay the same.
        del document["payment"]["balance_due_days"]
    attachments = _attachment_items(terms.get("attachments"))
    if attachments:
        # Added with issue 14: present only when there are attachments, so that the documents
        # (and digests) of orders sealed without any stay the same.
        document["attachments"] = attachments
    t = totals(terms)
    document["totals"] = {
        "currency": currency,
        "goods_total": _json_value(t.goods_total),
        "shipping_fee": _json_value(t.shipping_fee),
        "total": _json_value(t.total),
    }
    return document


def presented(document: dict) -> dict:
    """A canonical document in the API's money format (common.money): amounts with exactly the
    currency's minor unit digits, unit prices with at least them.

    For reading only: digests are over the canonical document as it is.
    """
    currency = document["totals"]["currency"]

    def amount(value, formatter=money_string):
        return None if value in (None, "") else formatter(Decimal(value), currency)

    result = {**document}
    result["product"] = {
        "lines": [
            {
                **line,
                "unit_price": amount(line.get("unit_price"), price_string),
                "line_total": amount(line.get("line_total")),
            }
            for line in document["product"]["lines"]
        ]
    }
    result["shipping"] = {
        **document["shipping"],
        "shipping_fee": amount(document["shipping"].get("shipping_fee")),
    }
    result["totals"] = {
        "currency": currency,
        **{name: amount(document["totals"].get(name)) for name in TOTALS_FIELDS[1:]},
    }
    return result


def digest(document: dict) -> str:
    """SHA-256 of the canonical JSON: sorted keys, no spaces, UTF-8."""
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def diff(before: dict, after: dict) -> list[dict]:
    """Field-by-field changes between two canonical documents.

    Each change: ``module``, ``field``, ``change`` (changed, added or removed), ``before``,
    ``after``; product-line changes also carry ``line_key`` and ``line`` (the item name).
    Lines are matched by their key, so a reordered line is not a change.
    """
    changes = []
    before_lines = {line["key"]: line for line in before["product"]["lines"]}
    after_lines = {line["key"]: line for line in after["product"]["lines"]}
    for key, line in after_lines.items():
        old = before_lines.get(key)
        if old is None:
            changes.append(_line_change("added", key, line["name"], None, line))
            continue
        for name in (*LINE_FIELDS, "line_total"):
            if old.get(name) != line.get(name):
                change = _line_change("changed", key, line["name"], old.get(name), line.get(name))
                change["field"] = name
                changes.append(change)
    for key, line in before_lines.items():
        if key not in after_lines:
            changes.append(_line_change("removed", key, line["name"], line, None))
    changes += _attachment_changes(before.get("attachments", []), after.get("attachments", []))
    for module in (*MODULE_FIELDS, "totals"):
        # In field order, not the documents' key order: PostgreSQL's jsonb reorders keys.
        for name in MODULE_FIELDS.get(module, TOTALS_FIELDS):
            old, value = before[module].get(name), after[module].get(name)
            if old != value:
                changes.append(
                    {
                        "module": module,
                        "field": name,
                        "change": "changed",
                        "before": old,
                        "after": value,
                    }
                )
    return changes


def _attachment_changes(before: list[dict], after: list[dict]) -> list[dict]:
    """Attachments added and removed, matched by name and content: a renamed file is one
    removed and one added."""

    def key(item):
        return (item["name"], item["sha256"])

    old, new = {key(a): a for a in before}, {key(a): a for a in after}
    return [
        {
            "module": "attachments",
            "field": "attachment",
            "change": change,
            "line": item["name"],
            "before": item if change == "removed" else None,
            "after": item if change == "added" else None,
        }
        for change, items in (
            ("added", new.keys() - old.keys()),
            ("removed", old.keys() - new.keys()),
        )
        for item in (new.get(k) or old.get(k) for k in sorted(items))
    ]


def _line_change(change: str, key: str, name: str, before, after) -> dict:
    return {
        "module": "product",
        "field": "line",
        "change": change,
        "line_key": key,
        "line": name,
        "before": before,
        "after": after,
    }


def apply_values(current: dict, values: dict) -> tuple[dict, list[dict]]:
    """The terms once ``values`` (fields left out keep theirs) are applied to ``current``, and
    the changes they make. Raises ValidationFailed like ``clean``."""
    typed = clean({**current, **values, "attachments": current.get("attachments")})
    return typed, diff(canonical(current), canonical(typed))


def changed_field_labels(changes: list[dict]) -> list[str]:
    """Distinct human labels of what changed, for messages such as 'unit price, Incoterm'."""
    seen = []
    for change in changes:
        if change["module"] == "totals" or change["field"] == "line_total":
            continue
        name = change["field"]
        # In English: stored with the event, translated by each reader (chat.system_messages).
        with translation.override("en"):
            changes = ATTACHMENT_CHANGES if change["module"] == "attachments" else LINE_CHANGES
            text = label(name) if change["change"] == "changed" else str(changes[change["change"]])
        if text not in seen:
            seen.append(text)
    return seen


def labels_translated(labels) -> str:
    """Stored (English) labels of ``changed_field_labels`` in the active language, joined."""
    return ", ".join(gettext(text) for text in labels or [])


def from_order(order) -> dict:
    """The terms of a saved order (reads ``order.lines`` through the prefetch cache)."""
    terms = {name: _json_value(getattr(order, name)) for name in ORDER_FIELDS}
    terms.update({name: getattr(order, name) for name in ("shipping_fee", "delivery_date")})
    terms["lines"] = [
        {"key": str(line.key), **{name: getattr(line, name) for name in LINE_FIELDS}}
        for line in order.lines.all()
    ]
    terms["attachments"] = [attachment.as_terms() for attachment in order.current_attachments()]
    return terms


def from_document(document: dict) -> dict:
    """A canonical document back as raw values for ``clean`` (the inverse of ``canonical``)."""
    values = {
        name: document[module].get(name)
        for module, names in MODULE_FIELDS.items()
        for name in names
    }
    values["lines"] = [
        {"key": line["key"], **{name: line.get(name) for name in LINE_FIELDS}}
        for line in document["product"]["lines"]
    ]
    values["attachments"] = document.get("attachments", [])
    return values
