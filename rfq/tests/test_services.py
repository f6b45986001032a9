import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from common.files import private_storage
from inquiries.models import Negotiation
from orders.models import OrderEvent, OrderStatus
from rfq import selectors, services
from rfq.models import RFQ, Quotation
from rfq.tests.factories import QuotationFactory, RFQFactory, quotation_values, rfq_values

pytestmark = pytest.mark.django_db


def png_upload(name="drawing.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="spec.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"
    )


# --- Posting an RFQ ---------------------------------------------------------------------------


def test_buyer_posts_a_public_rfq(buyer, category):
    rfq = services.rfq_create(actor=buyer, values=rfq_values(category))
    assert rfq.state == RFQ.State.OPEN
    assert rfq.buyer_company == buyer.company
    assert rfq.quantity == Decimal("2000")
    assert rfq.currency == "EUR"
    assert rfq.audience == RFQ.Audience.PUBLIC


def test_buyer_posts_an_rfq_for_chosen_sellers_only(buyer, category, seller, other_seller):
    rfq = services.rfq_create(
        actor=buyer,
        values=rfq_values(category, audience="invited"),
        invited_seller_ids=[other_seller.company_id],
    )
    assert list(rfq.invited_sellers.all()) == [other_seller.company]


def test_an_rfq_for_chosen_sellers_needs_at_least_one_seller(buyer, category):
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category, audience="invited"))
    assert "invited_seller_ids" in exc.value.errors


def test_only_seller_companies_can_be_chosen(buyer, category, other_buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(
            actor=buyer,
            values=rfq_values(category, audience="invited"),
            invited_seller_ids=[other_buyer.company_id],
        )
    assert "invited_seller_ids" in exc.value.errors


def test_seller_cannot_post_an_rfq(seller, category):
    with pytest.raises(NotAllowed):
        services.rfq_create(actor=seller, values=rfq_values(category))


def test_rfq_deadline_must_be_in_the_future(buyer, category):
    past = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category, quotation_deadline=past))
    assert "quotation_deadline" in exc.value.errors
    assert not RFQ.objects.exists()


def test_required_by_date_cannot_be_before_the_deadline(buyer, category):
    early = timezone.localdate().isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category, required_by=early))
    assert "required_by" in exc.value.errors


def test_rfq_fields_are_checked_field_by_field(buyer, category):
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(
            actor=buyer,
            values=rfq_values(
                category,
                product_name="",
                requirements="x" * 2001,
                quantity="0",
                currency="XYZ",
                target_unit_price="-1",
                unit="bucket",
                category_id=999999,
            ),
        )
    assert set(exc.value.errors) >= {
        "product_name",
        "requirements",
        "quantity",
        "currency",
        "target_unit_price",
        "unit",
        "category_id",
    }


def test_buyer_cannot_exceed_the_open_rfq_limit(buyer, category, settings):
    settings.RFQ_MAX_OPEN_PER_BUYER = 2
    RFQFactory.create_batch(2, buyer_company=buyer.company, created_by=buyer, category=category)
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category))
    assert "non_field_errors" in exc.value.errors
    assert RFQ.objects.count() == 2


def test_closed_rfqs_do_not_count_against_the_limit(buyer, category, settings):
    settings.RFQ_MAX_OPEN_PER_BUYER = 1
    RFQFactory(buyer_company=buyer.company, created_by=buyer, state=RFQ.State.CLOSED)
    assert services.rfq_create(actor=buyer, values=rfq_values(category)).is_open


def test_rfq_takes_pdf_and_image_attachments(buyer, category):
    rfq = services.rfq_create(
        actor=buyer, values=rfq_values(category), attachments=[pdf_upload(), png_upload()]
    )
    assert [a.content_type for a in rfq.attachments.all()] == ["application/pdf", "image/png"]


def test_rfq_attachments_are_stored_privately_under_random_names_typed_by_content(
    buyer, category, settings
):
    rfq = services.rfq_create(
        actor=buyer, values=rfq_values(category), attachments=[png_upload("poly.html")]
    )
    attachment = rfq.attachments.get()
    assert attachment.name == "poly.html"
    assert attachment.file.name.startswith("rfq/") and attachment.file.name.endswith(".png")
    assert "poly" not in attachment.file.name
    assert attachment.file.storage is private_storage()
    assert not attachment.file.path.startswith(settings.MEDIA_ROOT)


