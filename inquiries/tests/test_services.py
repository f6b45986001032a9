"""Inquiry writes: who may send and mark read, field-level validation, the negotiation opened."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from catalog.tests.factories import ProductFactory
from common.errors import NotAllowed, NotFound, ValidationFailed
from inquiries import services
from inquiries.models import Inquiry, Negotiation
from inquiries.tests.factories import InquiryFactory


def _values(**overrides) -> dict:
    values = {
        "subject": "Quotation for water bottles",
        "message": "Please quote 1,000 pieces with our logo, delivered to Hamburg.",
        "quantity": "1000",
        "unit": "piece",
        "target_price": "4.50",
        "target_currency": "USD",
        "destination_country": "DE",
    }
    values.update(overrides)
    return values


def _errors(actor, product, **overrides) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(actor=actor, values=_values(**overrides), product_id=product.pk)
    return exc.value.errors


# --- Creating -----------------------------------------------------------------------------


def test_buyer_sends_an_inquiry_about_a_product(buyer, product):
    inquiry = services.inquiry_create(actor=buyer, values=_values(), product_id=product.pk)

    assert (inquiry.product, inquiry.sender, inquiry.quantity, inquiry.target_price) == (
        product,
        buyer,
        Decimal("1000"),
        Decimal("4.50"),
    )


def test_a_new_inquiry_is_unread(buyer, product):
    inquiry = services.inquiry_create(actor=buyer, values=_values(), product_id=product.pk)

    assert inquiry.is_unread


def test_an_inquiry_opens_a_negotiation_between_the_two_companies(buyer, product):
    inquiry = services.inquiry_create(actor=buyer, values=_values(), product_id=product.pk)

    negotiation = Negotiation.objects.get(pk=inquiry.negotiation_id)
    assert (
        negotiation.buyer_company,
        negotiation.seller_company,
        negotiation.origin,
        negotiation.product,
    ) == (buyer.company, product.seller, Negotiation.Origin.INQUIRY, product)


def test_buyer_may_write_to_a_seller_without_a_product(buyer, seller_company):
    inquiry = services.inquiry_create(
        actor=buyer, values=_values(), seller_company_id=seller_company.pk
    )

    assert inquiry.product is None
    assert inquiry.negotiation.seller_company == seller_company


def test_each_inquiry_opens_its_own_negotiation(buyer, product):
    first = services.inquiry_create(actor=buyer, values=_values(), product_id=product.pk)
    second = services.inquiry_create(actor=buyer, values=_values(), product_id=product.pk)

    assert first.negotiation_id != second.negotiation_id


def test_the_unit_defaults_to_the_products_unit(buyer, product):
    inquiry = services.inquiry_create(actor=buyer, values=_values(unit=""), product_id=product.pk)

    assert inquiry.unit == product.unit


def test_a_target_price_is_optional(buyer, product):
    inquiry = services.inquiry_create(
        actor=buyer, values=_values(target_price="", target_currency=""), product_id=product.pk
    )

    assert (inquiry.target_price, inquiry.target_currency) == (None, "")


def test_a_float_quantity_is_read_from_its_repr(buyer, product):
    inquiry = services.inquiry_create(
        actor=buyer, values=_values(quantity=1000.5), product_id=product.pk
    )

    assert inquiry.quantity == Decimal("1000.5")


@pytest.mark.parametrize("user", ["seller", "other_seller", "staff"])
def test_only_buyers_send_inquiries(request, product, user):
    with pytest.raises(NotAllowed):
        services.inquiry_create(
            actor=request.getfixturevalue(user), values=_values(), product_id=product.pk
        )

    assert not Inquiry.objects.exists()


def test_an_unknown_product_is_refused(buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(actor=buyer, values=_values(), product_id=999999)

    assert exc.value.errors == {"product_id": ["No such product."]}


def test_an_inactive_product_is_refused(buyer, seller_company):
    inactive = ProductFactory(seller=seller_company, active=False)

    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(actor=buyer, values=_values(), product_id=inactive.pk)

    assert list(exc.value.errors) == ["product_id"]


def test_an_unknown_seller_is_refused(buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(actor=buyer, values=_values(), seller_company_id=999999)

    assert exc.value.errors == {"seller_company_id": ["No such seller."]}


def test_a_buyer_company_is_not_a_seller_to_write_to(buyer, other_buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(
            actor=buyer, values=_values(), seller_company_id=other_buyer.company_id
        )

    assert list(exc.value.errors) == ["seller_company_id"]


def test_an_inquiry_needs_a_product_or_a_seller(buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_create(actor=buyer, values=_values())

    assert list(exc.value.errors) == ["seller_company_id"]


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_the_quantity_must_be_greater_than_zero(buyer, product, quantity):
    assert list(_errors(buyer, product, quantity=quantity)) == ["quantity"]


@pytest.mark.parametrize("name", ["subject", "message", "quantity", "destination_country"])
def test_a_required_field_may_not_be_missing(buyer, product, name):
    assert _errors(buyer, product, **{name: "  "}) == {name: ["This field is required."]}


def test_a_subject_over_200_characters_is_refused(buyer, product):
    assert list(_errors(buyer, product, subject="x" * 201)) == ["subject"]


def test_a_message_over_5000_characters_is_refused(buyer, product):
    assert list(_errors(buyer, product, message="x" * 5001)) == ["message"]


def test_a_message_of_5000_characters_is_accepted(buyer, product):
    inquiry = services.inquiry_create(
        actor=buyer, values=_values(message="x" * 5000), product_id=product.pk
    )

    assert len(inquiry.message) == 5000


def test_an_unknown_currency_is_refused(buyer, product):
    assert list(_errors(buyer, product, target_currency="XYZ")) == ["target_currency"]


def test_a_target_price_needs_its_currency(buyer, product):
    assert _errors(buyer, product, target_currency="") == {
        "target_currency": ["Give the currency of the target price."]
    }


def test_a_target_price_must_be_greater_than_zero(buyer, product):
    assert list(_errors(buyer, product, target_price="0")) == ["target_price"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("unit", "bushel"), ("destination_country", "XX"), ("quantity", "lots")],
)
def test_a_bad_value_gives_an_error_on_its_field(buyer, product, name, value):
    assert list(_errors(buyer, product, **{name: value})) == [name]


def test_several_bad_fields_are_reported_together(buyer, product):
    errors = _errors(buyer, product, subject="", quantity="0", target_currency="XYZ")

    assert set(errors) == {"subject", "quantity", "target_currency"}


def test_a_refused_inquiry_creates_nothing(buyer, product):
    with pytest.raises(ValidationFailed):
        services.inquiry_create(actor=buyer, values=_values(quantity="0"), product_id=product.pk)

    assert not Inquiry.objects.exists()
    assert not Negotiation.objects.exists()


# --- Marking read -------------------------------------------------------------------------


@pytest.fixture
def inquiry(buyer, seller, product):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        product=product,
        sender=buyer,
    )


def test_seller_marks_an_inquiry_read(seller, inquiry):
    marked = services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=seller)

    assert not marked.is_unread
    assert Inquiry.objects.get(pk=inquiry.pk).read_at == marked.read_at


def test_marking_read_twice_keeps_the_first_time(seller, inquiry):
    first = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(first, tick=False):
        services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=seller)
    with time_machine.travel(first + datetime.timedelta(hours=5), tick=False):
        again = services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=seller)

    assert again.read_at == first
    assert Inquiry.objects.get(pk=inquiry.pk).read_at == first


@pytest.mark.parametrize("user", ["buyer", "staff"])
def test_only_the_seller_marks_an_inquiry_read(request, inquiry, user):
    with pytest.raises(NotAllowed):
        services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=request.getfixturevalue(user))

    assert Inquiry.objects.get(pk=inquiry.pk).is_unread


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_cannot_find_an_inquiry_to_mark_read(request, inquiry, user):
    with pytest.raises(NotFound):
        services.inquiry_mark_read(inquiry_id=inquiry.pk, actor=request.getfixturevalue(user))
