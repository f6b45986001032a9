"""The letter-of-intent form on the pages: POST data <-> terms values, and fields to render.

Validation is not here: ``orders.terms.clean`` (through the services) checks every value, and
its field-level errors are shown next to the fields built below. This module only reads the
posted strings back into the values dict the services take, and describes each field (label,
input type, choices, current value, error, what changed) for the templates.
"""

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from catalog.models import format_quantity
from common.errors import ValidationFailed
from common.money import currency_choices, format_money
from orders import terms as order_terms
from orders.models import Order, OrderLine

MODULE_TITLES = {
    "product": _("Product"),
    "shipping": _("Shipping"),
    "payment": _("Payment"),
    "contacts": _("Contacts"),
}
LINE_INPUTS = ("key", "product_id", "name", "specification", "quantity", "unit", "unit_price")
_LINE_NAME = re.compile(r"^lines-(\d{1,3})-(\w+)$")


def posted_line_indexes(data) -> list[int]:
    """The form indexes of the posted lines not marked removed, in ``values_from_post`` order."""
    indexes = {int(m.group(1)) for key in data if (m := _LINE_NAME.match(key))}
    return sorted(i for i in indexes if not data.get(f"lines-{i}-remove"))


def values_from_post(data) -> dict:
    """The order's module fields and lines as posted (strings; lines marked removed dropped)."""
    values = {name: data.get(name, "") for name in order_terms.ORDER_FIELDS if name in data}
    if data.get("valid_until"):
        # Not a term: until when the other side may confirm this confirmation as is.
        values["valid_until"] = data["valid_until"]
    lines: dict[int, dict] = {}
    for key in data:
        match = _LINE_NAME.match(key)
        if match and match.group(2) in (*LINE_INPUTS, "remove"):
            lines.setdefault(int(match.group(1)), {})[match.group(2)] = data.get(key)
    values["lines"] = [
        {name: line.get(name, "") for name in LINE_INPUTS}
        for _, line in sorted(lines.items())
        if not line.get("remove")
    ]
    return values


def values_from_terms(terms: dict) -> dict:
    """The saved terms as form values (strings), for the first render."""
    values = {name: _text(terms.get(name)) for name in order_terms.ORDER_FIELDS}
    values["lines"] = [
        {name: _text(line.get(name)) for name in LINE_INPUTS} for line in terms.get("lines", [])
    ]
    return values


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "code"):
        return value.code or ""
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value)


def _choices(model_field) -> list[tuple[str, str]] | None:
    if model_field.name in ("origin_country", "destination_country"):
        return list(countries)
    if model_field.name == "currency":
        return currency_choices()
    if model_field.choices:
        return [(str(value), str(text)) for value, text in model_field.choices]
    return None


@dataclass(frozen=True)
class _ChoiceTable:
    labels: dict[str, str]
    options: tuple[tuple[str, str], ...]  # (value, the rendered <option>)


# Built once per field and language: 250 countries rendered per request cost more than the
# rest of the letter of intent.
_choice_tables: dict[tuple[str, str, str], _ChoiceTable | None] = {}


def _choice_table(model_field) -> _ChoiceTable | None:
    key = (model_field.model.__name__, model_field.name, get_language() or "")
    if key not in _choice_tables:
        choices = _choices(model_field)
        _choice_tables[key] = (
            _ChoiceTable(
                labels={value: str(text) for value, text in choices},
                options=tuple(
                    (value, format_html('<option value="{}">{}</option>', value, text))
                    for value, text in choices
                ),
            )
            if choices
            else None
        )
    return _choice_tables[key]


def _options_html(table: _ChoiceTable, value: str) -> str:
    selected = format_html('<option value="{}" selected>', value)
    start = format_html('<option value="{}">', value)
    return mark_safe(  # noqa: S308 (each option was escaped by format_html)
        "".join(
            html.replace(start, selected, 1) if option_value == value else html
            for option_value, html in table.options
        )
    )


