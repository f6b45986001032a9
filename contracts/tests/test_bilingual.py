"""The contract PDF in the parties' languages: side by side, or one column when they share it.

The headings asserted are the catalogues' own translations (locale/<lang>/LC_MESSAGES/
django.po): "Parties" is 双方 / Parteien / Các bên, "Payment schedule" is 付款计划 /
Zahlungsplan / Lịch thanh toán, "Goods total" is 货物总额 / Warenwert.
"""

import io

from django.core import mail
from pypdf import PdfReader

from accounts.tests.factories import BuyerFactory
from contracts import render
from contracts.models import Contract
from contracts.tests.conftest import pdf_text
from contracts.tests.test_services import _amend
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order


def _speak(*pairs) -> None:
    """``_speak((seller, "zh-hans"), (buyer, "de"))``: each user's preferred language."""
    for user, language in pairs:
        user.language = language
        user.save(update_fields=["language"])


def _contract(order) -> Contract:
    return Contract.objects.select_related("order__negotiation").get(order=order)


def _text(order) -> str:
    """The PDF's text with every run of white space as one space (narrow columns wrap)."""
    return " ".join(pdf_text(_contract(order).file.read()).split())


def _fonts(data: bytes) -> set[str]:
    return {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_a_chinese_seller_and_a_german_buyer_get_the_contract_in_both_languages(
    agree, buyer, seller
):
    _speak((seller, "zh-hans"), (buyer, "de"))
    order = agree()

    contract = _contract(order)
    text = _text(order)

    assert (contract.seller_language, contract.buyer_language) == ("zh-hans", "de")
    assert contract.languages == ["zh-hans", "de"]
    for chinese, german in (
        ("双方", "Parteien"),
        ("付款计划", "Zahlungsplan"),
        ("货物总额", "Warenwert"),
    ):
        assert chinese in text
        assert german in text
    assert "Parties" not in text


def test_the_chinese_column_is_set_in_noto_sans_cjk_and_the_german_in_noto_sans(
    agree, buyer, seller
):
    _speak((seller, "zh-hans"), (buyer, "de"))

    fonts = _fonts(_contract(agree()).file.read())

    assert any(name.endswith("+Noto-Sans-CJK-SC") for name in fonts)
    assert any(name.endswith("+Noto-Sans") for name in fonts)


def test_amounts_are_written_in_each_columns_locale(agree, buyer, seller):
    _speak((seller, "zh-hans"), (buyer, "de"))

    text = _text(agree())

    assert "US$4,800.00" in text  # Chinese
    assert "4.800,00 $" in text  # German
    assert "1.000" in text and "1,000" in text  # the quantity in each


def test_what_the_parties_entered_is_printed_as_entered_in_both_columns(agree, buyer, seller):
    _speak((seller, "zh-hans"), (buyer, "de"))

    text = _text(agree(packaging="Karton, 24 Stück / 纸箱"))

    assert text.count("Stainless steel water bottle") == 2
    assert text.count("Karton, 24 Stück / 纸箱") == 2
    assert text.count("anna@buyer.example") >= 2


def test_two_parties_who_share_german_get_one_german_column(agree, buyer, seller):
    _speak((seller, "de"), (buyer, "de"))
    order = agree()

    text = _text(order)

    assert _contract(order).languages == ["de"]
    assert text.count("Zahlungsplan") == 1
    assert text.count("Stainless steel water bottle") == 1
    assert "Parteien" in text
    assert "Parties" not in text
    assert "4.800,00 $" in text


def test_an_english_seller_and_a_vietnamese_buyer_get_english_and_vietnamese(agree, buyer, seller):
    _speak((buyer, "vi"))
    order = agree()

    text = _text(order)

    assert _contract(order).languages == ["en", "vi"]
    assert "Parties" in text and "Các bên" in text
    assert "Payment schedule" in text and "Lịch thanh toán" in text
    assert "$4,800.00" in text and "4.800,00 US$" in text


def test_parties_who_both_read_english_get_an_english_contract_only(agree):
    order = agree()

    text = _text(order)

    assert _contract(order).languages == ["en"]
    assert text.count("Payment schedule") == 1


def test_a_sides_language_is_that_of_the_person_who_confirmed_for_it(
    buyer, seller, product, buyer_company, django_capture_on_commit_callbacks
):
    # The buyer company's first member (the persona) reads English; a colleague who reads
    # German confirms for the buyer: the contract is in German for that side.
    colleague = BuyerFactory(username="colleague", company=buyer_company, language="de")
    _speak((seller, "zh-hans"))
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=colleague, version=order.version)

    assert _contract(order).languages == ["zh-hans", "de"]


def test_a_language_changed_after_the_seal_does_not_change_the_contract(agree, buyer, seller):
    _speak((buyer, "de"))
    contract = _contract(agree())
    _speak((buyer, "vi"))

    text = pdf_text(render.contract_pdf(Contract.objects.get(pk=contract.pk)))

    assert "Zahlungsplan" in text
    assert "Lịch thanh toán" not in text


def test_an_amended_contract_is_in_the_languages_of_its_proposer_and_acceptor(
    agree, buyer, seller, django_capture_on_commit_callbacks
):
    order = agree()
    _speak((seller, "zh-hans"), (buyer, "de"))

    _amend(order, proposer=seller, acceptor=buyer, capture=django_capture_on_commit_callbacks)

    first, second = Contract.objects.filter(order=order).order_by("agreed_version")
    assert first.languages == ["en"]
    assert second.languages == ["zh-hans", "de"]
    assert "付款计划" in pdf_text(second.file.read())


def test_the_order_agreed_email_carries_the_bilingual_pdf(agree, buyer, seller):
    _speak((seller, "zh-hans"), (buyer, "de"))
    mail.outbox.clear()
    order = agree()
    contract = _contract(order)

    attached = [
        content
        for message in mail.outbox
        for name, content, content_type in message.attachments
        if content_type == "application/pdf"
    ]

    assert sorted(m.to[0] for m in mail.outbox if m.attachments) == sorted(
        [buyer.email, seller.email]
    )
    assert attached and all(content == contract.file.open("rb").read() for content in attached)
    text = pdf_text(attached[0])
    assert "双方" in text and "Parteien" in text
