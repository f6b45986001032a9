"""The contract PDF: the sealed revision's canonical terms rendered by WeasyPrint.

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
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from catalog.models import Unit, quantity_with_unit
from common.money import format_money
from orders import terms as order_terms
from orders.models import (
    Amendment,
    BalanceDue,
    Incoterm,
    Order,
    PaymentMethod,
    Revision,
    ShippingMethod,
)

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


def _delivery(shipping: dict) -> str:
    if shipping.get("delivery_date"):
        return datetime.date.fromisoformat(shipping["delivery_date"]).isoformat()
    days = shipping.get("delivery_lead_days")
    if days is None:
        return "—"
    return _("%(days)s days after payment") % {"days": days}


def _schedule(document: dict, agreed_at: datetime.datetime) -> list[dict]:
    """The payment schedule the sealed terms ask for (payments' own rule), as printed rows."""
    from payments.selectors import schedule_for

    currency = document["totals"]["currency"]
    percent = document["payment"].get("initial_payment_percent") or 0
    rows = []
    for row in schedule_for(terms=document, agreed_at=agreed_at, shipped_on=None, received_on=None):
        if row["due_event"] in ("agreement", BalanceDue.BEFORE_SHIPMENT):
            when = _("within %(days)s days of the agreement, by %(date)s") % {
                "days": row["due_days"],
                "date": timezone.localtime(row["due_at"]).date().isoformat(),
            }
            if row["due_event"] == BalanceDue.BEFORE_SHIPMENT:
                when = _("before shipment, %(when)s") % {"when": when}
        else:
            when = _("%(days)s days %(event)s") % {
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


def _confirmations(order: Order, revision: Revision) -> list[dict]:
    """Who confirmed the sealed terms, and when: the proposer of an accepted amendment and its
    acceptor, or the two sides' confirmations of the agreement (the sealing one last)."""
    amendment = (
        Amendment.objects.select_related("proposed_by", "decided_by")
        .filter(order=order, agreed_version=revision.version, state=Amendment.State.ACCEPTED)
        .first()
    )
    if amendment is not None:
        first = (amendment.side, amendment.proposed_by, amendment.created_at, _("proposed"))
    else:
        earlier = (
            Revision.objects.select_related("author")
            .filter(order=order, version__lt=revision.version, digest=revision.digest)
            .exclude(author_side=revision.author_side)
            .order_by("-version")
            .first()
        )
        first = (
            (earlier.author_side, earlier.author, earlier.created_at, _("confirmed"))
            if earlier
            else None
        )
    last = (
        revision.author_side,
        revision.author,
        revision.created_at,
        _("accepted") if amendment else _("confirmed"),
    )
    return [
        {
            "side": _("Buyer") if side == "buyer" else _("Seller"),
            "name": user.display_name,
            "action": action,
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z"),
        }
        for side, user, at, action in (first, last)
        if side
    ]


def contract_context(contract) -> dict:
    order = contract.order
    negotiation = order.negotiation
    revision = Revision.objects.select_related("author").get(
        order=order, version=contract.agreed_version
    )
    document = revision.terms
    currency = document["totals"]["currency"]
    shipping, payment, contacts = document["shipping"], document["payment"], document["contacts"]
    lines = [
        {
            "name": line["name"],
            "specification": line.get("specification") or "",
            "quantity": quantity_with_unit(Decimal(line["quantity"]), line["unit"])
            if line.get("quantity") and line.get("unit") in Unit.values
            else line.get("quantity") or "",
            "unit_price": _money(line.get("unit_price"), currency),
            "total": _money(line.get("line_total"), currency),
        }
        for line in document["product"]["lines"]
    ]
    balance = payment.get("balance_due")
    if payment.get("initial_payment_percent") == 100:
        balance_text = _("none (paid in full up front)")
    elif balance and payment.get("balance_due_days") is not None:
        balance_text = _("%(days)s days %(event)s") % {
            "days": payment["balance_due_days"],
            "event": BalanceDue(balance).label,
        }
    else:
        balance_text = _choice(BalanceDue, balance)
    modules = {
        "shipping": [
            (_("Incoterm"), _choice(Incoterm, shipping.get("incoterm"))),
            (_("Shipping method"), _choice(ShippingMethod, shipping.get("shipping_method"))),
            (_("Origin"), _place(shipping.get("origin_port"), shipping.get("origin_country"))),
            (
                _("Destination"),
                _place(shipping.get("destination_address"), shipping.get("destination_country")),
            ),
            (_("Shipping fee"), _money(shipping.get("shipping_fee"), currency)),
            (_("Packaging"), shipping.get("packaging") or "—"),
            (_("Delivery"), _delivery(shipping)),
        ],
        "payment": [
            (_("Currency"), currency),
            (_("Payment method"), _choice(PaymentMethod, payment.get("payment_method"))),
            (_("Initial payment"), f"{payment.get('initial_payment_percent')} %"),
            (_("Balance due"), balance_text),
            (
                _("Payment deadline"),
                _("%(days)s days after both confirm") % {"days": payment["payment_deadline_days"]}
                if payment.get("payment_deadline_days") is not None
                else "—",
            ),
        ],
    }
    url = verify_url(contract.token)
    return {
        "contract": contract,
        "order": order,
        "seller": negotiation.seller_company,
        "buyer": negotiation.buyer_company,
        "seller_country": _country(negotiation.seller_company.country),
        "buyer_country": _country(negotiation.buyer_company.country),
        "contacts": contacts,
        "lines": lines,
        "totals": {
            name: _money(document["totals"].get(name), currency)
            for name in order_terms.TOTALS_FIELDS[1:]
        },
        "currency": currency,
        "modules": modules,
        "schedule": _schedule(document, order.agreed_at or revision.created_at),
        "attachments": [
            {"name": item.get("name", ""), "sha256": item.get("sha256", "")}
            for item in document.get("attachments") or []
        ],
        "confirmations": _confirmations(order, revision),
        "sealed_at": timezone.localtime(contract.sealed_at).strftime("%Y-%m-%d %H:%M %Z"),
        "verify_url": url,
        "qr": _qr_data_uri(url),
        "seal_meta": SEAL_META,
    }


def _qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def contract_pdf(contract) -> bytes:
    """The PDF bytes of a contract (in English: a document both sides read the same way)."""
    with override("en"):
        html = render_to_string("contracts/contract.html", contract_context(contract))
    return (
        _weasyprint()
        .HTML(string=html, base_url=str(settings.BASE_DIR))
        .write_pdf(custom_metadata=True)
    )
