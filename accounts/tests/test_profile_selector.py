"""accounts.selectors.company_profile: the figures are derived from inquiries, orders, members."""

import datetime

import pytest

from accounts.models import User
from accounts.selectors import company_profile, company_profiles
from accounts.tests.factories import BuyerFactory, SellerCompanyFactory
from inquiries.tests.factories import InquiryFactory
from orders.models import OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


def _inquire(buyer, seller_company):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller_company,
        sender=buyer,
    )


def test_a_new_company_has_sent_nothing_and_confirmed_nothing(buyer_company):
    profile = company_profile(company_id=buyer_company.pk)

    assert (profile.inquiries_sent, profile.orders_confirmed, profile.last_active) == (0, 0, None)


def test_inquiries_sent_counts_the_buyer_companys_inquiries(buyer, seller, other_seller):
    _inquire(buyer, seller.company)
    _inquire(buyer, other_seller.company)

    assert company_profile(company_id=buyer.company_id).inquiries_sent == 2


def test_inquiries_sent_counts_inquiries_of_every_member(buyer, seller):
    colleague = BuyerFactory(company=buyer.company)
    _inquire(buyer, seller.company)
    _inquire(colleague, seller.company)

    assert company_profile(company_id=buyer.company_id).inquiries_sent == 2


def test_inquiries_sent_ignores_other_companies_inquiries(buyer, other_buyer, seller):
    _inquire(other_buyer, seller.company)

    assert company_profile(company_id=buyer.company_id).inquiries_sent == 0


def test_a_seller_receiving_inquiries_has_sent_none(buyer, seller):
    _inquire(buyer, seller.company)

    assert company_profile(company_id=seller.company_id).inquiries_sent == 0


@pytest.mark.parametrize(
    ("state", "counted"),
    [
        (S.DRAFT, 0),
        (S.SELLER_CONFIRMED, 0),
        (S.BUYER_CONFIRMED, 0),
        (S.AWAITING_PAYMENT, 1),
        (S.READY_TO_SHIP, 1),
        (S.CANCELLED, 0),
    ],
)
def test_orders_confirmed_counts_only_orders_both_sides_confirmed(
    buyer, seller, product, state, counted
):
    make_order(buyer=buyer, seller=seller, status=state, product=product)

    assert company_profile(company_id=buyer.company_id).orders_confirmed == counted


def test_orders_confirmed_counts_for_the_seller_company_too(buyer, seller, other_buyer, product):
    make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)
    make_order(buyer=other_buyer, seller=seller, status=S.READY_TO_SHIP, product=product)

    assert company_profile(company_id=seller.company_id).orders_confirmed == 2


def test_orders_confirmed_ignores_other_companies_orders(buyer, seller, other_buyer, product):
    make_order(buyer=other_buyer, seller=seller, status=S.READY_TO_SHIP, product=product)

    assert company_profile(company_id=buyer.company_id).orders_confirmed == 0


def test_last_active_is_the_latest_activity_of_any_member(buyer):
    colleague = BuyerFactory(company=buyer.company)
    earlier = datetime.datetime(2024, 5, 1, 8, tzinfo=datetime.UTC)
    later = datetime.datetime(2024, 5, 3, 17, tzinfo=datetime.UTC)
    User.objects.filter(pk=buyer.pk).update(last_active_at=earlier)
    User.objects.filter(pk=colleague.pk).update(last_active_at=later)

    assert company_profile(company_id=buyer.company_id).last_active == later


def test_last_active_ignores_other_companies_members(buyer, other_buyer):
    User.objects.filter(pk=other_buyer.pk).update(
        last_active_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    )

    assert company_profile(company_id=buyer.company_id).last_active is None


def test_an_unknown_company_raises_does_not_exist(db):
    with pytest.raises(User.company.field.related_model.DoesNotExist):
        company_profile(company_id=999999)


@pytest.mark.parametrize("companies", [1, 6], ids=["small", "large"])
def test_the_profile_list_runs_one_query(django_assert_num_queries, buyer, seller, companies):
    for _ in range(companies):
        _inquire(buyer, SellerCompanyFactory())

    with django_assert_num_queries(1):
        rows = [(c.inquiries_sent, c.orders_confirmed, c.last_active) for c in company_profiles()]

    assert len(rows) == 2 + companies
