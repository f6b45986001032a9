import pytest

from orders.tests.factories import ensure_bank_details


@pytest.fixture(autouse=True)
def _seller_has_bank_details(request):
    """A T/T order is agreed only with the seller's bank details on file (payments' rule,
    tested in payments/tests/test_agreement_gate.py); the tests here are about the order's
    own rules, so the seller persona has them."""
    if "seller" in request.fixturenames:
        ensure_bank_details(request.getfixturevalue("seller"))


@pytest.fixture
def seller_company(seller_company):
    """The seller persona's company with its default sales contact (Start Order's seller
    contact), the same as ``complete_values`` names."""
    seller_company.sales_contact_name = "Li Seller"
    seller_company.sales_contact_email = "li@seller.example"
    seller_company.sales_contact_phone = "+86 574 2222"
    seller_company.save()
    return seller_company
