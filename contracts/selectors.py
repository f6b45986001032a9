"""Reads of contracts: the parties' list and download (with the order's access check), and the
public verification, which tells whether a token or a file matches a sealed agreement and
nothing else."""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import NotFound, RateLimited, ValidationFailed
from common.ratelimit import window_hit
from contracts import render
from contracts.models import Contract, ContractState
from orders.models import Amendment, Order, Revision
from orders.selectors import order_get_for_user, orders_for_user

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Confirmation:
    """One side's assent to sealed terms: ``action`` is "proposed" (an amendment), "accepted"
    (the amendment) or "confirmed" (the agreement)."""

    side: str
    user: object
    at: object
    action: str


def sealed_confirmations(*, order_id: int, revision: Revision) -> list[Confirmation]:
    """Who assented to the sealed revision, and when: the proposer of an accepted amendment
    and its acceptor, or the two sides' confirmations of the agreement (the sealing one last).
    Two queries at most."""
    amendment = (
        Amendment.objects.select_related("proposed_by")
        .filter(order_id=order_id, agreed_version=revision.version, state=Amendment.State.ACCEPTED)
        .first()
    )
    if amendment is not None:
        first = Confirmation(
            amendment.side, amendment.proposed_by, amendment.created_at, "proposed"
        )
    else:
        earlier = (
            Revision.objects.select_related("author")
            .filter(order_id=order_id, version__lt=revision.version, digest=revision.digest)
            .exclude(author_side=revision.author_side)
            .order_by("-version")
            .first()
        )
        first = (
            Confirmation(earlier.author_side, earlier.author, earlier.created_at, "confirmed")
            if earlier
            else None
        )
    last = Confirmation(
        revision.author_side,
        revision.author,
        revision.created_at,
        "accepted" if amendment else "confirmed",
    )
    return [confirmation for confirmation in (first, last) if confirmation]


def contracts_of_order(order: Order) -> list[Contract]:
    """Every contract of an order the caller may see, newest version first (one query)."""
    return list(Contract.objects.filter(order_id=order.pk).order_by("-agreed_version"))


def contracts_for_user(*, user, order_id: int) -> list[Contract]:
    """The order's contracts, newest first; NotFound for anyone who may not see the order."""
    order = order_get_for_user(user=user, order_id=order_id)
    contracts = contracts_of_order(order)
    for contract in contracts:
        contract.order = order
    return contracts


def contract_get_for_user(*, user, order_id: int, contract_id: int) -> Contract:
    """A rendered contract of an order the user may see (the two parties, staff); NotFound for
    anyone else, and for a PDF not rendered yet."""
    contract = (
        Contract.objects.select_related("order")
        .filter(
            pk=contract_id,
            order_id=order_id,
            order__in=orders_for_user(user).values("pk"),
            state=ContractState.READY,
        )
        .first()
    )
    if contract is None:
        raise NotFound(_("No such contract."))
    return contract


# --- Public verification -----------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the verification page may say: ``match`` (a sealed agreement, with its version
    number, sealing time, the languages its PDF is written in and whether a later version
    replaced it), ``altered`` (a file naming a seal whose content is not what the portal
    issued) or ``unknown``."""

    outcome: str
    version: int | None = None
    sealed_at: object = None
    superseded: bool = False
    languages: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return self.outcome == "match"


UNKNOWN = Verification(outcome="unknown")


def verification_rate_check(address: str) -> None:
    """Lookups per client address and window (VERIFY_RATE_LIMIT per VERIFY_RATE_WINDOW_SECONDS);
    RateLimited beyond, with the seconds left. Tokens are unguessable; this keeps anyone from
    trying many files or tokens quickly."""
    limit, window = settings.VERIFY_RATE_LIMIT, settings.VERIFY_RATE_WINDOW_SECONDS
    count, left = window_hit(f"contract-verify:{address}", window=window)
    if count > limit:
        raise RateLimited(
            ngettext(
                "Too many checks from your address: try again in %(seconds)s second.",
                "Too many checks from your address: try again in %(seconds)s seconds.",
                left,
            )
            % {"seconds": left},
            retry_after=left,
        )


def _matched(contract: Contract) -> Verification:
    superseded = Contract.objects.filter(
        order_id=contract.order_id, agreed_version__gt=contract.agreed_version
    ).exists()
    return Verification(
        outcome="match",
        version=contract.terms_version,
        sealed_at=contract.sealed_at,
        superseded=superseded,
        languages=tuple(contract.languages),
    )


def contract_verify_token(*, token: str, address: str) -> Verification:
    """The QR link: the token names one sealed version, or none."""
    verification_rate_check(address)
    contract = Contract.objects.filter(token=token).first() if token else None
    return _matched(contract) if contract else UNKNOWN


def contract_verify_file(*, upload, address: str) -> Verification:
    """An uploaded PDF: a match when its SHA-256 is that of a PDF the portal issued; ``altered``
    when it names (in its document information) a seal the portal knows but its bytes differ;
    otherwise unknown. Only files up to ATTACHMENT_MAX_BYTES are read."""
    if upload is None:
        raise ValidationFailed({"file": [_("Choose the contract PDF to check.")]})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationFailed(
            {"file": [_("The file is too large: at most %(limit)s MB.") % {"limit": limit}]}
        )
    verification_rate_check(address)
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    contract = Contract.objects.filter(
        file_sha256=sha.hexdigest(), state=ContractState.READY
    ).first()
    if contract is not None:
        return _matched(contract)
    digest = _claimed_seal(upload)
    if digest and Contract.objects.filter(digest=digest).exists():
        return Verification(outcome="altered")
    return UNKNOWN


def _claimed_seal(upload) -> str:
    """The seal digest a PDF names in its document information, or ""."""
    from pypdf import PdfReader

    upload.seek(0)
    try:
        metadata = PdfReader(upload).metadata or {}
        value = str(metadata.get(render.SEAL_KEY, ""))
    except Exception:  # pypdf raises many kinds of errors on files that are not PDFs
        return ""
    finally:
        upload.seek(0)
    value = value.strip().lower()
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else ""