def test_a_quotation_attachment_is_stored_privately_with_its_checked_type(rfq, seller):
    quotation = services.quotation_submit(
        rfq_id=rfq.pk, actor=seller, values=quotation_values(), attachment=pdf_upload("x.gif")
    )
    assert quotation.attachment_type == "application/pdf"
    assert quotation.attachment_name == "x.gif"
    assert quotation.attachment.name.startswith("rfq/quotations/")
    assert quotation.attachment.name.endswith(".pdf")
    assert quotation.attachment.storage is private_storage()


def test_attachment_type_is_read_from_the_content_not_the_name(buyer, category):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category), attachments=[fake])
    assert "attachments" in exc.value.errors
    assert not RFQ.objects.exists()


def test_attachment_larger_than_the_limit_is_refused(buyer, category, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationFailed) as exc:
        services.rfq_create(actor=buyer, values=rfq_values(category), attachments=[pdf_upload()])
    assert "attachments" in exc.value.errors


# --- Visibility -------------------------------------------------------------------------------


def test_public_rfq_is_visible_to_sellers_of_its_category_only(rfq, seller, other_seller):
    assert selectors.rfq_get_for_user(user=seller, rfq_id=rfq.pk) == rfq
    with pytest.raises(NotFound):
        selectors.rfq_get_for_user(user=other_seller, rfq_id=rfq.pk)


def test_invited_rfq_is_visible_to_chosen_sellers_only(buyer, category, seller, other_seller):
    rfq = RFQFactory(buyer_company=buyer.company, category=category, audience=RFQ.Audience.INVITED)
    rfq.invited_sellers.add(other_seller.company)
    assert selectors.rfq_get_for_user(user=other_seller, rfq_id=rfq.pk) == rfq
    with pytest.raises(NotFound):
        selectors.rfq_get_for_user(user=seller, rfq_id=rfq.pk)


def test_other_buyer_does_not_see_the_rfq(rfq, other_buyer):
    with pytest.raises(NotFound):
        selectors.rfq_get_for_user(user=other_buyer, rfq_id=rfq.pk)


def test_quoting_seller_still_sees_an_rfq_after_it_is_closed(rfq, quotation, buyer, seller):
    services.rfq_close(rfq_id=rfq.pk, actor=buyer)
    assert selectors.rfq_get_for_user(user=seller, rfq_id=rfq.pk).state == RFQ.State.CLOSED


def test_seller_who_did_not_quote_loses_sight_of_a_closed_rfq(rfq, quotation, buyer, rival):
    services.rfq_close(rfq_id=rfq.pk, actor=buyer)
    with pytest.raises(NotFound):
        selectors.rfq_get_for_user(user=rival, rfq_id=rfq.pk)


def test_seller_sees_only_their_own_quotation(rfq, quotation, rival_quotation, seller, buyer):
    mine = [row.quotation for row in selectors.quotations_on_rfq(user=seller, rfq=rfq)]
    assert mine == [quotation]
    everyone = {row.quotation for row in selectors.quotations_on_rfq(user=buyer, rfq=rfq)}
    assert everyone == {quotation, rival_quotation}


def test_seller_cannot_read_a_rival_quotation(rival_quotation, seller):
    with pytest.raises(NotFound):
        selectors.quotation_get_for_user(user=seller, quotation_id=rival_quotation.pk)


# --- Comparison -------------------------------------------------------------------------------


def test_each_row_keeps_its_total_as_quoted_and_has_none_converted_without_a_rate(
    rfq, seller, rival, buyer
):
    QuotationFactory(rfq=rfq, author=seller, unit_price="4.80", currency="USD")
    QuotationFactory(rfq=rfq, author=rival, unit_price="4.10", currency="GBP")
    rows = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="total", currency="USD")
    assert [(r.quotation.currency, r.total, r.converted_total) for r in rows] == [
        ("USD", Decimal("4800.00"), Decimal("4800.00")),
        ("GBP", Decimal("4100.00"), None),
    ]


def test_quotations_without_a_rate_sort_last_both_ways(rfq, seller, rival, buyer, category):
    from rfq.tests.factories import seller_in_category

    third = seller_in_category(category)
    QuotationFactory(rfq=rfq, author=seller, unit_price="4.80")
    QuotationFactory(rfq=rfq, author=rival, unit_price="1.00", currency="GBP")
    QuotationFactory(rfq=rfq, author=third, unit_price="4.20")
    asc = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="unit_price", currency="USD")
    desc = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="-unit_price", currency="USD")
    assert [r.quotation.unit_price for r in asc] == [Decimal("4.2"), Decimal("4.8"), Decimal("1")]
    assert [r.quotation.unit_price for r in desc] == [Decimal("4.8"), Decimal("4.2"), Decimal("1")]
    assert [r.ranked for r in asc] == [True, True, False]


