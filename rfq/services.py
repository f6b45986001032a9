"""Writes to requests for quotation and quotations: every rule of the RFQ flow, in one place.

RFQ: open -> awarded (the buyer accepts a quotation), open -> closed (the buyer closes without
awarding), open -> expired (the sweep: the need date has passed, or the quotation deadline has
passed with no live quotation).

Quotation: submitted -> shortlisted (buyer) -> accepted / declined (buyer); submitted ->
accepted / declined; live (submitted, shortlisted) -> lost (another was accepted), closed (the
RFQ was closed) or expired (its validity passed or its RFQ expired). The seller revises a
submitted quotation until the buyer acts on it or the quotation deadline passes.

Each change is one conditional UPDATE on the expected state (and the version the caller saw,
where the seller's revisions could race with the buyer's decision); zero rows means somebody
got there first, and nothing changes. E-mails to sellers are queued on commit.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Company, Side, User
from catalog.models import Category
from common.errors import (
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    ValidationFailed,
)
from common.fields import clean_fields
from common.files import attachment_content_type, original_name
from common.i18n import later, lazy_format, resolve_all
from common.money import format_money, price_string
from inquiries.models import Negotiation
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders.services import order_create_from_quotation
from rfq import selectors
from rfq.models import (
    QUOTATION_FIELDS,
    QUOTATION_TERMS,
    RFQ,
    Quotation,
    QuotationRevision,
    RFQAttachment,
)

RFQ_FIELDS = (
    "product_name",
    "requirements",
    "quantity",
    "unit",
    "target_unit_price",
    "currency",
    "destination_country",
    "incoterm",
    "required_by",
    "quotation_deadline",
    "audience",
)
MAX_RFQ_ATTACHMENTS = 5
MAX_INVITED_SELLERS = 50
Q_STATE = Quotation.State


# --- Input ------------------------------------------------------------------------------------


def _aware(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _clean_rfq(values: dict, *, now: datetime.datetime) -> tuple[dict, dict]:
    cleaned, errors = clean_fields(RFQ, RFQ_FIELDS, values)
    category_id = values.get("category_id") or values.get("category")
    category = None
    if category_id in (None, ""):
        errors["category_id"] = [_("This field is required.")]
    else:
        try:
            category = Category.objects.filter(pk=int(category_id)).first()
        except (TypeError, ValueError):
            category = None
        if category is None:
            errors["category_id"] = [_("No such category.")]
    cleaned["category"] = category
    if cleaned.get("quantity") is not None and cleaned["quantity"] <= 0:
        errors["quantity"] = [_("Quantity must be greater than zero.")]
    if cleaned.get("target_unit_price") is not None and cleaned["target_unit_price"] <= 0:
        errors["target_unit_price"] = [_("The target price must be greater than zero.")]
    deadline = cleaned.get("quotation_deadline")
    if deadline is not None:
        deadline = cleaned["quotation_deadline"] = _aware(deadline)
        if deadline <= now:
            errors["quotation_deadline"] = [_("The quotation deadline must be in the future.")]
        elif cleaned.get("required_by") and cleaned["required_by"] < timezone.localdate(deadline):
            errors["required_by"] = [_("The required-by date cannot be before the deadline.")]
    return cleaned, errors


def _clean_invited(audience: str, seller_ids) -> tuple[list[int], dict]:
    if audience != RFQ.Audience.INVITED:
        return [], {}
    try:
        ids = sorted({int(pk) for pk in seller_ids or ()})
    except (TypeError, ValueError):
        return [], {"invited_seller_ids": [_("Give seller company ids.")]}
    if not ids:
        return [], {"invited_seller_ids": [_("Choose at least one seller.")]}
    if len(ids) > MAX_INVITED_SELLERS:
        return [], {
            "invited_seller_ids": [_("Choose at most %(n)s sellers.") % {"n": MAX_INVITED_SELLERS}]
        }
    found = set(Company.objects.filter(pk__in=ids, side=Side.SELLER).values_list("pk", flat=True))
    if found != set(ids):
        return [], {
            "invited_seller_ids": [
                _("No such seller: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in ids if pk not in found)}
            ]
        }
    return ids, {}


def _clean_quotation(values: dict, *, today: datetime.date) -> dict:
    cleaned, errors = clean_fields(Quotation, QUOTATION_FIELDS, values)
    if cleaned.get("unit_price") is not None and cleaned["unit_price"] <= 0:
        errors["unit_price"] = [_("The unit price must be greater than zero.")]
    if cleaned.get("moq") is not None and cleaned["moq"] <= 0:
        errors["moq"] = [_("The minimum order quantity must be greater than zero.")]
    if cleaned.get("valid_until") and cleaned["valid_until"] < today:
        errors["valid_until"] = [_("The validity date cannot be in the past.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- RFQ --------------------------------------------------------------------------------------


@transaction.atomic
def rfq_create(
    *,
    actor: User,
    values: dict,
    invited_seller_ids: list[int] | None = None,
    attachments: list[UploadedFile] | None = None,
) -> RFQ:
    """A buyer posts an RFQ: new, ``open``; public to the category's sellers or invited only.

    Refused beyond ``settings.RFQ_MAX_OPEN_PER_BUYER`` open RFQs of the buyer's company.
    """
    if actor.side != Side.BUYER:
        raise NotAllowed(_("Only buyers post requests for quotation."))
    now = timezone.now()
    cleaned, errors = _clean_rfq(values, now=now)
    invited, invited_errors = _clean_invited(cleaned.get("audience"), invited_seller_ids)
    errors.update(invited_errors)
    attachments = list(attachments or [])
    if len(attachments) > MAX_RFQ_ATTACHMENTS:
        errors["attachments"] = [_("Attach at most %(n)s files.") % {"n": MAX_RFQ_ATTACHMENTS}]
    checked = []
    for upload in attachments[:MAX_RFQ_ATTACHMENTS]:
        try:
            checked.append((upload, attachment_content_type(upload)))
        except ValidationFailed as exc:
            errors.setdefault("attachments", []).extend(
                f"{upload.name}: {message}" for message in exc.errors["attachment"]
            )
    if errors:
        raise ValidationFailed(errors)
    # The company row lock serialises concurrent posts by one buyer, so the count holds.
    Company.objects.select_for_update().filter(pk=actor.company_id).first()
    limit = settings.RFQ_MAX_OPEN_PER_BUYER
    if RFQ.objects.filter(buyer_company_id=actor.company_id, state=RFQ.State.OPEN).count() >= limit:
        raise ValidationFailed(
            {
                "non_field_errors": [
                    _(
                        "Your company already has %(limit)s open requests for quotation: "
                        "close one before posting another."
                    )
                    % {"limit": limit}
                ]
            }
        )
    rfq = RFQ.objects.create(buyer_company_id=actor.company_id, created_by=actor, **cleaned)
    if invited:
        rfq.invited_sellers.set(invited)
    for upload, content_type in checked:
        RFQAttachment.objects.create(
            rfq=rfq,
            file=upload,
            name=original_name(upload),
            content_type=content_type,
            size=upload.size,
        )
    _tell_sellers_of_new_rfq(rfq, invited=invited)
    return rfq


def _tell_sellers_of_new_rfq(rfq: RFQ, *, invited: list[int]) -> None:
    """The sellers who may quote are told (kind ``rfq_new``): the invited ones, or for a public
    RFQ every seller with an active product in its category (rfq.selectors.rfq_visibility).
    Two queries for the recipients, three for the notifications, however many sellers."""
    if rfq.audience == RFQ.Audience.INVITED:
        company_ids = sorted(set(invited))
    else:
        company_ids = list(
            Company.objects.filter(
                side=Side.SELLER,
                products__category_id=rfq.category_id,
                products__active=True,
            )
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if not company_ids:
        return
    # Lazy: each seller reads it in their own language (notifications_send renders per reader).
    title = lazy_format(
        gettext_lazy("New request for quotation: %(product)s"), {"product": rfq.product_name}
    )
    body = later(_rfq_body, rfq)
    url = reverse("rfq:detail", args=[rfq.pk])
    notifications_send(
        messages=[
            Message(company_id=pk, kind=Kind.RFQ_NEW, title=title, body=body, url=url)
            for pk in company_ids
        ]
    )


def _buyer_rfq(*, actor: User, rfq_id: int) -> RFQ:
    rfq = selectors.rfq_get_for_user(user=actor, rfq_id=rfq_id)
    if actor.company_id != rfq.buyer_company_id:
        raise NotAllowed(_("Only the buyer who posted the RFQ may do this."))
    return rfq


def _not_open(rfq: RFQ) -> InvalidTransition:
    return InvalidTransition(
        _("This request for quotation is %(state)s.") % {"state": rfq.get_state_display()},
        details={"current_state": rfq.state},
    )


@transaction.atomic
def rfq_close(*, rfq_id: int, actor: User) -> RFQ:
    """The buyer closes an ``open`` RFQ without awarding it: ``closed``.

    Live quotations become ``closed``; their sellers are told.
    """
    rfq = _buyer_rfq(actor=actor, rfq_id=rfq_id)
    now = timezone.now()
    changed = RFQ.objects.filter(pk=rfq.pk, state=RFQ.State.OPEN).update(
        state=RFQ.State.CLOSED, closed_at=now, version=F("version") + 1
    )
    if not changed:
        rfq.refresh_from_db()
        raise _not_open(rfq)
    _end_live_quotations(rfq_id=rfq.pk, state=Q_STATE.CLOSED, now=now)
    rfq.refresh_from_db()
    return rfq


def _end_live_quotations(*, rfq_id: int, state: str, now, exclude_pk: int | None = None) -> None:
    live = Quotation.objects.filter(rfq_id=rfq_id, state__in=Quotation.LIVE_STATES)
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    ids = list(live.values_list("pk", flat=True))
    Quotation.objects.filter(pk__in=ids, state__in=Quotation.LIVE_STATES).update(
        state=state, decided_at=now, version=F("version") + 1
    )
    for pk in ids:
        _notify_on_commit(pk)


# --- Quotations -------------------------------------------------------------------------------


@transaction.atomic
def quotation_submit(
    *, rfq_id: int, actor: User, values: dict, attachment: UploadedFile | None = None
) -> Quotation:
    """A seller who may see an ``open`` RFQ quotes on it before its deadline: ``submitted``.

    One quotation per seller company per RFQ (a database constraint).
    """
    rfq = selectors.rfq_get_for_user(user=actor, rfq_id=rfq_id)
    if actor.side != Side.SELLER:
        raise NotAllowed(_("Only sellers quote."))
    now = timezone.now()
    cleaned = _clean_quotation(values, today=timezone.localdate(now))
    content_type = attachment_content_type(attachment) if attachment else None
    # Locked so that an award or a close cannot slip in between this check and the insert.
    locked = (
        RFQ.objects.select_for_update()
        .filter(pk=rfq.pk, state=RFQ.State.OPEN, quotation_deadline__gt=now)
        .first()
    )
    if locked is None:
        rfq.refresh_from_db()
        if not rfq.is_open:
            raise _not_open(rfq)
        raise InvalidTransition(_("The quotation deadline has passed."))
    if content_type:
        cleaned.update(
            attachment=attachment,
            attachment_name=original_name(attachment),
            attachment_type=content_type,
        )
    try:
        with transaction.atomic():
            quotation = Quotation.objects.create(
                rfq=rfq, seller_company_id=actor.company_id, author=actor, **cleaned
            )
    except IntegrityError:
        existing = Quotation.objects.filter(rfq=rfq, seller_company_id=actor.company_id).first()
        raise InvalidTransition(
            _("Your company has already quoted on this RFQ: revise that quotation instead."),
            details={"quotation_id": existing.pk if existing else None},
        )
    revision = _revision_record(quotation, actor=actor)
    _tell_buyer(quotation, rfq=rfq, revision=revision, previous=None)
    return quotation


def _revision_record(quotation: Quotation, *, actor: User) -> QuotationRevision:
    """Snapshots the quotation's terms as its revision ``quotation.revision`` (immutable)."""
    terms = {name: getattr(quotation, name) for name in QUOTATION_TERMS}
    # Canonical text, so that "2.95" and "2.9500" are one price.
    terms.update(
        unit_price=price_string(Decimal(quotation.unit_price), quotation.currency),
        moq=f"{Decimal(quotation.moq).normalize():f}",
        valid_until=str(quotation.valid_until),
    )
    return QuotationRevision.objects.create(
        quotation=quotation, number=quotation.revision, author=actor, terms=terms
    )


