from decimal import Decimal

import factory

from accounts.tests.factories import BuyerCompanyFactory, BuyerFactory, SellerCompanyFactory
from inquiries.models import Inquiry, Negotiation


class NegotiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Negotiation

    buyer_company = factory.SubFactory(BuyerCompanyFactory)
    seller_company = factory.SubFactory(SellerCompanyFactory)
    origin = Negotiation.Origin.INQUIRY


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    negotiation = factory.SubFactory(NegotiationFactory)
    product = None
    sender = factory.SubFactory(
        BuyerFactory, company=factory.SelfAttribute("..negotiation.buyer_company")
    )
    subject = "Quotation for water bottles"
    message = "Please quote 1,000 pieces with our logo, delivered to Hamburg."
    quantity = Decimal("1000")
    unit = "piece"
    destination_country = "DE"