def test_comparison_sorts_by_lead_time_descending(rfq, quotation, rival_quotation, buyer):
    Quotation.objects.filter(pk=rival_quotation.pk).update(lead_time_days=90)
    rows = selectors.quotations_on_rfq(user=buyer, rfq=rfq, sort="-lead_time")
    assert [r.quotation.pk for r in rows] == [rival_quotation.pk, quotation.pk]


def test_unknown_sort_falls_back_to_total(rfq, buyer):
    assert selectors.comparison_sort("password") == "total"


# --- Quoting ----------------------------------------------------------------------------------


def test_seller_quotes_on_a_visible_open_rfq(rfq, seller):
    quotation = services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())
    assert quotation.state == Quotation.State.SUBMITTED
    assert quotation.seller_company == seller.company
    assert quotation.unit_price == Decimal("2.95")


def test_seller_quotes_once_per_rfq(rfq, quotation, seller):
    with pytest.raises(InvalidTransition) as exc:
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())
    assert exc.value.details["quotation_id"] == quotation.pk
    assert Quotation.objects.count() == 1


def test_a_colleague_cannot_quote_a_second_time_for_the_same_company(rfq, quotation, seller):
    from accounts.tests.factories import SellerFactory

    colleague = SellerFactory(company=seller.company)
    with pytest.raises(InvalidTransition):
        services.quotation_submit(rfq_id=rfq.pk, actor=colleague, values=quotation_values())


def test_buyer_cannot_quote(rfq, buyer):
    with pytest.raises(NotAllowed):
        services.quotation_submit(rfq_id=rfq.pk, actor=buyer, values=quotation_values())


def test_seller_outside_the_category_cannot_quote(rfq, other_seller):
    with pytest.raises(NotFound):
        services.quotation_submit(rfq_id=rfq.pk, actor=other_seller, values=quotation_values())


def test_seller_cannot_quote_after_the_deadline(rfq, seller):
    after = rfq.quotation_deadline + datetime.timedelta(minutes=1)
    with time_machine.travel(after), pytest.raises(InvalidTransition):
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())
    assert not Quotation.objects.exists()


def test_seller_cannot_quote_on_a_closed_rfq(rfq, buyer, seller):
    RFQ.objects.filter(pk=rfq.pk).update(state=RFQ.State.CLOSED)
    with pytest.raises(NotFound):
        services.quotation_submit(rfq_id=rfq.pk, actor=seller, values=quotation_values())


def test_quotation_validity_cannot_be_in_the_past(rfq, seller):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.quotation_submit(
            rfq_id=rfq.pk, actor=seller, values=quotation_values(valid_until=yesterday)
        )
    assert "valid_until" in exc.value.errors


def test_quotation_message_has_a_length_limit(rfq, seller):
    with pytest.raises(ValidationFailed) as exc:
        services.quotation_submit(
            rfq_id=rfq.pk, actor=seller, values=quotation_values(message="x" * 2001)
        )
    assert "message" in exc.value.errors


def test_quotation_takes_a_checked_attachment(rfq, seller):
    quotation = services.quotation_submit(
        rfq_id=rfq.pk, actor=seller, values=quotation_values(), attachment=pdf_upload()
    )
    assert quotation.attachment_name == "spec.pdf"