def _rfq_body(rfq: RFQ) -> str:
    return _("%(quantity)s %(unit)s to %(country)s; quotations until %(deadline)s.") % {
        "quantity": f"{rfq.quantity.normalize():f}",
        "unit": rfq.get_unit_display(),
        "country": rfq.destination_country.name,
        "deadline": date_format(timezone.localtime(rfq.quotation_deadline), "DATETIME_FORMAT"),
    }


def _quotation_body(quotation: Quotation) -> str:
    return ngettext(
        "%(price)s per unit, %(incoterm)s, lead time %(days)s day.",
        "%(price)s per unit, %(incoterm)s, lead time %(days)s days.",
        quotation.lead_time_days,
    ) % {
        "price": format_money(quotation.unit_price, quotation.currency),
        "incoterm": quotation.incoterm,
        "days": quotation.lead_time_days,
    }


def _revision_body(before: dict, after: dict) -> str:
    return "\n".join(
        _("%(field)s: %(before)s → %(after)s")
        % {"field": c["label"], "before": c["before"] or "—", "after": c["after"] or "—"}
        for c in selectors.quotation_revision_changes(before, after)
    )


def _tell_buyer(
    quotation: Quotation,
    *,
    rfq: RFQ,
    revision: QuotationRevision,
    previous: QuotationRevision | None,
) -> None:
    """The RFQ's buyer company is told of a new quotation, or of a revision and what changed
    (kind ``rfq_quotation_received``)."""
    values = {"seller": quotation.seller_company.legal_name, "product": rfq.product_name}
    # Lazy: the buyer's members read it in their own language.
    if previous is None:
        title = lazy_format(gettext_lazy("New quotation from %(seller)s on %(product)s"), values)
        body = later(_quotation_body, quotation)
    else:
        title = lazy_format(gettext_lazy("%(seller)s revised its quotation on %(product)s"), values)
        body = later(_revision_body, previous.terms, revision.terms)
    notifications_send(
        messages=[
            Message(
                company_id=rfq.buyer_company_id,
                kind=Kind.RFQ_QUOTATION_RECEIVED,
                title=title,
                body=body,
                url=reverse("rfq:detail", args=[rfq.pk]) + "#quotations",
            )
        ]
    )


