"""The contract PDF in Chromium: the buyer's confirmation seals the order, the PDF is
downloaded from the order sheet and read back, and its verification link (the QR code's URL,
printed under it) and an upload of the file both say it matches a sealed agreement."""

import io
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from orders.models import Order, OrderStatus
from orders.tests.factories import ensure_bank_details, make_order

pytestmark = pytest.mark.browser


def test_the_buyer_downloads_the_sealed_contract_and_verifies_it(
    page_for, buyer, seller, product, screenshot, tmp_path
):
    ensure_bank_details(seller)
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    page = page_for(buyer)
    page.goto(f"/negotiations/{order.negotiation_id}/")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("Both parties have confirmed: the order is agreed.")).to_be_visible()

    page.goto(f"/orders/{order.pk}/")
    link = page.get_by_role("link", name="Contract PDF, version 1")
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "contract.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()

    order = Order.objects.get(pk=order.pk)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert order.number in text
    assert order.agreed_digest in text
    assert reader.metadata["/sealdigest"] == order.agreed_digest
    verify_url = re.search(r"https?://\S+?/verify/[\w-]+/", text).group(0)

    visitor = page_for(None)  # no log-in: anyone holding the PDF
    visitor.goto(urlsplit(verify_url).path)
    result = visitor.get_by_test_id("verify-result")
    expect(result).to_contain_text("This matches a sealed agreement: version 1.")
    expect(visitor.locator("body")).not_to_contain_text(order.number)

    visitor.get_by_label("Or check a contract PDF you hold").set_input_files(str(path))
    visitor.get_by_role("button", name="Check the file").click()
    expect(visitor.get_by_test_id("verify-result")).to_contain_text(
        "This matches a sealed agreement: version 1."
    )
    screenshot(visitor, "verification", full_page=False)
