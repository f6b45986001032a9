"""Writes of contracts: one PDF per sealed version, rendered once, and the e-mail that
carries it.

``contract_seal`` runs inside the transaction that seals a version (orders.signals) and writes
the row (unique per order and version); after commit a task renders it. ``contract_render``
claims the row with a conditional UPDATE (pending -> ready) in the transaction that stores the
file and queues the "order agreed" e-mail: a second delivery of the task waits for the first
one's row lock, then finds nothing pending and does nothing.
"""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.files import private_storage
from common.i18n import lazy_format, user_language
from contracts import render, selectors
from contracts.models import Contract, ContractState
from notifications.models import Kind
from notifications.services import Message, notifications_send
from orders.models import Order, Revision

logger = logging.getLogger(__name__)

# A contract still pending this long after its seal lost its task (the broker was down at
# commit, or its worker died); the task's own retries are over well within it.
SWEEP_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 200


def contract_seal(*, order: Order) -> Contract:
    """The contract row of the order's sealed version (``order.agreed_version``), created once
    with the languages it is written in; its render task is queued after commit."""
    revision = Revision.objects.select_related("author").get(
        order_id=order.pk, version=order.agreed_version
    )
    languages = party_languages(order=order, revision=revision)
    contract, created = Contract.objects.get_or_create(
        order_id=order.pk,
        agreed_version=revision.version,
        defaults={
            "terms_version": revision.terms_version,
            "digest": revision.digest,
            "sealed_at": revision.created_at,
            "seller_language": languages["seller"],
            "buyer_language": languages["buyer"],
        },
    )
    if created:
        _enqueue([contract.pk])
    return contract


def party_languages(*, order: Order, revision: Revision) -> dict[str, str]:
    """Each side's language for the sealed revision's contract: the preferred language of the
    person who confirmed (or proposed or accepted) it for that side; for a side without one
    (not expected), that of its company's first member; else the default language."""
    by_side = {
        confirmation.side: confirmation.user
        for confirmation in selectors.sealed_confirmations(order_id=order.pk, revision=revision)
    }
    negotiation = order.negotiation
    companies = {"seller": negotiation.seller_company_id, "buyer": negotiation.buyer_company_id}
    languages = {}
    for side, company_id in companies.items():
        user = by_side.get(side) or (
            User.objects.filter(company_id=company_id, is_active=True).order_by("pk").first()
        )
        languages[side] = user_language(user) if user else settings.LANGUAGE_CODE
    return languages


def _enqueue(contract_ids: list[int]) -> None:
    from contracts.tasks import contract_render as task

    def enqueue():
        for pk in contract_ids:
            task.delay(pk)

    transaction.on_commit(enqueue)


def contracts_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queues the render of every contract pending for longer than SWEEP_AFTER (oldest first,
    SWEEP_BATCH at a time); rendering twice is harmless, the claim lets one through. One
    query; returns how many were queued."""
    now = now or timezone.now()
    ids = list(
        Contract.objects.filter(state=ContractState.PENDING, created_at__lte=now - SWEEP_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    _enqueue(ids)
    return len(ids)


@transaction.atomic
def contract_render(*, contract_id: int, give_up: bool = False) -> bool:
    """pending -> ready: renders the contract's PDF, stores it in private storage and e-mails
    it to both parties. Returns False when there was nothing to do (already rendered).

    A render that fails raises (the task retries); with ``give_up`` (the task's last try) the
    row becomes failed instead and the parties are told of the agreement without the PDF.
    """
    # The claim: the UPDATE locks the row until this transaction ends, so a concurrent second
    # delivery waits here and then finds the row no longer pending.
    if not Contract.objects.filter(pk=contract_id, state=ContractState.PENDING).update(
        rendered_at=timezone.now()
    ):
        return False
    contract = Contract.objects.select_related(
        "order__negotiation__buyer_company", "order__negotiation__seller_company"
    ).get(pk=contract_id)
    try:
        pdf = render.contract_pdf(contract)
    except Exception:
        if not give_up:
            raise
        logger.exception("Contract %s could not be rendered; giving up.", contract_id)
        Contract.objects.filter(pk=contract_id).update(state=ContractState.FAILED)
        _notify(contract, attach=False)
        return False
    # Saved before the row is marked: a rollback after this point leaves an unreferenced file
    # with a random name, never a row without its file.
    name = private_storage().save(
        f"contracts/{contract.order_id}/{secrets.token_hex(16)}.pdf", ContentFile(pdf)
    )
    contract.file.name = name
    contract.file_sha256 = hashlib.sha256(pdf).hexdigest()
    contract.file_size = len(pdf)
    contract.state = ContractState.READY
    contract.save(update_fields=["file", "file_sha256", "file_size", "state"])
    _notify(contract, attach=True)
    return True


def _notify(contract: Contract, *, attach: bool) -> None:
    """The "order agreed" (or "amended") notification to every member of both parties, its
    e-mail carrying the PDF."""
    order = contract.order
    negotiation = order.negotiation
    values = {"number": order.number, "version": contract.terms_version}
    first = not Contract.objects.filter(
        order_id=order.pk, agreed_version__lt=contract.agreed_version
    ).exists()
    # Lazy: each member reads it in their own language (notifications_send resolves it per
    # recipient); formatted here it took the language of whoever confirmed last.
    title = lazy_format(
        _("%(number)s was confirmed by both parties: contract version %(version)s")
        if first
        else _("%(number)s was amended: contract version %(version)s"),
        values,
    )
    body = (
        _("The sealed contract is attached and on the order page.")
        if attach
        else _("The contract PDF could not be produced; the order page has the agreed terms.")
    )
    context = {
        "number": order.number,
        "version": contract.terms_version,
        "digest": contract.digest,
        "verify_url": render.verify_url(contract.token),
        "attached": attach,
    }
    if attach:
        context["attachments"] = [
            {
                "path": contract.file.name,
                "filename": contract.download_name,
                "content_type": "application/pdf",
            }
        ]
    notifications_send(
        messages=[
            Message(
                company_id=company_id,
                kind=Kind.ORDER_CONFIRMED,
                title=title,
                body=body,
                url=reverse("orders:view", args=[order.pk]) + "#contracts",
                order_id=order.pk,
                email_template="contract_sealed",
                email_context=context,
            )
            for company_id in (negotiation.seller_company_id, negotiation.buyer_company_id)
        ]
    )
