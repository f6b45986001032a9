"""Staff enter rates in the admin; feed imports keep them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from fx import services
from fx.models import Rate, Source

pytestmark = pytest.mark.django_db


def test_staff_enter_a_rate_in_the_admin_as_a_manual_rate(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:fx_rate_add"),
        {"base": "EUR", "quote": "VND", "rate": "29500.5", "date": "2026-10-30"},
    )
    assert response.status_code == 302
    rate = Rate.objects.get(quote="VND")
    assert (rate.rate, rate.source, rate.entered_by) == (Decimal("29500.5"), Source.MANUAL, staff)


def test_a_rate_of_a_currency_into_itself_is_refused_in_the_admin(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:fx_rate_add"),
        {"base": "EUR", "quote": "EUR", "rate": "1", "date": "2026-10-30"},
    )
    assert response.status_code == 200
    assert not Rate.objects.exists()


def test_only_staff_enter_rates(buyer):
    from common.errors import NotAllowed

    row = Rate(base="EUR", quote="USD", rate=Decimal("1.1"), date=datetime.date(2026, 10, 30))
    with pytest.raises(NotAllowed):
        services.rate_enter(row=row, actor=buyer)
    assert not Rate.objects.exists()
