"""The contract PDF, read back with pypdf: what it says and the seal it carries."""

import io

from pypdf import PdfReader

from contracts import render
from contracts.models import Contract
from contracts.tests.conftest import pdf_metadata, pdf_text
from orders.models import Revision


def _pdf(order) -> bytes:
    return Contract.objects.get(order=order).file.read()


def test_the_pdf_names_both_parties_the_lines_and_the_totals(agree):
    order = agree()

    text = pdf_text(_pdf(order))

    assert f"Contract {order.number}" in text
    assert "Ningbo Bright Housewares Co" in text
    assert "Hanse Trading GmbH" in text
    assert "Stainless steel water bottle" in text
    assert "1,000 pieces" in text
    assert "Goods total $4,800.00" in text
    assert "Total $5,150.00" in text


def test_the_pdf_prints_all_four_modules_and_the_payment_schedule(agree):
    text = pdf_text(_pdf(agree()))

    for heading in ("Product", "Shipping", "Payment", "Contacts", "Payment schedule"):
        assert heading in text
    assert "FOB – Free on Board" in text
    assert "Port of Hamburg, Germany" in text
    assert "Initial payment (30 %)" in text
    assert "$1,545.00" in text  # 30 % of 5,150.00
    assert "$3,605.00" in text
    assert "anna@buyer.example" in text


def test_the_pdf_prints_the_seal_digest_and_the_verification_link(agree):
    order = agree()
    contract = Contract.objects.get(order=order)

    text = pdf_text(_pdf(order)).replace("\n", "")

    assert order.agreed_digest in text
    assert render.verify_url(contract.token) in text


def test_the_pdf_metadata_carries_the_seal_digest(agree):
    order = agree()

    metadata = pdf_metadata(_pdf(order))

    assert metadata[render.SEAL_KEY] == order.agreed_digest
    assert metadata["/Keywords"] == f"seal-sha256:{order.agreed_digest}"


def test_the_pdf_says_who_confirmed_when(agree, buyer, seller):
    text = pdf_text(_pdf(agree()))

    assert f"Seller {seller.display_name} confirmed" in text
    assert f"Buyer {buyer.display_name} confirmed" in text


def test_chinese_names_are_rendered_in_noto_sans_cjk(agree, seller_company):
    seller_company.legal_name = "宁波光明家居用品有限公司"
    seller_company.save()
    order = agree(origin_port="宁波北仑港")
    data = _pdf(order)

    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }

    text = pdf_text(data)
    assert "宁波光明家居用品有限公司" in text
    assert "宁波北仑港" in text
    assert any(name.endswith("+Noto-Sans-CJK-SC") for name in fonts)
    assert any(name.endswith("+Noto-Sans") for name in fonts)


def test_attachments_in_the_sealed_terms_are_listed_with_their_digests(agree):
    order = agree()
    contract = Contract.objects.get(order=order)
    revision = Revision.objects.get(order=order, version=contract.agreed_version)
    sha = "ab" * 32
    revision.terms = {**revision.terms, "attachments": [{"name": "artwork.pdf", "sha256": sha}]}
    revision.save(update_fields=["terms"])

    text = pdf_text(render.contract_pdf(contract)).replace("\n", "")

    assert "Attachments" in text
    assert "artwork.pdf" in text
    assert sha in text


def test_terms_without_attachments_print_no_attachment_section(agree):
    assert "Attachments" not in pdf_text(_pdf(agree()))
