"""Quotation revisions keep their history with a diff; buyers and sellers are told of news."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import SellerFactory
from catalog.tests.factories import ProductFactory
from notifications.models import Kind, Notification, NotificationPreference
from rfq import services
from rfq.models import QuotationRevision
from rfq.tests.factories import quotation_values, rfq_values, seller_in_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(rfq, seller):
    return services.quotation_submit(
        rfq_id=rfq.pk, actor=seller, values=quotation_values(unit_price="2.95")
    )


def _revise(quotation, seller, **values):
    return services.quotation_revise(
        quotation_id=quotation.pk,
        actor=seller,
        version=quotation.version,
        values=quotation_values(**values),
    )


# --- revisions --------------------------------------------------------------------------------


def test_a_submitted_quotation_is_revision_one(submitted):
    [revision] = QuotationRevision.objects.filter(quotation=submitted)

    assert revision.number == 1
    assert submitted.revision == 1
    assert revision.terms["unit_price"] == "2.95"
    assert revision.terms["lead_time_days"] == 35


def test_each_revision_is_kept_numbered(submitted, seller):
    second = _revise(submitted, seller, unit_price="2.80")
    third = _revise(second, seller, unit_price="2.70", lead_time_days="30")

    numbers = list(
        QuotationRevision.objects.filter(quotation=submitted).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    assert third.revision == 3
    first = QuotationRevision.objects.get(quotation=submitted, number=1)
    assert first.terms["unit_price"] == "2.95"  # the history does not move


def test_a_refused_revision_keeps_no_snapshot(submitted, seller, buyer):
    services.quotation_shortlist(quotation_id=submitted.pk, actor=buyer, version=1)

    with pytest.raises(Exception):  # noqa: B017 - the state error is tested in test_services
        _revise(submitted, seller, unit_price="1.00")

    assert QuotationRevision.objects.filter(quotation=submitted).count() == 1


def test_the_buyer_sees_what_the_latest_revision_changed(submitted, seller, buyer, rfq):
    from rfq import selectors

    _revise(submitted, seller, unit_price="2.80", lead_time_days="30")

    [row] = selectors.quotations_on_rfq(user=buyer, rfq=rfq)
    assert row.changes == [
        {"field": "unit_price", "label": "unit price", "before": "2.95", "after": "2.80"},
        {"field": "lead_time_days", "label": "lead time (days)", "before": "35", "after": "30"},
    ]


def test_a_quotation_never_revised_shows_no_changes(submitted, buyer, rfq):
    from rfq import selectors

    [row] = selectors.quotations_on_rfq(user=buyer, rfq=rfq)

    assert row.changes == []


def test_the_comparison_page_shows_the_revision_diff(submitted, seller, buyer, rfq, client):
    _revise(submitted, seller, unit_price="2.80")
    client.force_login(buyer)

    page = client.get(reverse("rfq:detail", args=[rfq.pk])).content.decode()

    assert "Revised · revision 2" in page
    assert "<del>2.95</del>" in page
    assert "<ins>2.80</ins>" in page


@pytest.mark.parametrize("n", [1, 12])
def test_the_comparison_page_with_revised_quotations_runs_constant_queries(
    n, buyer, rfq, category, client, django_assert_num_queries
):
    for _ in range(n):
        seller = seller_in_category(category)
        quotation = services.quotation_submit(
            rfq_id=rfq.pk, actor=seller, values=quotation_values()
        )
        _revise(quotation, seller, unit_price="2.50")
    client.force_login(buyer)
    client.get(reverse("rfq:detail", args=[rfq.pk]))
    # As without revisions (test_views), plus the revisions of the page's quotations.
    with django_assert_num_queries(9):
        response = client.get(reverse("rfq:detail", args=[rfq.pk]))
    assert all(row.changes for row in response.context["rows"])


def test_api_comparison_rows_carry_the_changes(submitted, seller, buyer, rfq, api_as):
    _revise(submitted, seller, incoterm="FOB")

    [row] = api_as(buyer).get(f"/api/v1/rfqs/{rfq.pk}/quotations/").json()

    assert row["revision"] == 2
    assert row["changes"] == [
        {"field": "incoterm", "label": "Incoterm", "before": "CIF", "after": "FOB"}
    ]


def test_api_lists_a_quotation_revisions_with_their_changes(submitted, seller, buyer, api_as):
    _revise(submitted, seller, moq="800")

    history = api_as(buyer).get(f"/api/v1/quotations/{submitted.pk}/revisions/").json()

    assert [r["number"] for r in history] == [1, 2]
    assert history[0]["changes"] == []
    assert history[1]["terms"]["moq"] == "800"
    assert history[1]["changes"][0]["before"] == "1000"


def test_api_revisions_of_another_seller_quotation_are_not_found(submitted, rival, api_as):
    response = api_as(rival).get(f"/api/v1/quotations/{submitted.pk}/revisions/")

    assert response.status_code == 404


# --- notifications ----------------------------------------------------------------------------


def test_the_buyer_is_told_of_a_new_quotation(rfq, seller, buyer, committed):
    with committed():
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())

    notification = Notification.objects.get(user=buyer, kind=Kind.RFQ_QUOTATION_RECEIVED)
    assert "New quotation from" in notification.title
    assert notification.url == reverse("rfq:detail", args=[rfq.pk]) + "#quotations"
    assert [m.to for m in mail.outbox] == [[buyer.email]]


def test_a_german_buyer_is_told_of_a_chinese_sellers_quotation_in_german(
    rfq, seller, buyer, committed
):
    buyer.language, seller.language = "de", "zh-hans"
    buyer.save(update_fields=["language"])
    seller.save(update_fields=["language"])

    with committed(), translation.override("zh-hans"):  # the seller's request
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())

    notification = Notification.objects.get(user=buyer, kind=Kind.RFQ_QUOTATION_RECEIVED)
    assert notification.title.startswith("Neues Angebot von")


def test_the_buyer_is_told_what_a_revision_changed(submitted, seller, buyer, committed):
    with committed():
        _revise(submitted, seller, unit_price="2.80")

    notification = Notification.objects.filter(user=buyer, kind=Kind.RFQ_QUOTATION_RECEIVED).first()
    assert "revised its quotation" in notification.title
    assert "unit price: 2.95 → 2.80" in notification.body


def test_a_buyer_who_switched_quotation_emails_off_gets_none(rfq, seller, buyer, committed):
    NotificationPreference.objects.create(user=buyer, kind=Kind.RFQ_QUOTATION_RECEIVED, email=False)

    with committed():
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())

    assert Notification.objects.filter(user=buyer, kind=Kind.RFQ_QUOTATION_RECEIVED).exists()
    assert mail.outbox == []


def test_sellers_of_the_category_are_told_of_a_new_rfq(
    buyer, seller, category, other_category, committed
):
    outsider = SellerFactory()
    ProductFactory(seller=outsider.company, category=other_category)
    inactive = SellerFactory()
    ProductFactory(seller=inactive.company, category=category, active=False)

    with committed():
        services.rfq_create(actor=buyer, values=rfq_values(category))

    told = set(Notification.objects.filter(kind=Kind.RFQ_NEW).values_list("user_id", flat=True))
    assert told == {seller.pk}
    assert [m.to for m in mail.outbox] == [[seller.email]]


def test_an_rfq_for_invited_sellers_tells_only_them(buyer, seller, rival, category, committed):
    with committed():
        services.rfq_create(
            actor=buyer,
            values=rfq_values(category, audience="invited"),
            invited_seller_ids=[rival.company_id],
        )

    told = set(Notification.objects.filter(kind=Kind.RFQ_NEW).values_list("user_id", flat=True))
    assert told == {rival.pk}


def test_a_seller_who_switched_new_rfq_emails_off_gets_none(buyer, seller, category, committed):
    NotificationPreference.objects.create(user=seller, kind=Kind.RFQ_NEW, email=False)

    with committed():
        services.rfq_create(actor=buyer, values=rfq_values(category))

    assert mail.outbox == []


def test_telling_many_sellers_costs_constant_queries(
    buyer, category, django_assert_max_num_queries
):
    for _ in range(15):
        seller_in_category(category)

    # the RFQ's own writes and checks, the sellers, and three for the notifications
    with django_assert_max_num_queries(14):
        services.rfq_create(actor=buyer, values=rfq_values(category))

    assert Notification.objects.filter(kind=Kind.RFQ_NEW).count() == 15
