import pytest
from django.core.cache import cache

from chat.tests.factories import post
from inquiries.tests.factories import NegotiationFactory


@pytest.fixture
def negotiation(buyer, seller):
    return NegotiationFactory(buyer_company=buyer.company, seller_company=seller.company)


@pytest.fixture
def conversation(negotiation, buyer, seller):
    """Three messages: buyer, seller, buyer."""
    post(negotiation, buyer, "Can you do 4.50?")
    post(negotiation, seller, "4.70 is our best price.")
    post(negotiation, buyer, "Deal at 4.70.")
    cache.clear()  # the rate limit starts fresh in each test
    return negotiation


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