def _quotation_conflict(quotation_id: int, *, version: int, allowed: tuple) -> Exception:
    """Why a conditional update changed nothing: a newer version, or the wrong state."""
    current = Quotation.objects.select_related("rfq").get(pk=quotation_id)
    if current.version != version:
        return StaleVersion(
            _("The quotation has changed since you loaded it."),
            current_version=current.version,
            current_status=current.state,
        )
    if current.state not in allowed:
        return InvalidTransition(
            _("This quotation is %(state)s.") % {"state": current.get_state_display()},
            details={"current_state": current.state, "current_version": current.version},
        )
    if not current.rfq.is_open:
        return _not_open(current.rfq)
    return InvalidTransition(
        _("The quotation deadline or the quotation's validity has passed."),
        details={"current_state": current.state, "current_version": current.version},
    )


@transaction.atomic
def quotation_revise(
    *,
    quotation_id: int,
    actor: User,
    version: int,
    values: dict,
    attachment: UploadedFile | None = None,
) -> Quotation:
    """The seller revises a ``submitted`` quotation at ``version``, before the deadline.

    Stays ``submitted``; the version goes up. Refused once the buyer has acted on it.
    """
    quotation = selectors.quotation_get_for_user(user=actor, quotation_id=quotation_id)
    if actor.company_id != quotation.seller_company_id:
        raise NotAllowed(_("Only the quoting seller revises a quotation."))
    now = timezone.now()
    cleaned = _clean_quotation(values, today=timezone.localdate(now))
    content_type = attachment_content_type(attachment) if attachment else None
    changed = Quotation.objects.filter(
        pk=quotation.pk,
        state=Q_STATE.SUBMITTED,
        version=version,
        rfq__state=RFQ.State.OPEN,
        rfq__quotation_deadline__gt=now,
    ).update(**cleaned, updated_at=now, version=F("version") + 1, revision=F("revision") + 1)
    if not changed:
        raise _quotation_conflict(quotation.pk, version=version, allowed=(Q_STATE.SUBMITTED,))
    quotation.refresh_from_db()
    if content_type:
        quotation.attachment_type = content_type
        quotation.attachment = attachment
        quotation.attachment_name = original_name(attachment)
        quotation.save(update_fields=["attachment", "attachment_name", "attachment_type"])
    revision = _revision_record(quotation, actor=actor)
    previous = QuotationRevision.objects.filter(
        quotation=quotation, number=quotation.revision - 1
    ).first()
    _tell_buyer(quotation, rfq=quotation.rfq, revision=revision, previous=previous)
    return quotation


