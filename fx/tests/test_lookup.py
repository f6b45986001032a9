"""Rate lookup: date fallback, cross rates through the euro, missing rates, rounding."""

import datetime
from decimal import Decimal

import pytest

from fx import selectors
from fx.models import Source
from fx.tests.factories import RateFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 30)  # a Friday


def test_the_rate_of_the_day_itself_is_used():
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=DAY)
    rate = selectors.rate_lookup("EUR", "USD", on=DAY)
    assert (rate.rate, rate.date, rate.sources) == (Decimal("1.1172"), DAY, (Source.ECB,))


def test_a_weekend_falls_back_to_the_latest_earlier_rate():
    RateFactory(quote="USD", rate=Decimal("1.10"), date=DAY - datetime.timedelta(days=1))
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=DAY)
    sunday = DAY + datetime.timedelta(days=2)
    assert selectors.rate_lookup("EUR", "USD", on=sunday).date == DAY


def test_a_rate_dated_after_the_date_is_never_used():
    RateFactory(quote="USD", date=DAY + datetime.timedelta(days=1))
    assert selectors.rate_lookup("EUR", "USD", on=DAY) is None


def test_a_rate_older_than_the_window_counts_as_unknown(settings):
    settings.FX_RATE_MAX_AGE_DAYS = 10
    RateFactory(quote="USD", date=DAY)
    assert selectors.rate_lookup("EUR", "USD", on=DAY + datetime.timedelta(days=10)) is not None
    assert selectors.rate_lookup("EUR", "USD", on=DAY + datetime.timedelta(days=11)) is None


def test_an_unknown_pair_has_no_rate_never_an_invented_one():
    RateFactory(quote="USD", date=DAY)
    assert selectors.rate_lookup("EUR", "VND", on=DAY) is None
    assert selectors.convert(Decimal("100"), "USD", "VND", on=DAY) is None


def test_the_inverse_of_a_feed_rate_converts_into_euro():
    RateFactory(quote="USD", rate=Decimal("1.25"), date=DAY)
    assert selectors.rate_lookup("USD", "EUR", on=DAY).rate == Decimal("0.8")


def test_two_currencies_convert_through_the_euro_dated_by_the_older_leg():
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=DAY)
    RateFactory(quote="CNY", rate=Decimal("7.4326"), date=DAY - datetime.timedelta(days=1))
    rate = selectors.rate_lookup("USD", "CNY", on=DAY)
    assert rate.rate == (Decimal("7.4326") / Decimal("1.1172")).quantize(Decimal("1e-10"))
    assert rate.date == DAY - datetime.timedelta(days=1)


def test_a_newer_staff_rate_of_the_pair_wins_over_an_older_cross_rate():
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=DAY - datetime.timedelta(days=3))
    RateFactory(quote="CNY", rate=Decimal("7.4326"), date=DAY - datetime.timedelta(days=3))
    RateFactory(base="USD", quote="CNY", rate=Decimal("7.1"), date=DAY, source=Source.MANUAL)
    rate = selectors.rate_lookup("USD", "CNY", on=DAY)
    assert (rate.rate, rate.sources) == (Decimal("7.1"), (Source.MANUAL,))


def test_a_currency_into_itself_is_one():
    assert selectors.rate_lookup("USD", "USD", on=DAY).rate == Decimal(1)


def test_a_converted_amount_is_rounded_to_no_decimals_in_yen():
    RateFactory(quote="JPY", rate=Decimal("175.68"), date=DAY)
    equivalent = selectors.convert(Decimal("10.01"), "EUR", "JPY", on=DAY)
    assert equivalent.amount == Decimal("1759")  # 1758.5568, half up to a whole yen
    assert equivalent.amount.as_tuple().exponent == 0


def test_a_converted_amount_is_rounded_to_three_decimals_in_bahraini_dinar():
    RateFactory(quote="BHD", rate=Decimal("0.42125"), date=DAY, source=Source.MANUAL)
    equivalent = selectors.convert(Decimal("100.00"), "EUR", "BHD", on=DAY)
    assert equivalent.amount == Decimal("42.125")


def test_a_converted_amount_is_rounded_half_up_to_cents():
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=DAY)
    assert selectors.convert(Decimal("0.50"), "EUR", "USD", on=DAY).amount == Decimal("0.56")


def test_a_page_reads_every_rate_it_needs_in_one_query(django_assert_num_queries):
    for quote in ("USD", "CNY", "JPY", "BRL"):
        RateFactory(quote=quote, date=DAY)
        RateFactory(quote=quote, date=DAY - datetime.timedelta(days=1))
    with django_assert_num_queries(1):
        book = selectors.rate_book(on=DAY)
    assert {book.rate(a, b).date for a in ("USD", "CNY") for b in ("JPY", "BRL")} == {DAY}
