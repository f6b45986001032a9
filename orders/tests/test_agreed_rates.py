"""The exchange rates locked with each sealed version (issue 15, point 7)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fx.models import Rate, Source
from fx.tests.factories import RateFactory
from orders import amendments
from orders.models import AgreedRate, Order
from orders.models import OrderStatus as S
from orders.tests.factories import complete_values, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(db):
    today = timezone.localdate()
    RateFactory(quote="USD", rate=Decimal("1.1172"), date=today)
    RateFactory(quote="CNY", rate=Decimal("7.4326"), date=today)


def _total(order) -> Decimal:
    return order.revisions.get(version=order.agreed_version).total


def test_agreement_records_the_rate_into_each_partys_currency(rates, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    rows = {row.side: row for row in AgreedRate.objects.filter(order=order)}
    assert set(rows) == {"buyer", "seller"}
    buyer_row = rows["buyer"]
    assert (buyer_row.order_currency, buyer_row.currency) == ("USD", "EUR")
    assert buyer_row.rate == (Decimal(1) / Decimal("1.1172")).quantize(Decimal("1e-10"))
    assert buyer_row.rate_date == timezone.localdate()
    assert buyer_row.source == Source.ECB
    assert buyer_row.agreed_version == order.agreed_version
    assert buyer_row.total_converted == (_total(order) * buyer_row.rate).quantize(Decimal("0.01"))
    assert rows["seller"].currency == "CNY"


def test_later_rates_do_not_change_the_agreed_rate(rates, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    locked = AgreedRate.objects.get(order=order, side="buyer").rate
    Rate.objects.filter(quote="USD").update(rate=Decimal("2"))
    RateFactory(quote="USD", rate=Decimal("3"), date=timezone.localdate() + datetime.timedelta(1))

    assert AgreedRate.objects.get(order=order, side="buyer").rate == locked


def test_a_party_in_the_orders_currency_gets_no_rate_row(rates, buyer, seller):
    buyer.company.currency = "USD"
    buyer.company.save()
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    assert list(AgreedRate.objects.filter(order=order).values_list("side", flat=True)) == ["seller"]


def test_no_known_rate_is_recorded_as_unknown_not_invented(buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    row = AgreedRate.objects.get(order=order, side="buyer")
    assert (row.rate, row.rate_date, row.total_converted) == (None, None, None)


def test_an_accepted_amendment_locks_the_rates_again_with_its_new_seal(rates, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    first_version = order.agreed_version
    values = complete_values(order)
    values["lines"][0]["quantity"] = "1200"
    amendment = amendments.amendment_propose(
        order_id=order.pk, actor=seller, version=order.version, values=values, reason="More"
    )
    Rate.objects.filter(quote="USD").update(rate=Decimal("1.2"))
    amendments.amendment_accept(
        order_id=order.pk, amendment_id=amendment.pk, actor=buyer, version=order.version + 1
    )

    order = Order.objects.get(pk=order.pk)
    old = AgreedRate.objects.get(order=order, side="buyer", agreed_version=first_version)
    new = AgreedRate.objects.get(order=order, side="buyer", agreed_version=order.agreed_version)
    assert old.rate != new.rate == (Decimal(1) / Decimal("1.2")).quantize(Decimal("1e-10"))
    assert new.total == _total(order)


def test_the_order_sheet_shows_the_agreed_rates(rates, client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    client.force_login(buyer)
    page = client.get(reverse("orders:view", args=[order.pk])).content.decode()
    assert 'data-testid="agreed-rates"' in page
    assert "1 USD = 0.895095 EUR" in page


def test_the_api_order_detail_includes_the_agreed_rates(rates, api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT)
    body = api_as(buyer).get(f"/api/v1/orders/{order.pk}/").json()
    by_side = {row["side"]: row for row in body["agreed_rates"]}
    assert by_side["buyer"]["rate"] == "0.8950948801"
    assert by_side["buyer"]["sources"] == ["ecb"]
    assert by_side["buyer"]["agreed_version"] == order.agreed_version
    assert by_side["seller"]["currency"] == "CNY"


def test_an_order_not_agreed_has_no_agreed_rates_in_the_api(rates, api_as, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED)
    assert api_as(buyer).get(f"/api/v1/orders/{order.pk}/").json()["agreed_rates"] == []