def _input_type(model_field) -> str:
    internal = model_field.get_internal_type()
    if internal == "DateField":
        return "date"
    if internal == "EmailField":
        return "email"
    if internal in ("DecimalField", "PositiveIntegerField", "PositiveSmallIntegerField"):
        return "number"
    if internal == "TextField":
        return "textarea"
    return "text"


def _step(model_field) -> str:
    if model_field.get_internal_type() == "DecimalField":
        return "any"
    return "1"


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


def _field(model_field, name: str, value, errors, changed, required: bool) -> dict:
    table = _choice_table(model_field)
    return {
        "display": table.labels.get(value, value) if table else value,
        "name": name,
        "id": field_id(name),
        "label": capfirst(model_field.verbose_name),
        "type": _input_type(model_field),
        "step": _step(model_field),
        "choices": table is not None,
        "options": (lambda: _options_html(table, value)) if table else None,
        "value": value,
        "errors": errors or [],
        "changed": changed,
        "required": required,
        "one_of": False,
    }


DELIVERY_FIELDS = ("delivery_lead_days", "delivery_date")


def module_sections(
    values: dict,
    errors: dict,
    changes: list[dict] | None = None,
    required: set[str] | list[str] | None = None,
) -> list[dict]:
    """Each module with its fields (and, for Product, its lines) ready to render.

    ``errors`` is ``ValidationFailed.errors``; ``changes`` (from ``orders.terms.diff``) marks
    each changed field with its previous value; ``required`` (``required_names``) marks the
    fields the terms need, and the delivery pair as "one of the two".
    """
    required = set(required_names({}) if required is None else required)
    changed_fields = {}
    changed_lines: dict[tuple[str, str], dict] = {}
    added_lines = set()
    for change in changes or []:
        if change["module"] == "product":
            if change["change"] == "added":
                added_lines.add(change["line_key"])
            elif change["change"] == "changed":
                changed_lines[(change["line_key"], change["field"])] = change
        elif change["module"] != "totals":
            changed_fields[change["field"]] = change
    line_errors = errors.get("lines") if isinstance(errors.get("lines"), list) else []
    line_errors = [e if isinstance(e, dict) else {} for e in line_errors]
    line_messages = (
        [e for e in errors.get("lines", []) if isinstance(e, str)] if "lines" in errors else []
    )
    lines = []
    for index, line in enumerate(values.get("lines", [])):
        row_errors = line_errors[index] if index < len(line_errors) else {}
        # Start Order reports the main line's quantity error at the top level.
        if index == 0 and "quantity" in errors:
            row_errors = {**row_errors, "quantity": errors["quantity"]}
        fields = []
        for name in ("name", "specification", "quantity", "unit", "unit_price"):
            model_field = OrderLine._meta.get_field(name)
            fields.append(
                _field(
                    model_field,
                    f"lines-{index}-{name}",
                    line.get(name, ""),
                    row_errors.get(name),
                    changed_lines.get((line.get("key", ""), name)),
                    name in order_terms.REQUIRED_LINE_FIELDS,
                )
            )
            fields[-1]["id"] = field_id(f"lines.{index}.{name}")
        lines.append(
            {
                "index": index,
                "key": line.get("key", ""),
                "product_id": line.get("product_id", ""),
                "fields": fields,
                "added": line.get("key") in added_lines,
                "errors": [m for k, ms in row_errors.items() if k == "key" for m in ms],
            }
        )
    sections = [
        {
            "module": "product",
            "title": MODULE_TITLES["product"],
            "lines": lines,
            "errors": line_messages,
            "fields": [],
        }
    ]
    for module, names in order_terms.MODULE_FIELDS.items():
        fields = [
            _field(
                Order._meta.get_field(name),
                name,
                values.get(name, ""),
                errors.get(name),
                changed_fields.get(name),
                name in required,
            )
            for name in names
        ]
        for f in fields:
            f["one_of"] = f["name"] in DELIVERY_FIELDS and "delivery" in required
        sections.append(
            {"module": module, "title": MODULE_TITLES[module], "fields": fields, "errors": []}
        )
    _format_amounts(sections, values.get("currency", ""))
    return sections


