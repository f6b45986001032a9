"""manage.py move_private_files, on remittance slips an earlier release stored publicly."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from common.files import private_storage
from orders.models import OrderStatus
from orders.tests.factories import make_order
from payments.models import Payment
from payments.tests.factories import pay, set_bank_details

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def old_style_slip(buyer, seller, product, django_capture_on_commit_callbacks):
    """A payment whose slip an earlier release stored in the served media folder."""
    set_bank_details(seller)
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(
            buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT, product=product
        )
    payment = pay(order, buyer, "100.00")
    old_name = default_storage.save("payments/slips/2026/11/remittance.pdf", ContentFile(PDF))
    Payment.objects.filter(pk=payment.pk).update(slip=old_name, slip_content_type="")
    return payment, old_name


def test_old_public_slips_move_to_the_private_storage_under_a_random_name(old_style_slip):
    payment, old_name = old_style_slip
    out = StringIO()
    call_command("move_private_files", stdout=out)
    payment.refresh_from_db()
    assert "moved 1" in out.getvalue()
    assert not default_storage.exists(old_name)
    assert payment.slip.name.startswith("payments/slips/") and payment.slip.name.endswith(".pdf")
    assert "remittance" not in payment.slip.name
    assert private_storage().exists(payment.slip.name)
    assert payment.slip_content_type == "application/pdf"
    assert payment.slip_name == "remittance.pdf"


def test_running_it_again_changes_nothing(old_style_slip):
    payment, _old = old_style_slip
    call_command("move_private_files", stdout=StringIO())
    payment.refresh_from_db()
    first = payment.slip.name
    out = StringIO()
    call_command("move_private_files", stdout=out)
    payment.refresh_from_db()
    assert payment.slip.name == first
    assert "moved 0" in out.getvalue()
