from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from common.money import country_currency
from common.validators import validate_currency

# The longest an offer (a unilateral confirmation) may stay open, by default or as set.
MAX_OFFER_VALIDITY_DAYS = 90


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class Company(models.Model):
    class BusinessType(models.TextChoices):
        MANUFACTURER = "manufacturer", _("Manufacturer")
        TRADING = "trading", _("Trading company")
        DISTRIBUTOR = "distributor", _("Distributor / wholesaler")
        RETAILER = "retailer", _("Retailer")
        OTHER = "other", _("Other")

    class Employees(models.TextChoices):
        E1_10 = "1-10", "1–10"
        E11_50 = "11-50", "11–50"
        E51_200 = "51-200", "51–200"
        E201_500 = "201-500", "201–500"
        E501_1000 = "501-1000", "501–1,000"
        E1000_PLUS = "1000+", "1,000+"

    side = models.CharField(_("side"), max_length=6, choices=Side.choices)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    business_type = models.CharField(
        _("business type"), max_length=20, choices=BusinessType.choices
    )
    year_established = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    employees = models.CharField(
        _("employees"), max_length=10, choices=Employees.choices, blank=True
    )
    main_products = models.TextField(_("main products or markets"), blank=True, max_length=1000)
    website = models.URLField(_("website"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    # The currency the company keeps its books in: amounts in another one are shown with their
    # approximate equivalent in it. Empty on a new company means the currency of its country.
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency],
        blank=True,
        help_text=_(
            "Amounts in other currencies are shown with their approximate equivalent in "
            "this currency."
        ),
    )
    # A seller's default sales contact: Start Order fills the seller contact from it.
    sales_contact_name = models.CharField(_("sales contact name"), max_length=200, blank=True)
    sales_contact_email = models.EmailField(_("sales contact e-mail"), blank=True)
    sales_contact_phone = models.CharField(_("sales contact phone"), max_length=40, blank=True)
    # How long a seller's or a buyer's unilateral confirmation of this seller's orders stays
    # open for the other side to confirm as is (issue 14 point 2); each confirmation may set its
    # own date instead.
    offer_validity_days = models.PositiveSmallIntegerField(
        _("confirmations valid for (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_VALIDITY_DAYS)],
        help_text=_(
            "How long the other side may confirm a letter of intent as it was sent; after it, "
            "they ask for an extension or send changes."
        ),
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="company_side_valid"),
        ]
        indexes = [models.Index(fields=["side", "country"])]

    def __str__(self):
        return self.legal_name

    def save(self, *args, **kwargs):
        if not self.currency:
            self.currency = country_currency(self.country.code if self.country else "")
        super().save(*args, **kwargs)

    @property
    def is_seller(self) -> bool:
        return self.side == Side.SELLER

    @property
    def is_buyer(self) -> bool:
        return self.side == Side.BUYER


class FreightRate(models.Model):
    """A seller's price to carry an order to a destination country (CFR, CIF, CPT, CIP, DAP,
    DPU, DDP): per order and/or per unit ordered, in one currency. Start Order takes the
    shipping fee from it (``fee_for``)."""

    seller = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="freight_rates")
    destination_country = CountryField(_("destination country"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    per_order = models.DecimalField(
        _("per order"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    per_unit = models.DecimalField(
        _("per unit"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("freight rate")
        verbose_name_plural = _("freight rates")
        ordering = ["destination_country", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "destination_country", "currency"],
                name="freightrate_seller_destination_currency_unique",
            ),
            models.CheckConstraint(
                condition=Q(per_order__isnull=False) | Q(per_unit__isnull=False),
                name="freightrate_has_a_price",
            ),
            models.CheckConstraint(
                condition=(Q(per_order__isnull=True) | Q(per_order__gte=0))
                & (Q(per_unit__isnull=True) | Q(per_unit__gte=0)),
                name="freightrate_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.seller} → {self.destination_country.code} ({self.currency})"

    def fee_for(self, quantity) -> Decimal:
        """The shipping fee for an order of ``quantity`` units, unrounded."""
        return (self.per_order or Decimal(0)) + (self.per_unit or Decimal(0)) * Decimal(quantity)


class User(AbstractUser):
    """A person; belongs to one company (staff may belong to none)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    last_active_at = models.DateTimeField(_("last active"), null=True, blank=True, editable=False)
    # Part of every session's auth hash: bumping it ends all the user's sessions at once
    # ("log out everywhere"), as a password change does, on any session backend.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Pages, e-mails and notifications reach the user in this language (common.i18n); new
    # users get their browser's Accept-Language at sign-up.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret=None):
        if not self.session_epoch:
            # Epoch 0 hashes as Django does, so existing sessions survive the upgrade.
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}\n{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def side(self) -> str | None:
        return self.company.side if self.company_id else None

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
