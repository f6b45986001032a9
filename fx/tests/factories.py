import datetime
from decimal import Decimal

import factory

from fx.models import Rate, Source


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    base = "EUR"
    quote = "USD"
    rate = Decimal("1.1000")
    date = factory.LazyFunction(datetime.date.today)
    source = Source.ECB
