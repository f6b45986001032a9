"""Exchange rates: reference rates from a feed, the offline ECB history, or the staff."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.validators import validate_currency


class Source(models.TextChoices):
    ECB = "ecb", _("European Central Bank reference rate")
    ECB_HISTORY = "ecb-history", _("European Central Bank reference rate (offline history)")
    MANUAL = "manual", _("Entered by the portal's staff")


class Rate(models.Model):
    """One unit of ``base`` is worth ``rate`` units of ``quote`` on ``date`` (the ECB's feed:
    base EUR). One rate per pair and day: a feed import never replaces a staff entry."""

    base = models.CharField(_("base currency"), max_length=3, validators=[validate_currency])
    quote = models.CharField(_("quote currency"), max_length=3, validators=[validate_currency])
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date", "base", "quote"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "date"], name="fx_rate_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(condition=~Q(base=F("quote")), name="fx_rate_two_currencies"),
            models.CheckConstraint(
                condition=Q(source__in=["ecb", "ecb-history", "manual"]), name="fx_rate_source"
            ),
        ]
        indexes = [models.Index(fields=["quote", "base", "-date"], name="fx_rate_pair_date")]

    def __str__(self):
        return f"1 {self.base} = {self.rate.normalize()} {self.quote} ({self.date})"
