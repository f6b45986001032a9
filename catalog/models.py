from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy

from accounts.models import Company
from common.errors import ValidationFailed
from common.validators import validate_currency


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    PAIR = "pair", _("pair")
    BOX = "box", _("box")
    CARTON = "carton", _("carton")
    KG = "kg", _("kg")
    TONNE = "tonne", _("tonne")
    METRE = "metre", _("metre")
    SQUARE_METRE = "m2", _("square metre")
    LITRE = "litre", _("litre")
    ROLL = "roll", _("roll")


# Singular and plural of each unit, so that a quantity reads "1 piece" and "1,000 pieces"
# (context "quantity": the plain unit names above are other messages).
UNIT_FORMS = {
    Unit.PIECE: npgettext_lazy("quantity", "piece", "pieces", "count"),
    Unit.SET: npgettext_lazy("quantity", "set", "sets", "count"),
    Unit.PAIR: npgettext_lazy("quantity", "pair", "pairs", "count"),
    Unit.BOX: npgettext_lazy("quantity", "box", "boxes", "count"),
    Unit.CARTON: npgettext_lazy("quantity", "carton", "cartons", "count"),
    Unit.KG: npgettext_lazy("quantity", "kg", "kg", "count"),
    Unit.TONNE: npgettext_lazy("quantity", "tonne", "tonnes", "count"),
    Unit.METRE: npgettext_lazy("quantity", "metre", "metres", "count"),
    Unit.SQUARE_METRE: npgettext_lazy("quantity", "square metre", "square metres", "count"),
    Unit.LITRE: npgettext_lazy("quantity", "litre", "litres", "count"),
    Unit.ROLL: npgettext_lazy("quantity", "roll", "rolls", "count"),
}


def format_quantity(value: Decimal) -> str:
    """A quantity without trailing zeros, grouped for the active language: 1,000 or 2.5."""
    from babel.numbers import format_decimal
    from django.utils.translation import get_language

    locale = (get_language() or "en").replace("-", "_")
    return format_decimal(Decimal(value), locale=locale, decimal_quantization=False)


def quantity_with_unit(value: Decimal, unit: str) -> str:
    """ "1 piece", "1,000 pieces", "2.5 metres": the unit agrees with the number."""
    return f"{format_quantity(value)} {unit_label(unit, value)}"


def unit_label(unit: str, quantity) -> str:
    """The unit's name in the number that agrees with ``quantity``: singular only for one."""
    forms = UNIT_FORMS.get(unit)
    if forms is None:
        return unit
    return str(forms % {"count": 1 if quantity == 1 else 2})


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class BelowMinimumOrder(ValidationFailed):
    """The quantity is under the product's minimum order quantity."""

    def __init__(self, *, moq: Decimal, unit: str):
        super().__init__(
            {"quantity": [f"The minimum order quantity is {quantity_with_unit(moq, unit)}."]},
        )
        self.moq = moq


class Product(models.Model):
    seller = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"side": "seller"},
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    moq = models.DecimalField(
        _("minimum order quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    sample_available = models.BooleanField(_("sample available"), default=False)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [models.CheckConstraint(condition=Q(moq__gt=0), name="product_moq_positive")]
        indexes = [models.Index(fields=["active", "category"])]

    def __str__(self):
        return self.name

    def unit_price_for(self, quantity: Decimal) -> Decimal:
        """The tier unit price for a quantity; refuses quantities under the MOQ.

        A tier applies from its minimum quantity up to the next tier's minimum. Reads
        ``price_tiers`` through the prefetch cache when the caller prefetched it.
        """
        quantity = Decimal(quantity)
        if quantity < self.moq:
            raise BelowMinimumOrder(moq=self.moq, unit=self.unit)
        price = None
        for tier in sorted(self.price_tiers.all(), key=lambda t: t.min_quantity):
            if tier.min_quantity <= quantity:
                price = tier.unit_price
        if price is None:
            raise ValidationFailed({"quantity": [_("No price tier covers this quantity.")]})
        return price


class PriceTier(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.DecimalField(_("from quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["product", "min_quantity"], name="tier_unique_start"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="tier_price_positive"),
            models.CheckConstraint(condition=Q(min_quantity__gt=0), name="tier_min_positive"),
        ]

    def __str__(self):
        return f"{self.min_quantity}+ @ {self.unit_price}"
