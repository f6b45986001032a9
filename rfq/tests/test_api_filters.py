"""RFQ and quotation list filters: a wrong type or value is a 400 field error, never a 500 or
silently ignored."""

import pytest


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=%C2%B2", "category"),  # a unicode digit that str.isdigit() accepts
        ("category=99999999999999999999", "category"),
        ("min_quantity=1e1000000", "min_quantity"),
        ("max_quantity=abc", "max_quantity"),
        ("state=bogus", "state"),
        ("open=perhaps", "open"),
        ("deadline_before=tomorrow", "deadline_before"),
        ("destination_country=XX", "destination_country"),
        ("page=two", "page"),
    ],
)
def test_a_malformed_rfq_filter_is_a_400_field_error(buyer, rfq, api_as, query, field):
    response = api_as(buyer).get(f"/api/v1/rfqs/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_well_formed_rfq_filters_still_filter(buyer, rfq, api_as):
    client = api_as(buyer)

    matching = client.get(f"/api/v1/rfqs/?open=true&state=open&category={rfq.category_id}")
    other = client.get(f"/api/v1/rfqs/?category={rfq.category_id + 1000}")

    assert [item["id"] for item in matching.json()["results"]] == [rfq.pk]
    assert other.json()["results"] == []


def test_an_unknown_quotation_state_is_a_400_field_error(seller, quotation, api_as):
    response = api_as(seller).get("/api/v1/quotations/?state=AAA")

    assert response.status_code == 400
    assert "state" in response.json()
