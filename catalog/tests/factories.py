from decimal import Decimal

import factory

from accounts.tests.factories import SellerCompanyFactory
from catalog.models import Category, PriceTier, Product, Unit


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """A product with two tiers: 100-499 at 5.20, 500+ at 4.80 (MOQ 100)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerCompanyFactory)
    name = factory.Sequence(lambda n: f"Stainless steel water bottle {n}")
    description = "Double-walled, vacuum insulated, 750 ml."
    category = factory.SubFactory(CategoryFactory)
    unit = Unit.PIECE
    moq = Decimal("100")
    currency = "USD"
    lead_time_days = 30

    @factory.post_generation
    def tiers(obj, create, extracted, **kwargs):
        if not create:
            return
        # tiers=[] makes a product without tiers; leaving it out gives the two defaults.
        default = [("100", "5.20"), ("500", "4.80")]
        for min_quantity, price in default if extracted is None else extracted:
            PriceTier.objects.create(
                product=obj, min_quantity=Decimal(min_quantity), unit_price=Decimal(price)
            )
