"""The order sheet's contract list, the PDF download, and the public verification page."""

import io

import pytest
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from contracts.models import Contract, ContractState
from contracts.tests.test_services import _amend


def _download_url(contract) -> str:
    return reverse("contracts:download", args=[contract.order_id, contract.pk])


def _upload(client, data: bytes, name="contract.pdf"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("contracts:verify_upload"), {"file": file})


@pytest.mark.parametrize("party", ["buyer", "seller"])
def test_each_party_downloads_the_pdf_from_the_order_sheet(agree, client, party, request):
    order = agree()
    contract = Contract.objects.get(order=order)
    client.force_login(request.getfixturevalue(party))

    sheet = client.get(reverse("orders:view", args=[order.pk]))
    response = client.get(_download_url(contract))

    assert _download_url(contract) in sheet.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{order.number}-contract-v1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == contract.file.open("rb").read()


@pytest.mark.parametrize("outsider", ["other_buyer", "other_seller"])
def test_outsiders_get_404_for_the_pdf(agree, client, outsider, request):
    contract = Contract.objects.get(order=agree())
    client.force_login(request.getfixturevalue(outsider))

    assert client.get(_download_url(contract)).status_code == 404


def test_the_pdf_of_another_order_is_404_under_this_order(agree, client, buyer):
    contract = Contract.objects.get(order=agree())
    client.force_login(buyer)

    url = reverse("contracts:download", args=[contract.order_id + 1000, contract.pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_the_pdf(agree, client):
    contract = Contract.objects.get(order=agree())

    response = client.get(_download_url(contract))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_pdf_still_being_prepared_is_listed_but_not_downloadable(agree, client, buyer):
    order = agree()
    contract = Contract.objects.get(order=order)
    Contract.objects.filter(pk=contract.pk).update(state=ContractState.PENDING)
    client.force_login(buyer)

    sheet = client.get(reverse("orders:view", args=[order.pk])).content.decode()

    assert "Being prepared" in sheet
    assert _download_url(contract) not in sheet
    assert client.get(_download_url(contract)).status_code == 404


def _statements(client, url) -> list[str]:
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    return seen


def test_the_order_sheet_lists_every_version_with_one_query(
    agree, client, buyer, seller, django_capture_on_commit_callbacks
):
    order = agree()
    client.force_login(buyer)
    url = reverse("orders:view", args=[order.pk])
    one = _statements(client, url)
    _amend(order, proposer=seller, acceptor=buyer, capture=django_capture_on_commit_callbacks)

    two = _statements(client, url)

    assert [sql for sql in one if "contracts_contract" in sql] == [
        sql for sql in two if "contracts_contract" in sql
    ]
    assert len([sql for sql in two if "contracts_contract" in sql]) == 1
    sheet = client.get(url).content.decode()
    contracts = Contract.objects.filter(order=order).order_by("agreed_version")
    assert all(_download_url(c) in sheet for c in contracts)
    assert "replaced by a later version" in sheet


def test_an_order_not_sealed_yet_shows_no_contract_and_costs_no_query(
    client, buyer, seller, product
):
    from orders.models import OrderStatus
    from orders.tests.factories import make_order

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    client.force_login(buyer)

    statements = _statements(client, reverse("orders:view", args=[order.pk]))

    assert not [sql for sql in statements if "contracts_contract" in sql]


# --- Verification ---------------------------------------------------------------------------


def test_the_qr_token_shows_the_version_and_sealing_date_and_nothing_else(agree, client):
    order = agree()
    contract = Contract.objects.get(order=order)

    response = client.get(reverse("contracts:verify", args=[contract.token]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This matches a sealed agreement: version 1." in page
    assert "Sealed on" in page
    for secret in (order.number, "Hanse", "Ningbo", "bottle", order.agreed_digest, "5,150"):
        assert secret not in page


def test_the_qr_token_names_the_languages_the_contract_is_written_in(agree, client, buyer, seller):
    seller.language, buyer.language = "zh-hans", "de"
    seller.save(update_fields=["language"])
    buyer.save(update_fields=["language"])
    contract = Contract.objects.get(order=agree())

    page = client.get(reverse("contracts:verify", args=[contract.token])).content.decode()

    assert "Written in:" in page
    assert '<span lang="zh-hans">简体中文</span>, <span lang="de">Deutsch</span>' in page


def test_an_unknown_token_matches_nothing(agree, client):
    agree()

    response = client.get(reverse("contracts:verify", args=["not-a-real-token"]))

    assert response.status_code == 200
    assert "This does not match any sealed agreement." in response.content.decode()


def test_a_version_replaced_by_an_amendment_still_verifies_and_says_it_was_replaced(
    agree, client, buyer, seller, django_capture_on_commit_callbacks
):
    order = agree()
    first = Contract.objects.get(order=order)
    _amend(order, proposer=seller, acceptor=buyer, capture=django_capture_on_commit_callbacks)

    page = client.get(reverse("contracts:verify", args=[first.token])).content.decode()

    assert "This matches a sealed agreement: version 1." in page
    assert "no longer the current terms" in page


def test_an_uploaded_copy_of_the_pdf_matches(agree, client):
    contract = Contract.objects.get(order=agree())

    response = _upload(client, contract.file.open("rb").read())

    assert response.status_code == 200
    assert "This matches a sealed agreement: version 1." in response.content.decode()


def test_an_uploaded_pdf_the_portal_never_issued_matches_nothing(agree, client):
    agree()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    data = io.BytesIO()
    writer.write(data)

    response = _upload(client, data.getvalue())

    assert "This does not match any sealed agreement." in response.content.decode()


def test_a_tampered_pdf_that_names_a_real_seal_is_reported_altered(agree, client):
    contract = Contract.objects.get(order=agree())
    writer = PdfWriter(clone_from=PdfReader(contract.file.open("rb")))
    writer.add_metadata({"/Title": "Contract with a better price"})
    data = io.BytesIO()
    writer.write(data)

    page = _upload(client, data.getvalue()).content.decode()

    assert "it names a seal, but its content was changed" in page
    assert "version 1" not in page


def test_an_upload_that_is_not_a_pdf_matches_nothing(agree, client):
    agree()

    page = _upload(client, b"hello, not a pdf", name="x.pdf").content.decode()

    assert "This does not match any sealed agreement." in page


def test_checking_without_a_file_names_the_field(client):
    response = client.post(reverse("contracts:verify_upload"), {})

    assert response.status_code == 400
    assert "Choose the contract PDF to check." in response.content.decode()


def test_the_verification_page_is_rate_limited_per_address(agree, client, settings):
    settings.VERIFY_RATE_LIMIT = 2
    contract = Contract.objects.get(order=agree())
    url = reverse("contracts:verify", args=[contract.token])

    statuses = [client.get(url).status_code for _ in range(3)]
    limited = client.get(url)

    assert statuses == [200, 200, 429]
    assert int(limited["Retry-After"]) > 0
    assert "Too many checks" in limited.content.decode()


def test_uploads_count_against_the_same_limit(agree, client, settings):
    settings.VERIFY_RATE_LIMIT = 1
    contract = Contract.objects.get(order=agree())
    client.get(reverse("contracts:verify", args=[contract.token]))

    response = _upload(client, contract.file.open("rb").read())

    assert response.status_code == 429


def test_the_verification_page_has_no_inline_script(client):
    page = client.get(reverse("contracts:verify_upload")).content.decode()

    assert "<script>" not in page
    assert " on" + "click=" not in page
