import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rfq.models import RFQ, Quotation
from rfq.tests.factories import QuotationFactory, RFQFactory, quotation_values, rfq_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_anonymous_is_sent_to_log_in(client, rfq):
    response = client.get(reverse("rfq:detail", args=[rfq.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_buyer_posts_an_rfq_from_the_form(buyer, category, as_user):
    data = rfq_values(category, quotation_deadline="2099-01-31T12:00", required_by="2099-03-01")
    data["category"] = data.pop("category_id")
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="JPEG")
    data["attachments"] = [SimpleUploadedFile("sample.jpg", buffer.getvalue())]
    response = as_user(buyer).post(reverse("rfq:create"), data)
    rfq = RFQ.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rfq:detail", args=[rfq.pk])
    assert rfq.attachments.get().content_type == "image/jpeg"


def test_rfq_form_shows_the_services_field_errors(buyer, category, as_user):
    data = rfq_values(category, quotation_deadline="2000-01-31T12:00", required_by="2099-03-01")
    data["category"] = data.pop("category_id")
    response = as_user(buyer).post(reverse("rfq:create"), data)
    assert response.status_code == 200
    assert "quotation_deadline" in response.context["form"].errors
    assert not RFQ.objects.exists()


def test_seller_cannot_open_the_rfq_form(seller, as_user):
    assert as_user(seller).get(reverse("rfq:create")).status_code == 404


def test_seller_quotes_from_the_form(rfq, seller, as_user):
    data = quotation_values()
    response = as_user(seller).post(reverse("rfq:quote", args=[rfq.pk]), data)
    assert response.status_code == 302
    assert Quotation.objects.get().seller_company == seller.company


def test_seller_revises_from_the_same_form(rfq, quotation, seller, as_user):
    data = quotation_values(unit_price="4.44", version=quotation.version)
    as_user(seller).post(reverse("rfq:quote", args=[rfq.pk]), data)
    quotation.refresh_from_db()
    assert str(quotation.unit_price) == "4.4400"


def test_other_seller_gets_404_on_the_rfq_page(rfq, other_seller, as_user):
    assert as_user(other_seller).get(reverse("rfq:detail", args=[rfq.pk])).status_code == 404


def test_other_buyer_gets_404_on_the_rfq_page(rfq, other_buyer, as_user):
    assert as_user(other_buyer).get(reverse("rfq:detail", args=[rfq.pk])).status_code == 404


def test_seller_page_shows_only_their_own_quotation(
    rfq, quotation, rival_quotation, seller, as_user
):
    response = as_user(seller).get(reverse("rfq:detail", args=[rfq.pk]))
    assert response.context["own"] == quotation
    assert response.context["rows"] == []
    assert rival_quotation.seller_company.legal_name not in response.content.decode()


def test_comparison_table_is_sorted_by_the_sort_parameter(
    rfq, quotation, rival_quotation, buyer, as_user
):
    response = as_user(buyer).get(reverse("rfq:detail", args=[rfq.pk]), {"sort": "-unit_price"})
    assert [row.quotation.pk for row in response.context["rows"]] == [
        quotation.pk,
        rival_quotation.pk,
    ]
    assert 'aria-sort="descending"' in response.content.decode()


def test_accepting_lands_the_buyer_in_the_new_negotiation(rfq, quotation, buyer, as_user):
    response = as_user(buyer).post(
        reverse("rfq:quotation_decide", args=[quotation.pk, "accept"]),
        {"version": 1, "confirmed": "yes"},
    )
    rfq.refresh_from_db()
    assert response.url == reverse("inquiries:workspace", args=[rfq.negotiation_id])


def test_an_accept_without_the_confirmation_step_goes_to_it_and_changes_nothing(
    rfq, quotation, buyer, as_user
):
    response = as_user(buyer).post(
        reverse("rfq:quotation_decide", args=[quotation.pk, "accept"]), {"version": 1}
    )

    assert response.url == reverse("rfq:quotation_accept_confirm", args=[quotation.pk])
    quotation.refresh_from_db()
    assert quotation.state == Quotation.State.SUBMITTED


def test_the_accept_confirmation_names_the_seller_and_the_total(rfq, quotation, buyer, as_user):
    response = as_user(buyer).get(reverse("rfq:quotation_accept_confirm", args=[quotation.pk]))

    page = response.content.decode()
    assert quotation.seller_company.legal_name in page
    assert "$4,800.00" in page  # 1,000 pieces at 4.80
    assert "cannot be undone" in page


def test_only_the_rfq_buyer_sees_the_accept_confirmation(rfq, quotation, seller, as_user):
    url = reverse("rfq:quotation_accept_confirm", args=[quotation.pk])

    assert as_user(seller).get(url).status_code == 404


def test_the_comparison_shows_one_page_of_quotations(rfq, category, buyer, as_user):
    from rfq.tests.factories import seller_in_category

    for n in range(27):
        QuotationFactory(rfq=rfq, author=seller_in_category(category), unit_price=Decimal("4") + n)
    client = as_user(buyer)

    first = client.get(reverse("rfq:detail", args=[rfq.pk]), {"sort": "unit_price"})
    second = client.get(reverse("rfq:detail", args=[rfq.pk]), {"sort": "unit_price", "page": 2})

    assert len(first.context["rows"]) == 25
    assert [row.quotation.unit_price for row in second.context["rows"]] == [29, 30]
    assert "27 quotations" in first.content.decode()


def test_the_rfq_form_starts_in_the_currency_the_buyer_used_last(category, buyer, as_user):
    RFQFactory(buyer_company=buyer.company, category=category, currency="GBP")

    form = as_user(buyer).get(reverse("rfq:create")).context["form"]

    assert form["currency"].value() == "GBP"


def test_the_first_rfq_form_starts_in_the_currency_of_the_buyers_country(buyer, as_user):
    buyer.company.country = "DE"
    buyer.company.save()

    form = as_user(buyer).get(reverse("rfq:create")).context["form"]

    assert form["currency"].value() == "EUR"


def test_the_quotation_form_starts_in_the_rfqs_currency(rfq, seller, as_user):
    response = as_user(seller).get(reverse("rfq:quote", args=[rfq.pk]))

    assert response.context["form"]["currency"].value() == rfq.currency


def test_rfq_and_quotation_forms_have_no_label_colons_and_no_dashes(rfq, buyer, seller, as_user):
    pages = [
        as_user(buyer).get(reverse("rfq:create")).content.decode(),
        as_user(seller).get(reverse("rfq:quote", args=[rfq.pk])).content.decode(),
        as_user(seller).get(reverse("rfq:list")).content.decode(),
    ]

    for page in pages:
        assert ":</label>" not in page
        assert "---------" not in page
    assert '<select name="destination_country"' in pages[2]


def test_stale_decision_shows_an_error_and_changes_nothing(rfq, quotation, buyer, as_user):
    client = as_user(buyer)
    response = client.post(
        reverse("rfq:quotation_decide", args=[quotation.pk, "decline"]), {"version": 7}, follow=True
    )
    quotation.refresh_from_db()
    assert quotation.state == Quotation.State.SUBMITTED
    assert "changed since you loaded it" in response.content.decode()


def test_buyer_closes_from_the_page(rfq, buyer, as_user):
    as_user(buyer).post(reverse("rfq:close", args=[rfq.pk]))
    rfq.refresh_from_db()
    assert rfq.state == RFQ.State.CLOSED


def test_quotation_attachment_is_downloadable_by_the_buyer_but_not_a_rival(
    rfq, seller, buyer, rival, as_user
):
    quotation = QuotationFactory(
        rfq=rfq,
        author=seller,
        attachment=SimpleUploadedFile("offer.html", b"%PDF-1.4 offer"),
        attachment_name="offer.html",
        attachment_type="application/pdf",
    )
    url = reverse("rfq:quotation_attachment", args=[quotation.pk])
    response = as_user(buyer).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert as_user(rival).get(url).status_code == 404


def test_user_text_is_escaped(buyer, category, as_user):
    rfq = RFQFactory(
        buyer_company=buyer.company, category=category, requirements="<script>alert(1)</script>"
    )
    response = as_user(buyer).get(reverse("rfq:detail", args=[rfq.pk]))
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_seller_sees_own_quotations_and_outcomes(quotation, seller, as_user):
    Quotation.objects.filter(pk=quotation.pk).update(state=Quotation.State.LOST)
    response = as_user(seller).get(reverse("rfq:my_quotations"))
    assert "Awarded elsewhere" in response.content.decode()


@pytest.mark.parametrize("n", [1, 12])
def test_rfq_list_page_runs_constant_queries(
    n, buyer, category, seller, as_user, django_assert_num_queries
):
    for _ in range(n):
        QuotationFactory(
            rfq=RFQFactory(buyer_company=buyer.company, category=category), author=seller
        )
    client = as_user(seller)
    client.get(reverse("rfq:list"))
    # session, user, company, count, page, the categories of the filter (the bell: htmx)
    with django_assert_num_queries(6):
        response = client.get(reverse("rfq:list"))
    assert len(response.context["rfqs"]) == n


@pytest.mark.parametrize("n", [1, 15, 60])
def test_comparison_page_runs_constant_queries(
    n, buyer, rfq, category, as_user, django_assert_num_queries
):
    from rfq.tests.factories import seller_in_category

    for _ in range(n):
        QuotationFactory(rfq=rfq, author=seller_in_category(category))
    client = as_user(buyer)
    client.get(reverse("rfq:detail", args=[rfq.pk]))
    # session, user, company, the RFQ, its attachments, the exchange rates into the comparison
    # currency (issue 15), the count, one page of quotations
    with django_assert_num_queries(8):
        response = client.get(reverse("rfq:detail", args=[rfq.pk]))
    assert len(response.context["rows"]) == min(n, 25)


@pytest.mark.parametrize("sort", ["total", "-seller", "lead_time"])
def test_comparison_sorts_only_narrow_rows_and_reads_one_page_of_wide_ones(
    sort, buyer, rfq, category, as_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rfq.tests.factories import seller_in_category

    for _ in range(30):
        QuotationFactory(rfq=rfq, author=seller_in_category(category))
    url = reverse("rfq:detail", args=[rfq.pk]) + f"?sort={sort}&page=2"

    with CaptureQueriesContext(connection) as queries:
        response = as_user(buyer).get(url)

    (page_query,) = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "T4" in q["sql"]]
    # The LIMIT belongs to a subquery of quotation ids, not to the join of every column.
    assert page_query.index("IN (SELECT") < page_query.index("LIMIT")
    assert not page_query.rstrip().endswith(("LIMIT 25", "OFFSET 25"))
    assert len(response.context["rows"]) == 5
