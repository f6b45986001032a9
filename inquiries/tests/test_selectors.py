"""Negotiation and inquiry reads: visibility, filters, the buyer's view of drafts, query count."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import BuyerFactory
from common.errors import NotFound
from inquiries import selectors
from inquiries.models import Negotiation
from inquiries.tests.factories import InquiryFactory
from orders import services as order_services
from orders.models import OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def inquiry(buyer, seller, product):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
    )


@pytest.fixture
def draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product)


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


# --- Visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["buyer", "seller", "staff"])
def test_both_companies_and_staff_see_the_negotiation(request, inquiry, user):
    negotiation = selectors.negotiation_get_for_user(
        user=request.getfixturevalue(user), negotiation_id=inquiry.negotiation_id
    )

    assert negotiation.inquiry == inquiry


def test_a_colleague_of_the_buyer_sees_the_negotiation(buyer, inquiry):
    colleague = BuyerFactory(company=buyer.company)

    assert _ids(selectors.negotiations_for_user(colleague)) == {inquiry.negotiation_id}


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_see_no_negotiation(request, inquiry, user):
    assert not selectors.negotiations_for_user(request.getfixturevalue(user)).exists()


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_get_not_found_for_a_negotiation(request, inquiry, user):
    with pytest.raises(NotFound):
        selectors.negotiation_get_for_user(
            user=request.getfixturevalue(user), negotiation_id=inquiry.negotiation_id
        )


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_see_no_inquiry(request, inquiry, user):
    assert not selectors.inquiries_for_user(request.getfixturevalue(user)).exists()


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_get_not_found_for_an_inquiry(request, inquiry, user):
    with pytest.raises(NotFound):
        selectors.inquiry_get_for_user(user=request.getfixturevalue(user), inquiry_id=inquiry.pk)


@pytest.mark.parametrize("user", ["buyer", "seller"])
def test_both_sides_see_the_inquiry(request, inquiry, user):
    assert selectors.inquiry_get_for_user(
        user=request.getfixturevalue(user), inquiry_id=inquiry.pk
    ) == (inquiry)


def test_anonymous_users_see_nothing(inquiry):
    anonymous = AnonymousUser()

    assert not selectors.negotiations_for_user(anonymous).exists()
    assert not selectors.inquiries_for_user(anonymous).exists()


def test_staff_see_every_negotiation(staff, inquiry, other_buyer, other_seller):
    elsewhere = InquiryFactory(
        negotiation__buyer_company=other_buyer.company,
        negotiation__seller_company=other_seller.company,
        sender=other_buyer,
    )

    assert _ids(selectors.negotiations_for_user(staff)) == {
        inquiry.negotiation_id,
        elsewhere.negotiation_id,
    }
    assert _ids(selectors.inquiries_for_user(staff)) == {inquiry.pk, elsewhere.pk}


# --- Filter by state ----------------------------------------------------------------------


def test_state_inquiry_lists_negotiations_without_an_order(seller, inquiry, seller_confirmed):
    assert _ids(selectors.negotiations_for_user(seller, state="inquiry")) == {
        inquiry.negotiation_id
    }


def test_state_filter_lists_negotiations_whose_order_is_in_that_state(
    seller, inquiry, seller_confirmed
):
    listed = selectors.negotiations_for_user(seller, state=S.SELLER_CONFIRMED)

    assert _ids(listed) == {seller_confirmed.negotiation_id}


def test_seller_finds_his_draft_under_draft(seller, inquiry, draft):
    assert _ids(selectors.negotiations_for_user(seller, state=S.DRAFT)) == {draft.negotiation_id}


def test_buyer_never_finds_an_order_under_draft(buyer, draft):
    assert not selectors.negotiations_for_user(buyer, state=S.DRAFT).exists()


def test_to_the_buyer_a_negotiation_with_a_draft_is_still_an_inquiry(buyer, inquiry, draft):
    assert _ids(selectors.negotiations_for_user(buyer, state="inquiry")) == {
        inquiry.negotiation_id,
        draft.negotiation_id,
    }


def test_to_the_seller_a_negotiation_with_a_draft_is_not_an_inquiry(seller, inquiry, draft):
    assert _ids(selectors.negotiations_for_user(seller, state="inquiry")) == {
        inquiry.negotiation_id
    }


def test_staff_find_drafts_under_draft_not_under_inquiry(staff, inquiry, draft):
    assert _ids(selectors.negotiations_for_user(staff, state=S.DRAFT)) == {draft.negotiation_id}
    assert _ids(selectors.negotiations_for_user(staff, state="inquiry")) == {inquiry.negotiation_id}


def test_an_unknown_state_lists_nothing(seller, inquiry, seller_confirmed):
    assert not selectors.negotiations_for_user(seller, state="shipped").exists()


# --- Filter by counterpart and dates ------------------------------------------------------


def test_seller_filters_by_the_buyers_company_name_case_insensitively(seller, inquiry):
    assert _ids(selectors.negotiations_for_user(seller, counterpart="hanse")) == {
        inquiry.negotiation_id
    }


def test_the_counterpart_filter_does_not_match_the_users_own_company(seller, inquiry):
    assert not selectors.negotiations_for_user(seller, counterpart="Ningbo").exists()


def test_buyer_filters_by_the_sellers_company_name(buyer, inquiry, other_seller):
    InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=other_seller.company,
        sender=buyer,
    )

    assert _ids(selectors.negotiations_for_user(buyer, counterpart="ningbo bright")) == {
        inquiry.negotiation_id
    }


def test_staff_filter_by_either_company(staff, inquiry):
    assert _ids(selectors.negotiations_for_user(staff, counterpart="Hanse")) == {
        inquiry.negotiation_id
    }
    assert _ids(selectors.negotiations_for_user(staff, counterpart="Ningbo")) == {
        inquiry.negotiation_id
    }


@pytest.fixture
def dated(buyer, seller):
    """Three negotiations last active on 1, 10 and 20 March 2020 (noon UTC)."""
    result = {}
    for day in (1, 10, 20):
        inquiry = InquiryFactory(
            negotiation__buyer_company=buyer.company,
            negotiation__seller_company=seller.company,
            sender=buyer,
        )
        when = datetime.datetime(2020, 3, day, 12, tzinfo=datetime.UTC)
        Negotiation.objects.filter(pk=inquiry.negotiation_id).update(last_activity_at=when)
        result[day] = inquiry.negotiation_id
    return result


def test_since_keeps_negotiations_active_on_or_after_the_date(seller, dated):
    listed = selectors.negotiations_for_user(seller, since=datetime.date(2020, 3, 10))

    assert _ids(listed) == {dated[10], dated[20]}


def test_until_keeps_negotiations_active_on_or_before_the_date(seller, dated):
    listed = selectors.negotiations_for_user(seller, until=datetime.date(2020, 3, 10))

    assert _ids(listed) == {dated[1], dated[10]}


def test_since_and_until_together_bound_the_last_activity(seller, dated):
    listed = selectors.negotiations_for_user(
        seller, since=datetime.date(2020, 3, 2), until=datetime.date(2020, 3, 19)
    )

    assert _ids(listed) == {dated[10]}


def test_negotiations_are_listed_newest_activity_first(seller, dated):
    assert list(selectors.negotiations_for_user(seller).values_list("pk", flat=True)) == [
        dated[20],
        dated[10],
        dated[1],
    ]


def test_an_order_transition_moves_its_negotiation_to_the_top(seller, dated, draft):
    Negotiation.objects.filter(pk=draft.negotiation_id).update(
        last_activity_at=datetime.datetime(2019, 2, 1, tzinfo=datetime.UTC)
    )

    order_services.order_confirm(order_id=draft.pk, actor=seller, version=draft.version)

    assert selectors.negotiations_for_user(seller).first().pk == draft.negotiation_id


# --- Query count --------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 8], ids=["small", "large"])
def test_the_negotiation_list_runs_one_query(
    django_assert_num_queries, buyer, seller, product, extra
):
    make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
    for _ in range(extra):
        InquiryFactory(
            negotiation__buyer_company=buyer.company,
            negotiation__seller_company=seller.company,
            product=product,
            negotiation__product=product,
            sender=buyer,
        )

    with django_assert_num_queries(1):
        rows = [
            (
                n.buyer_company.legal_name,
                n.seller_company.legal_name,
                n.product and n.product.name,
                n.inquiry.subject,
                getattr(n, "order", None) and n.order.status,
            )
            for n in selectors.negotiations_for_user(buyer)
        ]

    assert len(rows) == 1 + extra


def test_the_inquiry_list_runs_one_query(django_assert_num_queries, seller, inquiry):
    with django_assert_num_queries(1):
        rows = [
            (i.sender.username, i.product.name, i.negotiation.buyer_company.legal_name)
            for i in selectors.inquiries_for_user(seller)
        ]

    assert len(rows) == 1
