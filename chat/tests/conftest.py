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


@pytest.fixture(autouse=True)
def _no_persistent_connections_in_threads(monkeypatch):
    """Consumers run their database work in the thread pool (common.realtime.db_to_async); with
    CONN_MAX_AGE 0 each call hands its connection back, so no thread keeps the test database
    open past the test (PostgreSQL would refuse to drop it)."""
    from django.db import connections

    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
