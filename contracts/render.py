"""The contract PDF: the sealed revision's canonical terms rendered by WeasyPrint.

It is written in the two parties' languages side by side (``Contract.languages``: the
seller's, then the buyer's; one column when they share it). Every row of the document holds the
same text in each column: headings, labels, and the amounts, dates, numbers, country and choice
names formatted in that column's language. What the parties entered (product names,
specifications, packaging, addresses, contacts, file names) is data and printed as entered.

Everything printed comes from the sealed document (the revision that hashes to the seal), not
from the order row, which an amendment may have changed since. The seal digest is printed and
also stored in the PDF's document information (``/sealdigest``, and in ``/Keywords``), so a
file can name the seal it claims to carry without anyone reading its text.
"""

import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from django_countries import countries

from catalog.models import Unit, quantity_with_unit
from common.money import format_money
from contracts import selectors
from orders import terms as order_terms
from orders.models import BalanceDue, Incoterm, PaymentMethod, Revision, ShippingMethod

# The <meta> name that carries the seal: with custom_metadata=True WeasyPrint writes it into
# the PDF's document information, where pypdf reads it back as SEAL_KEY.
SEAL_META = "sealdigest"
SEAL_KEY = "/sealdigest"


def verify_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("contracts:verify", args=[token])


@functools.cache
def _weasyprint():
    # Imported on first use: it loads pango and fontconfig, about a second, which only the
    # render task needs.
    import weasyprint

    return weasyprint


def _money(value, currency: str) -> str:
    return format_money(None if value in (None, "") else Decimal(value), currency)


def _choice(choices, value) -> str:
    return str(dict(choices.choices).get(value, value)) if value else "—"


def _country(code) -> str:
    return str(countries.name(code)) if code else ""


def _place(place: str, code: str) -> str:
    return ", ".join(part for part in (place, _country(code)) if part) or "—"


def _date(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _moment(value: datetime.datetime) -> str:
    """A time in the active language's format, with its time zone's name."""
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}"


def _delivery(shipping: dict) -> str:
    if shipping.get("delivery_date"):
        return _date(datetime.date.fromisoformat(shipping["delivery_date"]))
    days = shipping.get("delivery_lead_days")
    if days is None:
        return "—"
    return ngettext("%(days)s day after payment", "%(days)s days after payment", days) % {
        "days": days
    }


def _schedule(document: dict, agreed_at: datetime.datetime) -> list[dict]:
    """The payment schedule the sealed terms ask for (payments' own rule), as printed rows."""
    from payments.selectors import schedule_for

    currency = document["totals"]["currency"]
    percent = document["payment"].get("initial_payment_percent") or 0
    rows = []
    for row in schedule_for(terms=document, agreed_at=agreed_at, shipped_on=None, received_on=None):
        if row["due_event"] in ("agreement", BalanceDue.BEFORE_SHIPMENT):
            when = ngettext(
                "within %(days)s day of the agreement, by %(date)s",
                "within %(days)s days of the agreement, by %(date)s",
                row["due_days"],
            ) % {
                "days": row["due_days"],
                "date": _date(timezone.localtime(row["due_at"]).date()),
            }
            if row["due_event"] == BalanceDue.BEFORE_SHIPMENT:
                when = _("before shipment, %(when)s") % {"when": when}
        else:
            when = ngettext(
                "%(days)s day %(event)s", "%(days)s days %(event)s", row["due_days"]
            ) % {
                "days": row["due_days"],
                "event": BalanceDue(row["due_event"]).label,
            }
        label = (
            _("Initial payment (%(percent)s %%)") % {"percent": percent}
            if row["kind"] == "initial"
            else _("Balance")
        )
        rows.append({"label": label, "when": when, "amount": format_money(row["amount"], currency)})
    return rows


def _confirmation_rows(confirmations: list) -> list[dict]:
    actions = {"proposed": _("proposed"), "confirmed": _("confirmed"), "accepted": _("accepted")}
    return [
        {
            "side": _("Buyer") if confirmation.side == "buyer" else _("Seller"),
            "name": confirmation.user.display_name,
            "action": actions[confirmation.action],
            "at": _moment(confirmation.at),
        }
        for confirmation in confirmations
    ]


