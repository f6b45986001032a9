"""Writes of quick replies: a seller company's saved snippets for the chat composer.

Members of a seller company share its quick replies; buyers and staff keep none (NotAllowed),
and another company's quick reply is not found.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Company, Side
from chat.models import BODY_MAX_LENGTH, QUICK_REPLY_TITLE_MAX_LENGTH, QuickReply
from common.errors import NotAllowed, NotFound, ValidationFailed

# Enough for a sales team's canned answers, few enough to show them all in the composer.
MAX_PER_COMPANY = 50


def _seller_company_id(actor) -> int:
    if not actor.is_active or actor.side != Side.SELLER or not actor.company_id:
        raise NotAllowed(_("Only sellers keep quick replies."))
    return actor.company_id


def _text(value, *, field: str, max_length: int, errors: dict) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [_("Must be text.")]
        return ""
    if "\x00" in value:
        errors[field] = [_("Null characters are not allowed.")]
        return ""
    value = value.strip()
    if not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(max)d characters.") % {"max": max_length}]
    return value


def _clean(values: dict) -> dict:
    errors: dict = {}
    cleaned = {
        "title": _text(
            values.get("title"),
            field="title",
            max_length=QUICK_REPLY_TITLE_MAX_LENGTH,
            errors=errors,
        ),
        "body": _text(values.get("body"), field="body", max_length=BODY_MAX_LENGTH, errors=errors),
    }
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _title_taken() -> ValidationFailed:
    return ValidationFailed({"title": [_("You already have a quick reply with this title.")]})


@transaction.atomic
def quick_reply_create(*, actor, values: dict) -> QuickReply:
    """A seller member saves a snippet for the company (title unique within the company)."""
    company_id = _seller_company_id(actor)
    cleaned = _clean(values)
    # The company's row lock serialises concurrent creates, so the count holds.
    Company.objects.select_for_update().filter(pk=company_id).first()
    if QuickReply.objects.filter(company_id=company_id).count() >= MAX_PER_COMPANY:
        raise ValidationFailed(
            {
                "non_field_errors": [
                    _("Your company has %(max)d quick replies: remove one first.")
                    % {"max": MAX_PER_COMPANY}
                ]
            }
        )
    try:
        with transaction.atomic():
            return QuickReply.objects.create(company_id=company_id, created_by=actor, **cleaned)
    except IntegrityError:
        raise _title_taken() from None


def _own(actor, quick_reply_id: int) -> QuickReply:
    company_id = _seller_company_id(actor)
    quick_reply = QuickReply.objects.filter(pk=quick_reply_id, company_id=company_id).first()
    if quick_reply is None:
        raise NotFound(_("No such quick reply."))
    return quick_reply


@transaction.atomic
def quick_reply_update(*, actor, quick_reply_id: int, values: dict) -> QuickReply:
    """Changes the title and/or text of one of the company's quick replies (fields left out
    keep theirs)."""
    quick_reply = _own(actor, quick_reply_id)
    cleaned = _clean({"title": quick_reply.title, "body": quick_reply.body, **values})
    quick_reply.title, quick_reply.body = cleaned["title"], cleaned["body"]
    try:
        with transaction.atomic():
            quick_reply.save(update_fields=["title", "body", "updated_at"])
    except IntegrityError:
        raise _title_taken() from None
    return quick_reply


@transaction.atomic
def quick_reply_delete(*, actor, quick_reply_id: int) -> None:
    company_id = _seller_company_id(actor)
    deleted, _rows = QuickReply.objects.filter(pk=quick_reply_id, company_id=company_id).delete()
    if not deleted:
        raise NotFound(_("No such quick reply."))
