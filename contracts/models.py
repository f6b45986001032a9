import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.files import private_storage
from orders.models import Order


def new_token() -> str:
    """The verification token in the QR link: 256 random bits, never derived from the terms."""
    return secrets.token_urlsafe(32)


class ContractState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be produced")


class Contract(models.Model):
    """The PDF of one sealed version of an order: one row per order and sealed version.

    The row is written in the transaction that seals the version (both confirmed, or an
    amendment accepted); the render task claims it (pending -> ready) and fills ``file`` once.
    Earlier versions keep their rows and files when an amendment seals a new one.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="contracts")
    # The order version that was sealed (the revision's ``version``), and the number people see.
    agreed_version = models.PositiveIntegerField()
    terms_version = models.PositiveIntegerField()
    digest = models.CharField(_("seal (SHA-256 of the terms)"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ContractState.choices, default=ContractState.PENDING
    )
    # The languages the PDF is written in, side by side (one column when they are the same):
    # each side's is that of the person who confirmed the sealed version for it (services).
    seller_language = models.CharField(
        _("seller's language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    buyer_language = models.CharField(
        _("buyer's language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    file = models.FileField(storage=private_storage, max_length=200, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract PDF")
        verbose_name_plural = _("contract PDFs")
        ordering = ["order", "-agreed_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "agreed_version"], name="contract_order_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(state__in=("pending", "ready", "failed")), name="contract_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="ready") | ~Q(file_sha256=""), name="contract_ready_has_file"
            ),
        ]
        indexes = [models.Index(fields=["file_sha256"], name="contract_file_sha256")]

    def __str__(self):
        return f"{self.order} contract v{self.terms_version}"

    @property
    def languages(self) -> list[str]:
        """The PDF's columns, left to right: the seller's language, then the buyer's unless
        it is the same."""
        return list(dict.fromkeys([self.seller_language, self.buyer_language]))

    @property
    def download_name(self) -> str:
        return f"{self.order.number}-contract-v{self.terms_version}.pdf"
