import pytest
from django.core import mail

from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments.tests.factories import set_bank_details


@pytest.fixture
def bank(seller):
    return set_bank_details(seller)


@pytest.fixture
def awaiting_order(buyer, seller, product, bank, django_capture_on_commit_callbacks):
    """An order both sides confirmed (total 5,150.00 USD, 30 % now, 14 days to pay), with the
    after-commit hooks run as in production (bank-detail snapshot, notifications)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
        )
    mail.outbox.clear()  # the confirmation notifications
    return order


@pytest.fixture
def card_order(buyer, seller, product, django_capture_on_commit_callbacks):
    """Like ``awaiting_order``, agreed with payment by card (no bank details needed)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            buyer=buyer,
            seller=seller,
            status=OrderStatus.AWAITING_PAYMENT,
            product=product,
            terms={"payment_method": "card"},
        )
    mail.outbox.clear()
    return order


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
