import pytest

from shipments.tests.factories import ready_order


@pytest.fixture
def order(buyer, seller, product):
    return ready_order(buyer=buyer, seller=seller, product=product)
