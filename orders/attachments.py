"""Attachments that are part of the terms (issue 14 point 3): writes and reads of
``OrderAttachment``.

Either party attaches documents to the letter of intent (specification sheets, artwork, a
proforma invoice). Each is part of the terms by its name and SHA-256 (``orders.terms``), so
adding or removing one is a modification like any other: the "modify" transition of
``orders.services.TRANSITIONS`` (the seller in a draft; either side once someone has
confirmed, the result being the actor's own confirmation), one conditional UPDATE on the id,
state and the version the actor saw, bumping the version, with a revision of the terms sent.
The other side therefore never confirms attachments it has not seen: the version it confirms
names them, and the diff since its own last revision lists them.

The file is checked and stored as every private upload is (``common.files``); it is never
deleted, since revisions and seals name it.
"""

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import NotFound, ValidationFailed
from common.files import attachment_content_type, original_name
from orders import selectors, services
from orders import terms as order_terms
from orders.models import Order, OrderAttachment, OrderEvent, OrderStatus

# At most this many attachments are part of the terms at a time.
MAX_ATTACHMENTS = 20


def _sha256(upload: UploadedFile) -> str:
    upload.seek(0)
    hasher = hashlib.sha256()
    for chunk in upload.chunks():
        hasher.update(chunk)
    upload.seek(0)
    return hasher.hexdigest()


def _change_terms(order: Order, *, actor, version: int, count: int, change: dict, now):
    """The modification an attachment change makes (access, side and version already
    checked): the order moves as ``order_modify`` would move it, and the terms sent are
    recorded. ``change`` is the attachment's entry of ``orders.terms.diff``."""
    side = services._side(actor, order)
    target = services._target(order, "modify", side)
    terms = order_terms.from_order(order)
    if change["change"] == "added":
        terms["attachments"].append(change["after"])
    else:
        terms["attachments"].remove(change["before"])
    if target != OrderStatus.DRAFT:
        services._require_complete(terms)
    order = services._apply(order, version=version, target=target, now=now, attachment_count=count)
    data = {
        "changed": order_terms.changed_field_labels([change]),
        "from_version": version,
        "attachment": change["line"],
    }
    if target == OrderStatus.DRAFT:
        event = OrderEvent.Type.DRAFT_SAVED
    else:
        services._snapshot(order, author=actor, side=side, terms=terms)
        event = OrderEvent.Type.MODIFIED
    services._record(order, type=event, actor=actor, side=side, data=data, now=now)
    return order, side


@transaction.atomic
def order_attachment_add(*, order_id: int, actor, version: int, file: UploadedFile):
    """Attaches a PDF or an image to the letter of intent, based on ``version``.

    draft -> draft (seller); seller_confirmed / buyer_confirmed -> the actor's confirmation
    (completion at 100 %), as ``orders.services.order_modify``. The content decides the type
    (``common.files.attachment_content_type``, at most ``ATTACHMENT_MAX_BYTES``); the same
    content cannot be attached twice; at most ``MAX_ATTACHMENTS``.
    """
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    side = services._side(actor, order)
    services._check_version(order, version)
    services._target(order, "modify", side)
    if file is None:
        raise ValidationFailed({"file": [_("Choose a file to attach.")]})
    content_type = attachment_content_type(file, field="file")
    current = order.current_attachments()
    if len(current) >= MAX_ATTACHMENTS:
        raise ValidationFailed({"file": [_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}]})
    sha256 = _sha256(file)
    if any(a.sha256 == sha256 for a in current):
        raise ValidationFailed({"file": [_("This file is already attached.")]})
    attachment = OrderAttachment(
        order=order,
        name=original_name(file),
        content_type=content_type,
        size=file.size,
        sha256=sha256,
        uploaded_by=actor,
        uploaded_side=side,
    )
    change = {
        "module": "attachments",
        "field": "attachment",
        "change": "added",
        "line": attachment.name,
        "before": None,
        "after": attachment.as_terms(),
    }
    now = timezone.now()
    order, _side = _change_terms(
        order, actor=actor, version=version, count=len(current) + 1, change=change, now=now
    )
    attachment.added_version = order.version
    attachment.file.save(attachment.name, file, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    _forget_prefetch(order)
    return attachment


@transaction.atomic
def order_attachment_remove(*, order_id: int, attachment_id: int, actor, version: int) -> Order:
    """Takes an attachment out of the terms, based on ``version``: the same transition as
    ``order_attachment_add``. The file stays, for the revisions that name it."""
    order = selectors.order_get_for_user(user=actor, order_id=order_id)
    services._side(actor, order)
    current = {a.pk: a for a in order.current_attachments()}
    attachment = current.get(attachment_id)
    if attachment is None:
        raise NotFound(_("No such attachment."))
    services._check_version(order, version)
    change = {
        "module": "attachments",
        "field": "attachment",
        "change": "removed",
        "line": attachment.name,
        "before": attachment.as_terms(),
        "after": None,
    }
    now = timezone.now()
    order, _side = _change_terms(
        order, actor=actor, version=version, count=len(current) - 1, change=change, now=now
    )
    OrderAttachment.objects.filter(pk=attachment.pk).update(
        removed_at=now, removed_by=actor, removed_version=order.version
    )
    _forget_prefetch(order)
    return order


def _forget_prefetch(order: Order) -> None:
    getattr(order, "_prefetched_objects_cache", {}).pop("attachments", None)


# --- Reads --------------------------------------------------------------------------------


def attachment_get_for_user(*, user, order_id: int, attachment_id: int) -> OrderAttachment:
    """An attachment of an order the user may see (current or removed: revisions name both);
    NotFound for anyone else."""
    order = selectors.order_get_for_user(user=user, order_id=order_id)
    attachment = OrderAttachment.objects.filter(pk=attachment_id, order=order).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return attachment


def attachments_for_user(*, user, order_id: int) -> list[OrderAttachment]:
    """The attachments that are part of the order's terms now, for a user who may see it."""
    order = selectors.order_get_for_user(user=user, order_id=order_id)
    return order.current_attachments()
