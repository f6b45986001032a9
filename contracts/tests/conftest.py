import io

import pytest
from pypdf import PdfReader

from orders import services as order_services
from orders.models import Order, OrderStatus
from orders.tests.factories import ensure_bank_details, make_order


@pytest.fixture(autouse=True)
def _seller_has_bank_details(request):
    """A T/T order is agreed only with the seller's bank details on file (payments' rule)."""
    if "seller" in request.fixturenames:
        ensure_bank_details(request.getfixturevalue("seller"))


@pytest.fixture
def agree(buyer, seller, product, django_capture_on_commit_callbacks):
    """``agree(**terms)``: an order both sides confirmed, its after-commit work (the contract
    task, the e-mails) run as a worker would."""

    def make(**terms) -> Order:
        order = make_order(
            buyer=buyer,
            seller=seller,
            status=OrderStatus.SELLER_CONFIRMED,
            product=product,
            terms=terms,
        )
        with django_capture_on_commit_callbacks(execute=True):
            order_services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
        return Order.objects.select_related("negotiation").get(pk=order.pk)

    return make


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_metadata(data: bytes) -> dict:
    return dict(PdfReader(io.BytesIO(data)).metadata or {})
