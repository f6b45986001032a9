"""The RFQ comparison ranks and totals in the buyer's chosen currency (issue 15, point 6)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fx.tests.factories import RateFactory
from rfq import selectors
from rfq.tests.factories import QuotationFactory, seller_in_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(db):
    today = timezone.localdate()
    RateFactory(quote="USD", rate=Decimal("1.25"), date=today)
    RateFactory(quote="CNY", rate=Decimal("8"), date=today)


@pytest.fixture
def three_quotes(rfq, seller, rival, category, rates):
    """1,000 pieces: 5.00 USD (4,000 EUR), 30 CNY (3,750 EUR), 4.20 GBP (no rate)."""
    third = seller_in_category(category)
    return {
        "usd": QuotationFactory(rfq=rfq, author=seller, unit_price="5.00", currency="USD"),
        "cny": QuotationFactory(rfq=rfq, author=rival, unit_price="30", currency="CNY"),
        "gbp": QuotationFactory(rfq=rfq, author=third, unit_price="4.20", currency="GBP"),
    }


def test_quotations_rank_by_their_total_in_the_buyers_currency(rfq, buyer, three_quotes):
    rows = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="total")
    assert [r.quotation for r in rows] == [
        three_quotes["cny"],
        three_quotes["usd"],
        three_quotes["gbp"],
    ]
    assert [r.converted_total for r in rows] == [Decimal("3750.00"), Decimal("4000.00"), None]
    assert rows[0].currency == "EUR"  # the German buyer's company currency


def test_each_row_shows_its_original_amount_and_the_rate_used(rfq, buyer, three_quotes):
    cny = selectors.quotations_on_rfq(user=buyer, rfq=rfq)[0]
    assert (cny.total, cny.quotation.currency) == (Decimal("30000.00"), "CNY")
    assert (cny.rate.base, cny.rate.quote, cny.rate.rate) == ("CNY", "EUR", Decimal("0.125"))
    assert cny.rate.date == timezone.localdate()


def test_another_chosen_currency_ranks_through_the_euro(rfq, buyer, three_quotes):
    rows = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="-total", currency="USD")
    assert [r.converted_total for r in rows] == [Decimal("5000.00"), Decimal("4687.50"), None]


def test_a_quotation_without_a_rate_is_listed_apart_never_dropped(rfq, buyer, three_quotes, client):
    client.force_login(buyer)
    response = client.get(reverse("rfq:detail", args=[rfq.pk]))
    assert [r.quotation for r in response.context["unranked_rows"]] == [three_quotes["gbp"]]
    page = response.content.decode()
    assert 'data-testid="unranked"' in page
    assert "no known exchange rate into EUR" in page


def test_the_comparison_page_ranks_in_the_currency_chosen_on_it(rfq, buyer, three_quotes, client):
    client.force_login(buyer)
    response = client.get(reverse("rfq:detail", args=[rfq.pk]) + "?currency=CNY&sort=total")
    assert response.context["comparison_currency"] == "CNY"
    assert [r.converted_total for r in response.context["ranked_rows"]] == [
        Decimal("30000.00"),
        Decimal("32000.00"),
    ]


def test_an_unknown_chosen_currency_falls_back_to_the_buyers(rfq, buyer, three_quotes, client):
    client.force_login(buyer)
    response = client.get(reverse("rfq:detail", args=[rfq.pk]) + "?currency=XXX")
    assert response.context["comparison_currency"] == "EUR"


def test_the_api_comparison_ranks_in_the_chosen_currency_with_the_rates(
    rfq, buyer, three_quotes, api_as
):
    body = api_as(buyer).get(f"/api/v1/rfqs/{rfq.pk}/quotations/?currency=USD&sort=total").json()
    assert [(q["currency"], q["total"], q["total_converted"], q["ranked"]) for q in body] == [
        ("CNY", "30000.00", "4687.50", True),
        ("USD", "5000.00", "5000.00", True),
        ("GBP", "4200.00", None, False),
    ]
    assert body[0]["comparison_currency"] == "USD"
    assert body[0]["rate"]["base"] == "CNY"
    assert body[0]["rate"]["sources"] == ["ecb"]
    assert body[2]["rate"] is None
