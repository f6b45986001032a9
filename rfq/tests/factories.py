import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import BuyerCompanyFactory, BuyerFactory, SellerFactory
from catalog.tests.factories import CategoryFactory, ProductFactory
from rfq.models import RFQ, Quotation


class RFQFactory(factory.django.DjangoModelFactory):
    """An open, public RFQ for 1,000 pieces in USD, deadline in a week, needed in a month."""

    class Meta:
        model = RFQ

    buyer_company = factory.SubFactory(BuyerCompanyFactory)
    created_by = factory.SubFactory(BuyerFactory, company=factory.SelfAttribute("..buyer_company"))
    product_name = "Stainless steel water bottle 750 ml"
    category = factory.SubFactory(CategoryFactory)
    requirements = "Double-walled, powder coated, logo printed, 24 per carton."
    quantity = Decimal("1000")
    unit = "piece"
    target_unit_price = Decimal("4.50")
    currency = "USD"
    destination_country = "DE"
    incoterm = "FOB"
    required_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    quotation_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    audience = RFQ.Audience.PUBLIC


class QuotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    rfq = factory.SubFactory(RFQFactory)
    author = factory.SubFactory(SellerFactory)
    seller_company = factory.SelfAttribute("author.company")
    unit_price = Decimal("4.80")
    currency = "USD"
    moq = Decimal("500")
    lead_time_days = 30
    incoterm = "FOB"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    message = "Our best price, with logo printing included."


def seller_in_category(category, **kwargs):
    """A seller member whose company has an active product in the category (sees public RFQs)."""
    seller = SellerFactory(**kwargs)
    ProductFactory(seller=seller.company, category=category)
    return seller


def rfq_values(category, **overrides) -> dict:
    """Raw RFQ input as a form or JSON would send it."""
    values = {
        "product_name": "Bamboo cutting board",
        "category_id": category.pk,
        "requirements": "FSC bamboo, 40 x 30 cm, laser engraved logo.",
        "quantity": "2000",
        "unit": "piece",
        "target_unit_price": "3.10",
        "currency": "EUR",
        "destination_country": "DE",
        "incoterm": "CIF",
        "required_by": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "quotation_deadline": (timezone.now() + datetime.timedelta(days=10)).isoformat(),
        "audience": "public",
    }
    values.update(overrides)
    return values


def quotation_values(**overrides) -> dict:
    values = {
        "unit_price": "2.95",
        "currency": "EUR",
        "moq": "1000",
        "lead_time_days": "35",
        "incoterm": "CIF",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "message": "FSC certificate attached on request.",
    }
    values.update(overrides)
    return values
