"""Attachments that are part of the terms (issue 14 point 3), as the two parties see them."""

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus, Revision
from orders.tests.factories import make_order
from payments.tests.factories import set_bank_details

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )


def test_the_buyer_attaches_a_pdf_and_the_seller_sees_it_before_confirming(
    page_for, buyer, seller, seller_confirmed, tmp_path
):
    set_bank_details(seller)  # a T/T order is agreed only with them on file
    pdf = tmp_path / "Spec sheet.pdf"
    pdf.write_bytes(PDF)
    page = page_for(buyer)
    page.goto(f"/negotiations/{seller_confirmed.negotiation_id}/")

    section = page.get_by_role("region", name="Attachments")
    section.get_by_label("Attach a file").set_input_files(str(pdf))
    section.get_by_role("button", name="Attach file").click()

    attachments = page.get_by_test_id("attachments")
    expect(attachments).to_contain_text("Spec_sheet.pdf")
    expect(page.locator(".turn")).to_contain_text("Waiting for the seller.")

    seller_page = page_for(seller)
    seller_page.goto(f"/negotiations/{seller_confirmed.negotiation_id}/")
    changes = seller_page.locator(".changes-box")
    expect(changes).to_contain_text("Attachment “Spec_sheet.pdf”")
    expect(changes).to_contain_text("added")
    expect(seller_page.get_by_test_id("attachments")).to_contain_text("Spec_sheet.pdf")

    seller_page.get_by_role("button", name="Confirm", exact=True).click()

    expect(
        seller_page.get_by_text("Both parties have confirmed: the order is agreed.")
    ).to_be_visible()
    order = Order.objects.get(pk=seller_confirmed.pk)
    sealed = Revision.objects.get(order=order, version=order.agreed_version)
    assert [a["name"] for a in sealed.terms["attachments"]] == ["Spec_sheet.pdf"]
    assert order.agreed_digest == sealed.digest


def test_unsaved_edits_hide_the_attachment_form_so_attaching_cannot_lose_them(
    page_for, buyer, seller_confirmed
):
    page = page_for(buyer)
    page.goto(f"/negotiations/{seller_confirmed.negotiation_id}/")
    section = page.get_by_role("region", name="Attachments")
    expect(section.get_by_role("button", name="Attach file")).to_be_visible()

    page.get_by_role("link", name="Modify").click()
    page.locator("#loi").get_by_label("Packaging").fill("Crates")

    expect(section.get_by_role("button", name="Attach file")).to_be_hidden()
    expect(section.get_by_role("status")).to_contain_text("You have unsaved changes")
    section.screenshot(path="test-artifacts/attachments_unsaved.png")

    page.get_by_role("link", name="Discard changes").click()
    expect(section.get_by_role("button", name="Attach file")).to_be_visible()