def _buyer_quotation(*, actor: User, quotation_id: int) -> Quotation:
    quotation = selectors.quotation_get_for_user(user=actor, quotation_id=quotation_id)
    if actor.company_id != quotation.rfq.buyer_company_id:
        raise NotAllowed(_("Only the buyer who posted the RFQ decides on its quotations."))
    if not quotation.rfq.is_open:
        raise _not_open(quotation.rfq)
    return quotation


def _decide(*, quotation_id: int, actor: User, version: int, target: str) -> Quotation:
    quotation = _buyer_quotation(actor=actor, quotation_id=quotation_id)
    now = timezone.now()
    changed = Quotation.objects.filter(
        pk=quotation.pk,
        state__in=Quotation.LIVE_STATES,
        version=version,
        rfq__state=RFQ.State.OPEN,
    ).update(state=target, decided_at=now, version=F("version") + 1)
    if not changed:
        raise _quotation_conflict(quotation.pk, version=version, allowed=Quotation.LIVE_STATES)
    _notify_on_commit(quotation.pk)
    quotation.refresh_from_db()
    return quotation


@transaction.atomic
def quotation_shortlist(*, quotation_id: int, actor: User, version: int) -> Quotation:
    """The buyer shortlists a live quotation at ``version``: ``shortlisted``; the seller is told.

    The seller can no longer revise it.
    """
    quotation = _buyer_quotation(actor=actor, quotation_id=quotation_id)
    if quotation.state == Q_STATE.SHORTLISTED:
        raise InvalidTransition(
            _("This quotation is already shortlisted."),
            details={"current_state": quotation.state, "current_version": quotation.version},
        )
    return _decide(
        quotation_id=quotation_id, actor=actor, version=version, target=Q_STATE.SHORTLISTED
    )


