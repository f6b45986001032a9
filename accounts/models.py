from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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

    @property
    def is_seller(self) -> bool:
        return self.side == Side.SELLER

    @property
    def is_buyer(self) -> bool:
        return self.side == Side.BUYER


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
