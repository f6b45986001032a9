import datetime

import pytest
from django.core import mail
from django.utils import timezone

from catalog.tests.factories import CategoryFactory
from inquiries.models import Negotiation
from orders.models import OrderStatus
from rfq.models import RFQ, Quotation
from rfq.tests.factories import (
    QuotationFactory,
    RFQFactory,
    quotation_values,
    rfq_values,
    seller_in_category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(buyer, seller, other_seller, other_buyer, staff):
    return {
        "buyer": buyer,
        "seller": seller,
        "other_seller": other_seller,
        "other_buyer": other_buyer,
        "staff": staff,
        "anonymous": None,
    }


# --- Visibility per role ----------------------------------------------------------------------

RFQ_STATUS = {
    "buyer": 200,
    "seller": 200,
    "other_seller": 404,
    "other_buyer": 404,
    "staff": 200,
    "anonymous": 401,
}
QUOTATION_STATUS = {
    "buyer": 200,
    "seller": 200,
    "other_seller": 404,
    "other_buyer": 404,
    "staff": 200,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", RFQ_STATUS)
def test_rfq_detail_visibility_per_role(role, personas, rfq, api_as):
    response = api_as(personas[role]).get(f"/api/v1/rfqs/{rfq.pk}/")
    assert response.status_code == RFQ_STATUS[role]


@pytest.mark.parametrize("role", QUOTATION_STATUS)
def test_quotation_visibility_per_role(role, personas, quotation, api_as):
    response = api_as(personas[role]).get(f"/api/v1/quotations/{quotation.pk}/")
    assert response.status_code == QUOTATION_STATUS[role]


def test_rival_seller_gets_404_for_anothers_quotation(quotation, rival, api_as):
    assert api_as(rival).get(f"/api/v1/quotations/{quotation.pk}/").status_code == 404


def test_quoting_seller_sees_only_their_own_row_in_the_comparison(
    rfq, quotation, rival_quotation, seller, api_as
):
    response = api_as(seller).get(f"/api/v1/rfqs/{rfq.pk}/quotations/")
    assert [row["id"] for row in response.json()] == [quotation.pk]


def test_buyer_sees_every_quotation_in_the_comparison(
    rfq, quotation, rival_quotation, buyer, api_as
):
    response = api_as(buyer).get(f"/api/v1/rfqs/{rfq.pk}/quotations/")
    assert {row["id"] for row in response.json()} == {quotation.pk, rival_quotation.pk}


def test_other_buyer_gets_404_for_the_comparison(rfq, quotation, other_buyer, api_as):
    assert api_as(other_buyer).get(f"/api/v1/rfqs/{rfq.pk}/quotations/").status_code == 404


def test_seller_list_never_reveals_the_count_of_competitors(rfq, quotation, seller, api_as):
    row = api_as(seller).get("/api/v1/rfqs/?open=1").json()["results"][0]
    assert row["quotation_count"] is None
    assert row["my_quotation_id"] == quotation.pk


# --- Browsing ---------------------------------------------------------------------------------


def test_seller_filters_open_rfqs(buyer, category, seller, api_as):
    bottles = RFQFactory(buyer_company=buyer.company, category=category, quantity=500)
    RFQFactory(buyer_company=buyer.company, category=category, quantity=50000)
    RFQFactory(buyer_company=buyer.company, category=category, destination_country="FR")
    response = api_as(seller).get(
        "/api/v1/rfqs/", {"open": "1", "max_quantity": "1000", "destination_country": "DE"}
    )
    assert [row["id"] for row in response.json()["results"]] == [bottles.pk]


def test_seller_searches_rfqs(buyer, category, seller, api_as):
    RFQFactory(buyer_company=buyer.company, category=category, product_name="Bamboo board")
    wanted = RFQFactory(buyer_company=buyer.company, category=category, product_name="Steel mug")
    response = api_as(seller).get("/api/v1/rfqs/", {"q": "mug"})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_seller_does_not_browse_rfqs_past_their_deadline(rfq, seller, api_as):
    RFQ.objects.filter(pk=rfq.pk).update(quotation_deadline=timezone.now())
    assert api_as(seller).get("/api/v1/rfqs/?open=1").json()["results"] == []


# --- Writing through the API ------------------------------------------------------------------


def test_buyer_posts_an_rfq(buyer, category, api_as):
    response = api_as(buyer).post("/api/v1/rfqs/", rfq_values(category), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "open"


def test_posting_bad_input_gives_field_errors_and_changes_nothing(buyer, category, api_as):
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = api_as(buyer).post(
        "/api/v1/rfqs/",
        rfq_values(category, quotation_deadline=past, currency="XXX"),
        format="json",
    )
    assert response.status_code == 400
    assert {"quotation_deadline", "currency"} <= set(response.json())
    assert not RFQ.objects.exists()


def test_posting_beyond_the_open_limit_is_refused(buyer, category, api_as, settings):
    settings.RFQ_MAX_OPEN_PER_BUYER = 1
    RFQFactory(buyer_company=buyer.company, category=category)
    response = api_as(buyer).post("/api/v1/rfqs/", rfq_values(category), format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_seller_cannot_post_an_rfq(seller, category, api_as):
    response = api_as(seller).post("/api/v1/rfqs/", rfq_values(category), format="json")
    assert response.status_code == 403


def test_seller_quotes_through_the_api(rfq, seller, api_as):
    response = api_as(seller).post(
        f"/api/v1/rfqs/{rfq.pk}/quotations/", quotation_values(), format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "submitted"


def test_second_quotation_from_the_same_seller_is_a_conflict(rfq, quotation, seller, api_as):
    response = api_as(seller).post(
        f"/api/v1/rfqs/{rfq.pk}/quotations/", quotation_values(), format="json"
    )
    assert response.status_code == 409
    assert response.json()["quotation_id"] == quotation.pk


def test_quoting_after_the_deadline_is_a_conflict(rfq, seller, api_as):
    RFQ.objects.filter(pk=rfq.pk).update(
        quotation_deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api_as(seller).post(
        f"/api/v1/rfqs/{rfq.pk}/quotations/", quotation_values(), format="json"
    )
    assert response.status_code == 409


def test_seller_revises_part_of_a_quotation(quotation, seller, api_as):
    response = api_as(seller).patch(
        f"/api/v1/quotations/{quotation.pk}/",
        {"version": 1, "unit_price": "4.55"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["unit_price"] == "4.55"
    assert response.json()["version"] == 2
    assert response.json()["lead_time_days"] == quotation.lead_time_days


def test_revising_a_stale_version_is_a_conflict_with_the_current_version(quotation, seller, api_as):
    api_as(seller).patch(
        f"/api/v1/quotations/{quotation.pk}/", {"version": 1, "moq": "600"}, format="json"
    )
    response = api_as(seller).patch(
        f"/api/v1/quotations/{quotation.pk}/", {"version": 1, "moq": "700"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_revision_needs_a_version(quotation, seller, api_as):
    response = api_as(seller).patch(
        f"/api/v1/quotations/{quotation.pk}/", {"moq": "700"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_buyer_shortlists_then_seller_cannot_revise(quotation, buyer, seller, api_as):
    response = api_as(buyer).post(
        f"/api/v1/quotations/{quotation.pk}/shortlist/", {"version": 1}, format="json"
    )
    assert response.json()["state"] == "shortlisted"
    response = api_as(seller).patch(
        f"/api/v1/quotations/{quotation.pk}/", {"version": 2, "moq": "700"}, format="json"
    )
    assert response.status_code == 409


def test_seller_cannot_decline_through_the_api(quotation, seller, api_as):
    response = api_as(seller).post(
        f"/api/v1/quotations/{quotation.pk}/decline/", {"version": 1}, format="json"
    )
    assert response.status_code == 403


def test_accept_opens_the_negotiation_and_tells_everyone(
    rfq,
    quotation,
    rival_quotation,
    buyer,
    seller,
    rival,
    api_as,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(buyer).post(
            f"/api/v1/quotations/{quotation.pk}/accept/", {"version": 1}, format="json"
        )
    assert response.status_code == 200
    body = response.json()
    negotiation = Negotiation.objects.get(pk=body["negotiation_id"])
    assert negotiation.origin == Negotiation.Origin.RFQ
    assert negotiation.order.status == OrderStatus.DRAFT
    assert body["workspace_url"] == f"/negotiations/{negotiation.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seller.email, rival.email])


def test_sellers_get_in_app_notifications_of_the_outcome(
    rfq, quotation, buyer, seller, api_as, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        api_as(buyer).post(
            f"/api/v1/quotations/{quotation.pk}/decline/", {"version": 1}, format="json"
        )
    notification = Notification.objects.get(user=seller)
    assert notification.url == f"/rfq/{rfq.pk}/"
    assert "declined" in notification.title


def test_close_through_the_api(rfq, buyer, api_as):
    response = api_as(buyer).post(f"/api/v1/rfqs/{rfq.pk}/close/")
    assert response.json()["state"] == "closed"
    assert api_as(buyer).post(f"/api/v1/rfqs/{rfq.pk}/close/").status_code == 409


def test_seller_lists_own_quotations_with_outcomes(quotation, rival_quotation, seller, api_as):
    Quotation.objects.filter(pk=quotation.pk).update(state=Quotation.State.LOST)
    rows = api_as(seller).get("/api/v1/quotations/").json()["results"]
    assert [(row["id"], row["state"]) for row in rows] == [(quotation.pk, "lost")]


def test_comparison_sorts_server_side(rfq, quotation, rival_quotation, buyer, api_as):
    response = api_as(buyer).get(f"/api/v1/rfqs/{rfq.pk}/quotations/?sort=-unit_price")
    assert [row["id"] for row in response.json()] == [quotation.pk, rival_quotation.pk]
    totals = [row["total"] for row in response.json()]
    assert totals == ["4800.00", "4600.00"]


# --- Query counts -----------------------------------------------------------------------------


def _many_rfqs(buyer, category, sellers, n):
    for _ in range(n):
        rfq = RFQFactory(buyer_company=buyer.company, created_by=buyer, category=category)
        for seller in sellers:
            QuotationFactory(rfq=rfq, author=seller)


@pytest.mark.parametrize("n", [1, 12])
def test_rfq_list_runs_constant_queries_for_the_buyer(
    n, buyer, category, seller, rival, api_as, django_assert_num_queries
):
    _many_rfqs(buyer, category, [seller, rival], n)
    client = api_as(buyer)
    # user's company, count, page
    with django_assert_num_queries(3):
        response = client.get("/api/v1/rfqs/")
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 12])
def test_rfq_list_runs_constant_queries_for_the_seller(
    n, buyer, category, seller, api_as, django_assert_num_queries
):
    _many_rfqs(buyer, category, [seller], n)
    client = api_as(seller)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/rfqs/?open=1")
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 15])
def test_comparison_runs_constant_queries(
    n, buyer, rfq, category, api_as, django_assert_num_queries
):
    for _ in range(n):
        QuotationFactory(rfq=rfq, author=seller_in_category(category))
    client = api_as(buyer)
    # user's company, the RFQ (+ attachments prefetch), the exchange rates into the comparison
    # currency (issue 15), the quotations
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/rfqs/{rfq.pk}/quotations/?sort=lead_time")
    assert len(response.json()) == n


def test_other_category_rfqs_are_not_offered_to_the_seller(buyer, seller, api_as):
    RFQFactory(buyer_company=buyer.company, category=CategoryFactory())
    assert api_as(seller).get("/api/v1/rfqs/").json()["results"] == []
