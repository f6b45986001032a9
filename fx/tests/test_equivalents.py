"""The approximate equivalent beside an amount in another currency (issue 15, point 5)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import BuyerFactory
from fx.models import Rate, Source
from fx.tests.factories import RateFactory
from orders.models import OrderStatus as S
from orders.tests.factories import make_order

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load fx_tags %}{% approx amount currency %}")


def _render(user, amount, currency) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return TEMPLATE.render(
        Context({"request": request, "user": user, "amount": amount, "currency": currency})
    )


@pytest.fixture
def usd_rate(db):
    return RateFactory(quote="USD", rate=Decimal("1.25"), date=datetime.date(2026, 10, 30))


def test_an_amount_in_another_currency_shows_its_approximate_equivalent_with_date(usd_rate):
    html = _render(BuyerFactory(), Decimal("1000.00"), "USD")  # a German buyer: EUR
    assert "≈</abbr> €800.00" in html
    assert "rate of Oct. 30, 2026" in html
    assert "European Central Bank reference rate" in html  # the source, in the title


def test_an_amount_in_the_viewers_currency_shows_nothing_beside_it(usd_rate):
    assert _render(BuyerFactory(), Decimal("1000.00"), "EUR").strip() == ""


def test_without_a_known_rate_it_says_so_instead_of_inventing_one(db):
    html = _render(BuyerFactory(), Decimal("1000.00"), "USD")
    assert "no USD→EUR rate known" in html
    assert "≈" not in html


def test_a_stale_rate_is_not_shown(usd_rate, settings):
    settings.FX_RATE_MAX_AGE_DAYS = 1
    html = _render(BuyerFactory(), Decimal("1000.00"), "USD")
    assert "no USD→EUR rate known" in html


def test_a_visitor_without_a_company_sees_no_equivalent(usd_rate):
    assert _render(AnonymousUser(), Decimal("1000.00"), "USD").strip() == ""


def test_the_equivalent_is_rounded_to_the_viewers_minor_unit(db):
    buyer = BuyerFactory()
    buyer.company.currency = "JPY"
    buyer.company.save()
    RateFactory(quote="JPY", rate=Decimal("175.68"), date=timezone.localdate())
    assert "¥1,759" in _render(buyer, Decimal("10.01"), "EUR")


@pytest.fixture
def today_rates(db):
    today = timezone.localdate()
    RateFactory(quote="USD", rate=Decimal("1.25"), date=today)
    RateFactory(quote="CNY", rate=Decimal("7.5"), date=today)


def test_the_order_sheet_shows_the_total_in_the_viewers_currency(
    today_rates, client, buyer, seller
):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED)
    client.force_login(seller)  # a Chinese seller: CNY
    page = client.get(reverse("orders:view", args=[order.pk])).content.decode()
    assert 'data-testid="fx-approx"' in page
    assert "CN¥" in page


def test_the_workspace_shows_the_total_in_the_viewers_currency(today_rates, client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED)
    client.force_login(buyer)
    url = reverse("inquiries:workspace", args=[order.negotiation_id])
    page = client.get(url).content.decode()
    assert 'data-testid="loi-total-approx"' in page
    assert "≈</abbr> €" in page


def test_the_inbox_shows_each_total_in_the_viewers_currency(today_rates, client, buyer, seller):
    make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED)
    client.force_login(buyer)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    assert "≈</abbr> €" in page


def test_a_new_rate_shows_in_the_inbox_at_once_despite_the_row_cache(
    today_rates, client, buyer, seller
):
    make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED)
    client.force_login(buyer)
    before = client.get(reverse("inquiries:inbox")).content.decode()
    Rate.objects.filter(quote="USD").update(rate=Decimal("2"), source=Source.MANUAL)
    after = client.get(reverse("inquiries:inbox")).content.decode()
    assert before != after
    assert "Entered by the portal" in after
