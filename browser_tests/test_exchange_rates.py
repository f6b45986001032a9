"""Equivalents in the viewer's currency, and the rates locked at agreement (issue 15)."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from fx.tests.factories import RateFactory
from orders.models import OrderStatus
from orders.tests.factories import make_order


def test_the_seller_sees_the_order_total_in_yuan_and_the_rates_locked_at_agreement(
    seller_page, buyer, seller
):
    today = timezone.localdate()
    RateFactory(quote="USD", rate=Decimal("1.25"), date=today)
    RateFactory(quote="CNY", rate=Decimal("8"), date=today)
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)

    seller_page.goto(f"/orders/{order.pk}/")

    total = seller_page.locator(".order-total")
    expect(total.get_by_test_id("fx-approx")).to_contain_text("≈ CN¥")
    expect(total.get_by_test_id("fx-approx")).to_contain_text("rate of")
    rates = seller_page.get_by_test_id("agreed-rates")
    expect(rates).to_contain_text("Exchange rates at agreement")
    expect(rates).to_contain_text("1 USD = 6.4 CNY")
    expect(rates).to_contain_text("1 USD = 0.8 EUR")
