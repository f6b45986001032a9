"""The contracts API: the parties' list and download, and the public verification."""

import io

import pytest
from django.urls import reverse

from contracts.models import Contract


def test_a_party_lists_the_contracts_of_an_order(agree, api_as, buyer):
    order = agree()
    contract = Contract.objects.get(order=order)

    response = api_as(buyer).get(reverse("api-order-contracts", args=[order.pk]))

    assert response.status_code == 200
    [item] = response.json()
    assert item["version"] == 1
    assert item["agreed_version"] == order.agreed_version
    assert item["digest"] == order.agreed_digest
    assert item["state"] == "ready"
    assert item["file_sha256"] == contract.file_sha256
    assert item["pdf_url"].endswith(reverse("api-order-contract-pdf", args=[order.pk, contract.pk]))
    assert item["verify_url"].endswith(reverse("contracts:verify", args=[contract.token]))


def test_the_contract_list_names_the_languages_of_the_pdf(agree, api_as, buyer, seller):
    seller.language, buyer.language = "zh-hans", "de"
    seller.save(update_fields=["language"])
    buyer.save(update_fields=["language"])
    order = agree()

    [item] = api_as(buyer).get(reverse("api-order-contracts", args=[order.pk])).json()

    assert (item["seller_language"], item["buyer_language"]) == ("zh-hans", "de")
    assert item["languages"] == ["zh-hans", "de"]


def test_the_public_api_names_the_languages_of_a_matching_pdf(agree, api_as, buyer):
    buyer.language = "vi"
    buyer.save(update_fields=["language"])
    contract = Contract.objects.get(order=agree())

    body = api_as(None).get(reverse("api-verify-token", args=[contract.token])).json()

    assert body["languages"] == ["en", "vi"]


def test_a_party_downloads_the_pdf_through_the_api(agree, api_as, seller):
    order = agree()
    contract = Contract.objects.get(order=order)

    response = api_as(seller).get(reverse("api-order-contract-pdf", args=[order.pk, contract.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == contract.file.open("rb").read()


@pytest.mark.parametrize("outsider", ["other_buyer", "other_seller"])
def test_outsiders_get_404_from_the_contract_api(agree, api_as, outsider, request):
    order = agree()
    contract = Contract.objects.get(order=order)
    client = api_as(request.getfixturevalue(outsider))

    listed = client.get(reverse("api-order-contracts", args=[order.pk]))
    pdf = client.get(reverse("api-order-contract-pdf", args=[order.pk, contract.pk]))

    assert (listed.status_code, pdf.status_code) == (404, 404)


def test_the_contract_list_needs_authentication(agree, api_as):
    order = agree()

    assert api_as(None).get(reverse("api-order-contracts", args=[order.pk])).status_code == 401


def test_the_public_api_verifies_a_token_without_authentication(agree, api_as):
    order = agree()
    contract = Contract.objects.get(order=order)

    response = api_as(None).get(reverse("api-verify-token", args=[contract.token]))

    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "match"
    assert body["matches"] is True
    assert body["version"] == 1
    assert body["superseded"] is False
    assert body["languages"] == ["en"]
    assert set(body) == {"outcome", "matches", "version", "sealed_at", "superseded", "languages"}


def test_the_public_api_says_an_unknown_token_matches_nothing(api_as, db):
    body = api_as(None).get(reverse("api-verify-token", args=["guess"])).json()

    assert body == {
        "outcome": "unknown",
        "matches": False,
        "version": None,
        "sealed_at": None,
        "superseded": False,
        "languages": [],
    }


def test_the_public_api_verifies_an_uploaded_pdf(agree, api_as):
    contract = Contract.objects.get(order=agree())
    upload = io.BytesIO(contract.file.open("rb").read())
    upload.name = "contract.pdf"

    response = api_as(None).post(reverse("api-verify-file"), {"file": upload}, format="multipart")

    assert response.status_code == 200
    assert response.json()["outcome"] == "match"


def test_the_public_api_names_a_missing_file(api_as, db):
    response = api_as(None).post(reverse("api-verify-file"), {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


def test_the_public_api_is_rate_limited(agree, api_as, settings):
    settings.VERIFY_RATE_LIMIT = 1
    contract = Contract.objects.get(order=agree())
    url = reverse("api-verify-token", args=[contract.token])
    client = api_as(None)

    client.get(url)
    response = client.get(url)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_the_schema_documents_the_contract_endpoints(api_as, buyer):
    schema = api_as(buyer).get(reverse("schema"), {"format": "json"}).json()

    for path in (
        "/api/v1/orders/{order_id}/contracts/",
        "/api/v1/orders/{order_id}/contracts/{contract_id}/pdf/",
        "/api/v1/verify/",
        "/api/v1/verify/{token}/",
    ):
        assert path in schema["paths"]