def _column(contract, document: dict, agreed_at, confirmations: list) -> dict:
    """Everything the PDF prints that depends on the language: call it inside ``override``."""
    currency = document["totals"]["currency"]
    shipping, payment = document["shipping"], document["payment"]
    negotiation = contract.order.negotiation
    balance = payment.get("balance_due")
    if payment.get("initial_payment_percent") == 100:
        balance_text = _("none (paid in full up front)")
    elif balance and payment.get("balance_due_days") is not None:
        balance_text = ngettext(
            "%(days)s day %(event)s", "%(days)s days %(event)s", payment["balance_due_days"]
        ) % {
            "days": payment["balance_due_days"],
            "event": BalanceDue(balance).label,
        }
    else:
        balance_text = _choice(BalanceDue, balance)
    return {
        "sealed_at": _moment(contract.sealed_at),
        "seller_country": _country(negotiation.seller_company.country),
        "buyer_country": _country(negotiation.buyer_company.country),
        "lines": [
            {
                "quantity": quantity_with_unit(Decimal(line["quantity"]), line["unit"])
                if line.get("quantity") and line.get("unit") in Unit.values
                else line.get("quantity") or "",
                "unit_price": _money(line.get("unit_price"), currency),
                "total": _money(line.get("line_total"), currency),
            }
            for line in document["product"]["lines"]
        ],
        "totals": [
            {"label": label, "value": _money(document["totals"].get(name), currency)}
            for name, label in zip(
                order_terms.TOTALS_FIELDS[1:],
                (_("Goods total"), _("Shipping fee"), _("Total")),
                strict=True,
            )
        ],
        "shipping": [
            {"label": label, "value": value}
            for label, value in (
                (_("Incoterm"), _choice(Incoterm, shipping.get("incoterm"))),
                (_("Shipping method"), _choice(ShippingMethod, shipping.get("shipping_method"))),
                (_("Origin"), _place(shipping.get("origin_port"), shipping.get("origin_country"))),
                (
                    _("Destination"),
                    _place(
                        shipping.get("destination_address"), shipping.get("destination_country")
                    ),
                ),
                (_("Shipping fee"), _money(shipping.get("shipping_fee"), currency)),
                (_("Packaging"), shipping.get("packaging") or "—"),
                (_("Delivery"), _delivery(shipping)),
            )
        ],
        "payment": [
            {"label": label, "value": value}
            for label, value in (
                (_("Currency"), currency),
                (_("Payment method"), _choice(PaymentMethod, payment.get("payment_method"))),
                (_("Initial payment"), f"{payment.get('initial_payment_percent')} %"),
                (_("Balance due"), balance_text),
                (
                    _("Payment deadline"),
                    ngettext(
                        "%(days)s day after both confirm",
                        "%(days)s days after both confirm",
                        payment["payment_deadline_days"],
                    )
                    % {"days": payment["payment_deadline_days"]}
                    if payment.get("payment_deadline_days") is not None
                    else "—",
                ),
            )
        ],
        "schedule": _schedule(document, agreed_at),
        "confirmations": _confirmation_rows(confirmations),
    }


def _across(columns: list[dict], key: str) -> list[list[dict]]:
    """The rows of a per-language list: its i-th item in every column, side by side, each
    knowing its column's language."""
    return [
        [{**item, "lang": column["lang"]} for item, column in zip(items, columns, strict=True)]
        for items in zip(*(column[key] for column in columns), strict=True)
    ]


def contract_context(contract) -> dict:
    order = contract.order
    negotiation = order.negotiation
    revision = Revision.objects.select_related("author").get(
        order=order, version=contract.agreed_version
    )
    document = revision.terms
    confirmations = selectors.sealed_confirmations(order_id=order.pk, revision=revision)
    agreed_at = order.agreed_at or revision.created_at
    columns = []
    for code in contract.languages:
        with override(code):
            columns.append(
                {
                    "code": code,
                    "lang": code,
                    **_column(contract, document, agreed_at, confirmations),
                }
            )
    url = verify_url(contract.token)
    return {
        "contract": contract,
        "order": order,
        "seller": negotiation.seller_company,
        "buyer": negotiation.buyer_company,
        "contacts": document["contacts"],
        "columns": columns,
        "lines": [
            {
                "name": line["name"],
                "specification": line.get("specification") or "",
                "cells": cells,
            }
            for line, cells in zip(
                document["product"]["lines"], _across(columns, "lines"), strict=True
            )
        ],
        "totals": _across(columns, "totals"),
        "shipping": _across(columns, "shipping"),
        "payment": _across(columns, "payment"),
        "schedule": _across(columns, "schedule"),
        "confirmations": _across(columns, "confirmations"),
        "attachments": [
            {"name": item.get("name", ""), "sha256": item.get("sha256", "")}
            for item in document.get("attachments") or []
        ],
        "verify_url": url,
        "qr": _qr_data_uri(url),
        "seal_meta": SEAL_META,
    }


def _qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def contract_pdf(contract) -> bytes:
    """The PDF bytes of a contract, in its parties' languages side by side."""
    # The template switches language per column ({% language %}); outside them, the first.
    with override(contract.languages[0]):
        html = render_to_string("contracts/contract.html", contract_context(contract))
    return (
        _weasyprint()
        .HTML(string=html, base_url=str(settings.BASE_DIR))
        .write_pdf(custom_metadata=True)
    )