def test_quotation_refuses_an_attachment_that_is_not_a_pdf_or_image(rfq, seller):
    fake = SimpleUploadedFile("offer.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationFailed) as exc:
        services.quotation_submit(
            rfq_id=rfq.pk, actor=seller, values=quotation_values(), attachment=fake
        )
    assert "attachment" in exc.value.errors


# --- Revising ---------------------------------------------------------------------------------


def test_seller_revises_a_submitted_quotation(quotation, seller):
    revised = services.quotation_revise(
        quotation_id=quotation.pk,
        actor=seller,
        version=quotation.version,
        values=quotation_values(unit_price="2.80"),
    )
    assert revised.unit_price == Decimal("2.80")
    assert revised.version == quotation.version + 1
    assert revised.state == Quotation.State.SUBMITTED


def test_seller_cannot_revise_a_stale_version(quotation, seller):
    services.quotation_revise(
        quotation_id=quotation.pk, actor=seller, version=1, values=quotation_values()
    )
    with pytest.raises(StaleVersion) as exc:
        services.quotation_revise(
            quotation_id=quotation.pk,
            actor=seller,
            version=1,
            values=quotation_values(unit_price="1.00"),
        )
    assert exc.value.current_version == 2
    quotation.refresh_from_db()
    assert quotation.unit_price == Decimal("2.95")


def test_seller_cannot_revise_once_the_buyer_has_acted(quotation, seller, buyer):
    services.quotation_shortlist(quotation_id=quotation.pk, actor=buyer, version=1)
    with pytest.raises(InvalidTransition):
        services.quotation_revise(
            quotation_id=quotation.pk, actor=seller, version=2, values=quotation_values()
        )


def test_seller_cannot_revise_after_the_deadline(rfq, quotation, seller):
    after = rfq.quotation_deadline + datetime.timedelta(minutes=1)
    with time_machine.travel(after), pytest.raises(InvalidTransition):
        services.quotation_revise(
            quotation_id=quotation.pk, actor=seller, version=1, values=quotation_values()
        )


def test_rival_cannot_revise_someone_elses_quotation(quotation, rival):
    with pytest.raises(NotFound):
        services.quotation_revise(
            quotation_id=quotation.pk, actor=rival, version=1, values=quotation_values()
        )


def test_buyer_cannot_revise_a_quotation(quotation, buyer):
    with pytest.raises(NotAllowed):
        services.quotation_revise(
            quotation_id=quotation.pk, actor=buyer, version=1, values=quotation_values()
        )


# --- Shortlist and decline --------------------------------------------------------------------


def test_buyer_shortlists_a_quotation_and_the_seller_is_told(quotation, buyer, seller, committed):
    with committed():
        shortlisted = services.quotation_shortlist(
            quotation_id=quotation.pk, actor=buyer, version=1
        )
    assert shortlisted.state == Quotation.State.SHORTLISTED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [seller.email]
    assert "shortlisted" in mail.outbox[0].subject


def test_buyer_declines_a_quotation_and_the_seller_is_told(quotation, buyer, seller, committed):
    with committed():
        declined = services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=1)
    assert declined.state == Quotation.State.DECLINED
    assert "declined" in mail.outbox[0].subject


def test_buyer_cannot_decide_on_a_version_the_seller_has_revised(quotation, buyer, seller):
    services.quotation_revise(
        quotation_id=quotation.pk, actor=seller, version=1, values=quotation_values()
    )
    with pytest.raises(StaleVersion):
        services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=1)


def test_buyer_cannot_decline_a_declined_quotation(quotation, buyer):
    services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=1)
    with pytest.raises(InvalidTransition):
        services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=2)


def test_seller_cannot_shortlist_their_own_quotation(quotation, seller):
    with pytest.raises(NotAllowed):
        services.quotation_shortlist(quotation_id=quotation.pk, actor=seller, version=1)


def test_other_buyer_cannot_decline_a_quotation(quotation, other_buyer):
    with pytest.raises(NotFound):
        services.quotation_decline(quotation_id=quotation.pk, actor=other_buyer, version=1)


def test_seller_is_told_once_even_if_the_task_runs_twice(quotation, buyer, committed):
    with committed():
        services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=1)
    assert services.quotation_notify_outcome(quotation_id=quotation.pk) is False
    assert len(mail.outbox) == 1


# --- Accepting --------------------------------------------------------------------------------


def test_accepting_opens_a_negotiation_with_a_prefilled_draft_in_the_sellers_court(
    rfq, quotation, buyer, seller
):
    services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    rfq.refresh_from_db()
    negotiation = rfq.negotiation
    assert negotiation.origin == Negotiation.Origin.RFQ
    assert negotiation.buyer_company == buyer.company
    assert negotiation.seller_company == seller.company
    order = negotiation.order
    assert order.status == OrderStatus.DRAFT
    assert order.created_by == seller
    assert order.incoterm == "FOB"
    assert order.currency == "USD"
    assert order.destination_country == "DE"
    assert order.delivery_lead_days == 30
    assert order.buyer_contact_email == buyer.email
    assert order.seller_contact_email == seller.email
    line = order.lines.get()
    assert (line.name, line.quantity, line.unit, line.unit_price) == (
        rfq.product_name,
        Decimal("1000"),
        "piece",
        Decimal("4.80"),
    )
    assert line.specification == rfq.requirements
    assert OrderEvent.objects.filter(order=order, type=OrderEvent.Type.CREATED).exists()