MONEY_FIELDS = ("unit_price", "shipping_fee")


def _format_amounts(sections: list[dict], currency: str) -> None:
    """Read-only amounts and quantities, and what they were before a change, formatted as
    everywhere else in the user's language: "$4,950.00", "1,000"."""
    locale = (get_language() or "en").replace("-", "_")
    fields = [f for s in sections for f in s["fields"]]
    fields += [f for s in sections for line in s.get("lines", []) for f in line["fields"]]
    for f in fields:
        field = f["name"].rsplit("-", 1)[-1]
        if field in MONEY_FIELDS and currency:
            shown = functools.partial(_shown_money, currency=currency, locale=locale)
        elif field == "quantity":
            shown = _shown_quantity
        else:
            continue
        if f["value"] not in ("", None):
            f["display"] = shown(f["value"])
        if f["changed"]:
            before, after = f["changed"].get("before"), f["changed"].get("after")
            f["changed"] = {**f["changed"], "before": shown(before), "after": shown(after)}


def _shown_money(value, *, currency: str, locale: str):
    if value in ("", None):
        return value
    try:
        return format_money(Decimal(str(value)), currency, locale)
    except (InvalidOperation, ValueError):
        return value


def _shown_quantity(value):
    if value in ("", None):
        return value
    try:
        return format_quantity(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return value


def typed_terms(saved: dict, values: dict | None) -> tuple[dict, bool, dict]:
    """The terms as typed in the form, whether they differ from ``saved``, and the typing
    errors (``ValidationFailed.errors``); a value with an error counts as not filled yet."""
    if values is None:
        return saved, False, {}
    try:
        terms, changes = order_terms.apply_values(saved, values)
        return terms, bool(changes), {}
    except ValidationFailed as exc:
        errors = exc.errors
    line_errors = _line_errors(errors)
    usable = {name: ("" if name in errors else value) for name, value in values.items()}
    usable["lines"] = [
        {
            name: ("" if name in line_errors.get(index, {}) else value)
            for name, value in line.items()
        }
        for index, line in enumerate(values.get("lines", []))
    ]
    try:
        terms, _changes = order_terms.apply_values(saved, usable)
    except ValidationFailed:  # e.g. too many lines: nothing to compute from
        terms = saved
    return terms, True, errors


def _line_errors(errors: dict) -> dict[int, dict]:
    lines = errors.get("lines")
    if not isinstance(lines, list):
        return {}
    return {index: e for index, e in enumerate(lines) if isinstance(e, dict) and e}


def live_state(saved: dict, values: dict | None, line_indexes: list[int] | None = None) -> dict:
    """What the letter of intent shows for the typed values: completion (the services' rule),
    totals, line totals, whether anything differs from the saved terms, and what to fix."""
    terms, dirty, errors = typed_terms(saved, values)
    completion = order_terms.completion(terms)
    currency = terms.get("currency") or ""
    problems = missing_links(completion.missing)
    for module, names in order_terms.MODULE_FIELDS.items():
        problems += [
            _link(module, order_terms.label(name), field_id(name), errors[name])
            for name in names
            if name in errors
        ]
    for index, fields in _line_errors(errors).items():
        problems += [
            _link("product", _line_label(index, name), field_id(f"lines.{index}.{name}"), messages)
            for name, messages in fields.items()
            if name in LINE_INPUTS
        ]
    return {
        "completion": completion,
        "modules": completion_modules(completion),
        "missing": problems,
        "complete": completion.complete and not errors,
        "totals": order_terms.totals(terms),
        "line_totals": [
            {"index": index, "total": order_terms.line_total(line, currency)}
            for index, line in zip(
                line_indexes or range(len(terms["lines"])), terms["lines"], strict=False
            )
        ],
        "dirty": dirty,
        "required": sorted(required_names(terms)),
    }


def _link(module: str, text, anchor: str, errors=()) -> dict:
    return {
        "module": MODULE_TITLES[module],
        "label": text,
        "anchor": anchor,
        "error": " ".join(errors),
    }


def _line_label(index: int, name: str) -> str:
    return _("line %(n)s: %(field)s") % {"n": index + 1, "field": order_terms.label(name)}


def decision(order, side: str | None, live: dict, *, actions: set[str], editing: bool) -> dict:
    """Which buttons the letter of intent offers: with unsaved changes only "send them" or
    "discard" (in a draft, the seller's Confirm saves and confirms them together)."""
    from orders.selectors import is_draft

    can_confirm = "confirm" in actions
    can_modify = "modify" in actions
    draft = is_draft(order)
    # The primary button needs complete terms: Confirm, or sending a modified order.
    primary = (can_confirm and (draft or not live["dirty"])) or (editing and live["dirty"])
    return {
        "actions": actions,
        "editing": editing,
        "is_draft": draft,
        "can_modify": can_modify,
        "can_confirm": can_confirm,
        "can_cancel": "cancel" in actions,
        "blocked": primary and not live["complete"],
        "my_turn": order.waiting_for is not None and order.waiting_for == side,
        "waiting_for": order.waiting_for,
        # Issue 14 point 2: the current confirmation's validity, and what its expiry allows.
        "valid_until": order.valid_until if order.status in order.OFFER_STATES else None,
        "offer_expired": order.offer_expired(),
        "extension_requested_at": order.extension_requested_at,
        "can_extend": "extend" in actions,
        "can_request_extension": "request_extension" in actions,
    }


def required_names(terms: dict) -> set[str]:
    """The fields these terms require (the services' rule), as form field names."""
    return {name for names in order_terms.required_fields(terms).values() for name in names}


def completion_modules(completion) -> list[dict]:
    """Each module's title and percent, in module order."""
    return [
        {"name": name, "title": MODULE_TITLES[name], "percent": module.percent}
        for name, module in completion.modules.items()
    ]


def missing_links(missing: dict[str, list[str]]) -> list[dict]:
    """Missing fields by module (``Completion.missing``, or the ``missing`` a service refused
    with) as (module, label, anchor) for the page."""
    links = []
    for module, names in missing.items():
        for name in names:
            if name == "lines":
                links.append(_link(module, order_terms.label("lines"), "module-product"))
            elif name.startswith("lines."):
                index, field = name.split(".")[1:]
                links.append(_link(module, _line_label(int(index), field), field_id(name)))
            elif name == "delivery":
                anchor = field_id("delivery_lead_days")
                links.append(_link(module, order_terms.label(name), anchor))
            else:
                links.append(_link(module, order_terms.label(name), field_id(name)))
    return links


CHANGE_MONEY_FIELDS = (*MONEY_FIELDS, "line_total", "goods_total", "total")


def change_rows(changes: list[dict], *, currency: str = "") -> list[dict]:
    """``orders.terms.diff`` changes as rows for a before/after table; amounts are formatted
    as money everywhere else is, in ``currency`` (the terms' currency after the change; a
    currency change shows the old amounts in the old currency)."""
    old_currency = currency
    for change in changes:
        if change["module"] == "totals" and change["field"] == "currency":
            old_currency, currency = change["before"] or currency, change["after"] or currency
    locale = (get_language() or "en").replace("-", "_")

    def shown(value, field, in_currency):
        if field in CHANGE_MONEY_FIELDS and value not in ("", None) and in_currency:
            return _shown_money(value, currency=in_currency, locale=locale)
        if field == "quantity":
            return _shown_quantity(value)
        return _text(value)

    rows = []
    for change in changes:
        if change["module"] == "product" and change["field"] == "line":
            item = change["after"] or change["before"]
            summary = _line_summary(item)
            rows.append(
                {
                    "module": MODULE_TITLES["product"],
                    "label": _("line “%(name)s”") % {"name": change["line"]},
                    "change": change["change"],
                    "before": summary if change["change"] == "removed" else "",
                    "after": summary if change["change"] == "added" else "",
                }
            )
            continue
        if change["module"] == "attachments":
            rows.append(_attachment_row(change))
            continue
        module = MODULE_TITLES.get(change["module"], _("Totals"))
        text = order_terms.label(change["field"])
        if change.get("line"):
            text = f"{change['line']}: {text}"
        rows.append(
            {
                "module": module,
                "label": text,
                "change": change["change"],
                "before": shown(change["before"], change["field"], old_currency),
                "after": shown(change["after"], change["field"], currency),
            }
        )
    return rows


def _attachment_row(change: dict) -> dict:
    """An attachment added or removed (issue 14 point 3): its name, size and short SHA-256."""
    item = change["after"] or change["before"]
    summary = (
        f"{item['name']} ({filesizeformat(item.get('size') or 0)}, SHA-256 {item['sha256'][:12]}…)"
    )
    return {
        "module": _("Attachments"),
        "label": _("attachment “%(name)s”") % {"name": item["name"]},
        "change": change["change"],
        "before": summary if change["change"] == "removed" else "",
        "after": summary if change["change"] == "added" else "",
    }


def _line_summary(line: dict) -> str:
    return (
        f"{line.get('name')}: {line.get('quantity')} {line.get('unit')} × {line.get('unit_price')}"
    )


def start_values(product, user) -> dict:
    """Start Order's first render: prefilled from the product, its seller and the buyer."""
    company = user.company
    values = dict.fromkeys(order_terms.ORDER_FIELDS, "")
    values.update(
        currency=product.currency,
        origin_country=product.seller.country.code,
        destination_country=company.country.code if company else "",
        delivery_lead_days=str(product.lead_time_days),
        buyer_contact_name=user.display_name,
        buyer_contact_email=user.email,
        buyer_contact_phone=user.phone,
    )
    values["lines"] = [
        {
            "key": "",
            "product_id": str(product.pk),
            "name": product.name,
            "specification": "",
            "quantity": format(product.moq.normalize(), "f"),
            "unit": product.unit,
            "unit_price": "",
        }
    ]
    return values


# Start Order shows these read-only: the service takes them from the seller.
START_ORDER_SELLER_FIELDS = (
    "origin_country",
    "shipping_fee",
    "seller_contact_name",
    "seller_contact_email",
    "seller_contact_phone",
)


def start_order_form(values: dict, errors: dict, seller) -> dict:
    """Start Order's sections, with the seller's side read-only (its values from ``seller``,
    an ``orders.selectors.StartOrderSeller``), and the Incoterms offered to the destination."""
    values = {**values, **{k: _text(v) for k, v in seller.terms.items()}, "shipping_fee": ""}
    sections = module_sections(values, errors)
    destination = values.get("destination_country", "")
    for section in sections:
        for f in section["fields"]:
            f["readonly"] = f["name"] in START_ORDER_SELLER_FIELDS
            if f["name"] == "incoterm":
                f["incoterms"] = [
                    {
                        "value": value,
                        "label": label,
                        "selected": value == f["value"],
                        "offered": seller.offers(value, destination),
                    }
                    for value, label in Order._meta.get_field("incoterm").choices
                ]
    return {
        "sections": sections,
        "destination": countries.name(destination) if destination else "",
        "unavailable": seller.unavailable,
        "destination_rate": seller.rate_to(destination),
        "buyer_carriage": ", ".join(order_terms.BUYER_CARRIAGE_INCOTERMS),
        "seller_carriage": ", ".join(order_terms.SELLER_CARRIAGE_INCOTERMS),
    }