@transaction.atomic
def quotation_decline(*, quotation_id: int, actor: User, version: int) -> Quotation:
    """The buyer declines a live quotation at ``version``: ``declined``; the seller is told."""
    return _decide(quotation_id=quotation_id, actor=actor, version=version, target=Q_STATE.DECLINED)


def _order_values(*, rfq: RFQ, quotation: Quotation, buyer: User) -> dict:
    """The letter-of-intent draft prefilled from the RFQ and the accepted quotation."""
    seller = quotation.author
    return {
        "lines": [
            {
                "product_id": None,
                "name": rfq.product_name,
                "specification": rfq.requirements,
                "quantity": rfq.quantity,
                "unit": rfq.unit,
                "unit_price": quotation.unit_price,
            }
        ],
        "incoterm": quotation.incoterm,
        "currency": quotation.currency,
        "origin_country": quotation.seller_company.country.code,
        "destination_country": rfq.destination_country.code,
        "delivery_lead_days": quotation.lead_time_days,
        "buyer_contact_name": buyer.display_name,
        "buyer_contact_email": buyer.email,
        "buyer_contact_phone": buyer.phone,
        "seller_contact_name": seller.display_name,
        "seller_contact_email": seller.email,
        "seller_contact_phone": seller.phone,
    }


@transaction.atomic
def quotation_accept(*, quotation_id: int, actor: User, version: int) -> Quotation:
    """The buyer accepts a live, still valid quotation at ``version``: ``accepted``.

    Opens a negotiation (origin rfq) with a draft letter of intent in the seller's court,
    prefilled from the RFQ and the quotation; the RFQ becomes ``awarded``; the other live
    quotations become ``lost``. Every affected seller is told.
    """
    quotation = _buyer_quotation(actor=actor, quotation_id=quotation_id)
    rfq = quotation.rfq
    now = timezone.now()
    changed = Quotation.objects.filter(
        pk=quotation.pk,
        state__in=Quotation.LIVE_STATES,
        version=version,
        valid_until__gte=timezone.localdate(now),
        rfq__state=RFQ.State.OPEN,
    ).update(state=Q_STATE.ACCEPTED, decided_at=now, version=F("version") + 1)
    if not changed:
        raise _quotation_conflict(quotation.pk, version=version, allowed=Quotation.LIVE_STATES)
    negotiation = Negotiation.objects.create(
        buyer_company_id=rfq.buyer_company_id,
        seller_company_id=quotation.seller_company_id,
        origin=Negotiation.Origin.RFQ,
    )
    awarded = RFQ.objects.filter(pk=rfq.pk, state=RFQ.State.OPEN).update(
        state=RFQ.State.AWARDED, negotiation=negotiation, closed_at=now, version=F("version") + 1
    )
    if not awarded:
        # Closed or awarded between our read and now: undo the whole award.
        rfq.refresh_from_db()
        raise _not_open(rfq)
    _end_live_quotations(rfq_id=rfq.pk, state=Q_STATE.LOST, now=now, exclude_pk=quotation.pk)
    # The draft is the seller's (as an inquiry's draft is): its author is the quoting seller.
    order_create_from_quotation(
        negotiation=negotiation,
        actor=quotation.author,
        values=_order_values(rfq=rfq, quotation=quotation, buyer=actor),
    )
    _notify_on_commit(quotation.pk)
    quotation.refresh_from_db()
    return quotation