def test_accepting_closes_the_rfq_as_awarded(rfq, quotation, buyer):
    services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    rfq.refresh_from_db()
    quotation.refresh_from_db()
    assert rfq.state == RFQ.State.AWARDED
    assert quotation.state == Quotation.State.ACCEPTED


def test_other_quoting_sellers_are_told_it_was_awarded_elsewhere(
    rfq, quotation, rival_quotation, buyer, seller, rival, committed
):
    with committed():
        services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    rival_quotation.refresh_from_db()
    assert rival_quotation.state == Quotation.State.LOST
    by_recipient = {tuple(m.to): m.subject for m in mail.outbox}
    assert "accepted" in by_recipient[(seller.email,)]
    assert "awarded to another seller" in by_recipient[(rival.email,)]


def test_a_declined_seller_is_not_told_twice_at_the_award(
    rfq, quotation, rival_quotation, buyer, rival, committed
):
    with committed():
        services.quotation_decline(quotation_id=rival_quotation.pk, actor=buyer, version=1)
    with committed():
        services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    assert [m.subject for m in mail.outbox if m.to == [rival.email]] == [
        f"Your quotation for {rfq.product_name} was declined"
    ]


def test_buyer_cannot_accept_a_stale_version(quotation, buyer, seller):
    services.quotation_revise(
        quotation_id=quotation.pk, actor=seller, version=1, values=quotation_values()
    )
    with pytest.raises(StaleVersion):
        services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    assert not Negotiation.objects.exists()


def test_buyer_cannot_accept_a_second_quotation(rfq, quotation, rival_quotation, buyer):
    services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    with pytest.raises(InvalidTransition):
        services.quotation_accept(quotation_id=rival_quotation.pk, actor=buyer, version=2)
    assert Negotiation.objects.count() == 1


def test_buyer_cannot_accept_a_declined_quotation(quotation, buyer):
    services.quotation_decline(quotation_id=quotation.pk, actor=buyer, version=1)
    with pytest.raises(InvalidTransition):
        services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=2)


def test_buyer_cannot_accept_a_quotation_past_its_validity(quotation, buyer):
    Quotation.objects.filter(pk=quotation.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(InvalidTransition):
        services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)


def test_buyer_may_accept_after_the_quotation_deadline(rfq, quotation, buyer):
    with time_machine.travel(rfq.quotation_deadline + datetime.timedelta(days=1)):
        accepted = services.quotation_accept(quotation_id=quotation.pk, actor=buyer, version=1)
    assert accepted.state == Quotation.State.ACCEPTED


def test_seller_cannot_accept_their_own_quotation(quotation, seller):
    with pytest.raises(NotAllowed):
        services.quotation_accept(quotation_id=quotation.pk, actor=seller, version=1)


# --- Closing ----------------------------------------------------------------------------------


def test_buyer_closes_an_rfq_without_awarding_and_sellers_are_told(
    rfq, quotation, rival_quotation, buyer, committed
):
    with committed():
        closed = services.rfq_close(rfq_id=rfq.pk, actor=buyer)
    assert closed.state == RFQ.State.CLOSED
    assert set(Quotation.objects.values_list("state", flat=True)) == {Quotation.State.CLOSED}
    assert len(mail.outbox) == 2
    assert all("closed without award" in m.subject for m in mail.outbox)


def test_buyer_cannot_close_an_rfq_twice(rfq, buyer):
    services.rfq_close(rfq_id=rfq.pk, actor=buyer)
    with pytest.raises(InvalidTransition):
        services.rfq_close(rfq_id=rfq.pk, actor=buyer)


def test_seller_cannot_close_an_rfq(rfq, seller):
    with pytest.raises(NotAllowed):
        services.rfq_close(rfq_id=rfq.pk, actor=seller)


def test_other_buyer_cannot_close_an_rfq(rfq, other_buyer):
    with pytest.raises(NotFound):
        services.rfq_close(rfq_id=rfq.pk, actor=other_buyer)


def test_buyer_cannot_decide_on_quotations_of_a_closed_rfq(rfq, quotation, buyer):
    services.rfq_close(rfq_id=rfq.pk, actor=buyer)
    with pytest.raises(InvalidTransition):
        services.quotation_shortlist(quotation_id=quotation.pk, actor=buyer, version=2)