# --- Expiry -----------------------------------------------------------------------------------


@transaction.atomic
def rfq_expire_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Closes what has run out, in three UPDATEs whatever the number of rows.

    Live quotations past their validity -> ``expired``; ``open`` RFQs whose need date has
    passed, or whose quotation deadline has passed with no live quotation -> ``expired``;
    the live quotations of RFQs expired so -> ``expired``.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    bump = {"decided_at": now, "version": F("version") + 1}
    quotations = Quotation.objects.filter(
        state__in=Quotation.LIVE_STATES, valid_until__lt=today
    ).update(state=Q_STATE.EXPIRED, **bump)
    live = Quotation.objects.filter(rfq_id=OuterRef("pk"), state__in=Quotation.LIVE_STATES)
    rfqs = (
        RFQ.objects.filter(state=RFQ.State.OPEN)
        .filter(Q(required_by__lt=today) | (Q(quotation_deadline__lte=now) & ~Q(Exists(live))))
        .update(state=RFQ.State.EXPIRED, closed_at=now, version=F("version") + 1)
    )
    orphans = Quotation.objects.filter(
        state__in=Quotation.LIVE_STATES, rfq__state=RFQ.State.EXPIRED
    ).update(state=Q_STATE.EXPIRED, **bump)
    return {"rfqs": rfqs, "quotations": quotations + orphans}


# --- Telling the sellers ----------------------------------------------------------------------

NOTIFICATION_KIND = Kind.RFQ_QUOTATION_OUTCOME
NOTIFIED_STATES = (
    Q_STATE.SHORTLISTED,
    Q_STATE.DECLINED,
    Q_STATE.ACCEPTED,
    Q_STATE.LOST,
    Q_STATE.CLOSED,
)


def _notify_on_commit(quotation_id: int) -> None:
    from rfq.tasks import quotation_outcome_notify

    transaction.on_commit(lambda: quotation_outcome_notify.delay(quotation_id))


def quotation_notify_outcome(*, quotation_id: int) -> bool:
    """Tells the quoting seller's members what the buyer's side did with the quotation.

    An in-app notification for each member and an e-mail (templates/emails/
    rfq_quotation_outcome.*), queued on commit by the notifications app. The quotation's
    current state is claimed first (``notified_state``), so a redelivered task tells nobody
    twice. Returns whether the sellers were told.
    """
    with transaction.atomic():
        quotation = (
            Quotation.objects.select_related("rfq__buyer_company", "seller_company")
            .filter(pk=quotation_id)
            .first()
        )
        if quotation is None or quotation.state not in NOTIFIED_STATES:
            return False
        claimed = (
            Quotation.objects.filter(pk=quotation.pk, state=quotation.state)
            .exclude(notified_state=quotation.state)
            .update(notified_state=quotation.state)
        )
        if not claimed:
            return False
        rfq = quotation.rfq
        context = {
            "state": quotation.state,
            "product_name": rfq.product_name,
            "buyer_name": rfq.buyer_company.legal_name,
            "seller_name": quotation.seller_company.legal_name,
            "price": later(format_money, quotation.unit_price, quotation.currency),
            "unit": later(rfq.get_unit_display),
            "incoterm": quotation.incoterm,
        }
        # Lazy: each member's notification and e-mail in their own language.
        title = later(_subject, "emails/rfq_quotation_outcome.subject.txt", context)
        notifications_send(
            messages=[
                Message(
                    company_id=quotation.seller_company_id,
                    kind=NOTIFICATION_KIND,
                    title=title,
                    url=reverse("rfq:detail", args=[rfq.pk]),
                    email_template="rfq_quotation_outcome",
                    email_context=context,
                )
            ]
        )
        return True


def _subject(template_name: str, context: dict) -> str:
    return " ".join(render_to_string(template_name, resolve_all(context)).split())
