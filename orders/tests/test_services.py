"""Order service rules beyond the transition table: completion, seal, versions, entry points."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from inquiries.models import Negotiation
from inquiries.tests.factories import InquiryFactory
from orders import selectors, services
from orders import terms as order_terms
from orders.models import Order, OrderEvent, OrderLine, OrderStatus, Revision
from orders.tests.factories import complete_values, make_order, snapshot

S = OrderStatus


@pytest.fixture
def draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product)


@pytest.fixture
def incomplete_draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product, complete=False)


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


@pytest.fixture
def agreed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)


def _fresh(order):
    return Order.objects.prefetch_related("lines").get(pk=order.pk)


# --- Completion ---------------------------------------------------------------------------


def test_seller_cannot_confirm_an_incomplete_draft(seller, incomplete_draft):
    with pytest.raises(ValidationFailed) as exc:
        services.order_confirm(
            order_id=incomplete_draft.pk, actor=seller, version=incomplete_draft.version
        )

    assert exc.value.errors["missing"]["shipping"][:2] == ["incoterm", "shipping_method"]
    assert "payment_deadline_days" in exc.value.errors["missing"]["payment"]


def test_refused_confirm_of_an_incomplete_draft_changes_nothing(seller, incomplete_draft):
    before = snapshot(incomplete_draft)

    with pytest.raises(ValidationFailed):
        services.order_confirm(
            order_id=incomplete_draft.pk, actor=seller, version=incomplete_draft.version
        )

    assert snapshot(incomplete_draft) == before


def test_seller_may_save_an_incomplete_draft(seller, draft):
    values = complete_values(draft, incoterm="", packaging="")

    saved = services.order_modify(
        order_id=draft.pk, actor=seller, version=draft.version, values=values
    )

    assert (saved.status, saved.version, saved.incoterm) == (S.DRAFT, draft.version + 1, "")


def test_modify_outside_draft_requires_complete_terms(buyer, seller_confirmed):
    values = complete_values(seller_confirmed, incoterm="")

    with pytest.raises(ValidationFailed) as exc:
        services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=values,
        )

    assert exc.value.errors["missing"] == {"shipping": ["incoterm"]}


def test_refused_incomplete_modify_changes_nothing(buyer, seller_confirmed):
    before = snapshot(seller_confirmed)

    with pytest.raises(ValidationFailed):
        services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=complete_values(seller_confirmed, currency=""),
        )

    assert snapshot(seller_confirmed) == before


def test_modify_with_invalid_values_raises_field_errors_and_changes_nothing(
    buyer, seller_confirmed
):
    before = snapshot(seller_confirmed)

    with pytest.raises(ValidationFailed) as exc:
        services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=complete_values(seller_confirmed, incoterm="XYZ", shipping_fee="-1"),
        )

    assert set(exc.value.errors) == {"incoterm", "shipping_fee"}
    assert snapshot(seller_confirmed) == before


def test_modify_refuses_a_catalog_line_of_another_seller(buyer, seller_confirmed, other_seller):
    foreign = ProductFactory(seller=other_seller.company)
    values = complete_values(seller_confirmed)
    values["lines"].append({**values["lines"][0], "key": None, "product_id": foreign.pk})

    with pytest.raises(ValidationFailed) as exc:
        services.order_modify(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=values,
        )

    assert exc.value.errors["lines"][1] == {"product_id": ["No such product from this seller."]}


# --- Revising and flipping the confirmation -----------------------------------------------


def test_waiting_side_may_revise_and_stays_its_confirmation(seller, seller_confirmed):
    revised = services.order_modify(
        order_id=seller_confirmed.pk,
        actor=seller,
        version=seller_confirmed.version,
        values=complete_values(seller_confirmed, shipping_fee="330.00"),
    )

    assert (revised.status, revised.version) == (S.SELLER_CONFIRMED, seller_confirmed.version + 1)
    assert revised.revisions.get(version=revised.version).author == seller


def test_acting_side_modify_makes_it_that_sides_confirmation(buyer, seller_confirmed):
    modified = services.order_modify(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values=complete_values(seller_confirmed, incoterm="CIF"),
    )

    assert modified.status == S.BUYER_CONFIRMED
    assert modified.waiting_for == "seller"


def test_modify_event_names_the_changed_fields_and_the_base_version(buyer, seller_confirmed):
    services.order_modify(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values=complete_values(seller_confirmed, incoterm="CIF", shipping_fee="400.00"),
    )

    event = seller_confirmed.events.latest("pk")
    assert event.data == {
        "changed": ["Incoterm", "shipping fee"],
        "from_version": seller_confirmed.version,
    }


def test_modify_keeps_line_keys_so_lines_keep_their_identity(buyer, seller_confirmed):
    key = seller_confirmed.lines.get().key

    services.order_modify(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values=complete_values(seller_confirmed, incoterm="CIF"),
    )

    assert list(OrderLine.objects.filter(order=seller_confirmed).values_list("key", flat=True)) == [
        key
    ]


def test_modify_returns_the_order_with_its_new_lines(buyer, seller_confirmed):
    values = complete_values(seller_confirmed)
    values["lines"][0]["quantity"] = "1200"

    modified = services.order_modify(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version, values=values
    )

    assert [line.quantity for line in modified.lines.all()] == [Decimal("1200")]


# --- Agreement and seal -------------------------------------------------------------------


def test_both_confirmations_make_the_order_await_payment(buyer, seller_confirmed):
    order = services.order_confirm(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
    )

    assert order.status == S.AWAITING_PAYMENT


def test_agreement_seals_the_version_the_last_confirmer_and_the_time(buyer, seller_confirmed):
    services.order_confirm(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
    )

    order = Order.objects.get(pk=seller_confirmed.pk)
    assert order.agreed_version == order.version == seller_confirmed.version + 1
    assert order.agreed_by == buyer
    assert order.agreed_at is not None


def test_agreed_digest_is_the_sha256_of_the_canonical_json_of_the_agreed_revision(agreed):
    revision = Revision.objects.get(order=agreed, version=agreed.agreed_version)
    encoded = json.dumps(revision.terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    assert agreed.agreed_digest == hashlib.sha256(encoded.encode()).hexdigest()
    assert revision.digest == agreed.agreed_digest


def test_payment_is_due_the_deadline_days_after_agreement(agreed):
    assert agreed.payment_deadline_days == 14
    assert agreed.payment_due_at == agreed.agreed_at + datetime.timedelta(days=14)


def test_seal_check_passes_for_untouched_agreed_terms(agreed):
    assert selectors.order_seal_check(_fresh(agreed)) is True


def test_seal_check_fails_when_the_lines_are_tampered_with_in_the_database(agreed):
    OrderLine.objects.filter(order=agreed).update(unit_price=Decimal("4.50"))

    assert selectors.order_seal_check(_fresh(agreed)) is False


def test_seal_check_fails_when_the_agreed_revision_is_tampered_with(agreed):
    revision = Revision.objects.get(order=agreed, version=agreed.agreed_version)
    revision.terms["shipping"]["incoterm"] = "EXW"
    revision.save()

    assert selectors.order_seal_check(_fresh(agreed)) is False


def test_seal_check_is_none_before_agreement(seller_confirmed):
    assert selectors.order_seal_check(seller_confirmed) is None


def test_seal_still_holds_after_payment(buyer, seller, product):
    paid = make_order(buyer=buyer, seller=seller, status=S.READY_TO_SHIP, product=product)

    assert selectors.order_seal_check(_fresh(paid)) is True


def test_agreement_event_records_the_confirmed_version(buyer, seller_confirmed):
    services.order_confirm(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
    )

    event = seller_confirmed.events.latest("pk")
    assert (event.type, event.data) == (
        OrderEvent.Type.AGREED,
        {"confirmed_version": seller_confirmed.version},
    )


# --- Stale versions -----------------------------------------------------------------------


def _call(action, order, user, version):
    if action == "confirm":
        return services.order_confirm(order_id=order.pk, actor=user, version=version)
    if action == "modify":
        return services.order_modify(
            order_id=order.pk,
            actor=user,
            version=version,
            values=complete_values(order, incoterm="CIF"),
        )
    return services.order_cancel(order_id=order.pk, actor=user, version=version, reason="Too late")


VERSIONED = ("confirm", "modify", "cancel")


@pytest.mark.parametrize("action", VERSIONED)
@pytest.mark.parametrize("offset", [-1, 1], ids=["older", "newer"])
def test_a_wrong_version_is_refused_with_the_current_version_and_state(
    buyer, seller_confirmed, action, offset
):
    with pytest.raises(StaleVersion) as exc:
        _call(action, seller_confirmed, buyer, seller_confirmed.version + offset)

    assert exc.value.current_version == seller_confirmed.version
    assert exc.value.current_status == S.SELLER_CONFIRMED


@pytest.mark.parametrize("action", VERSIONED)
def test_a_wrong_version_changes_nothing(buyer, seller_confirmed, action):
    before = snapshot(seller_confirmed)

    with pytest.raises(StaleVersion):
        _call(action, seller_confirmed, buyer, seller_confirmed.version - 1)

    assert snapshot(seller_confirmed) == before


def test_a_double_submitted_confirm_gets_a_stale_version_the_second_time(seller, draft):
    services.order_confirm(order_id=draft.pk, actor=seller, version=draft.version)

    with pytest.raises(StaleVersion) as exc:
        services.order_confirm(order_id=draft.pk, actor=seller, version=draft.version)

    assert (exc.value.current_version, exc.value.current_status) == (
        draft.version + 1,
        S.SELLER_CONFIRMED,
    )


def test_buyer_cannot_confirm_terms_changed_after_he_loaded_them(buyer, seller, seller_confirmed):
    shown = seller_confirmed.version
    services.order_modify(
        order_id=seller_confirmed.pk,
        actor=seller,
        version=shown,
        values=complete_values(seller_confirmed, shipping_fee="999.00"),
    )

    with pytest.raises(StaleVersion):
        services.order_confirm(order_id=seller_confirmed.pk, actor=buyer, version=shown)

    assert Order.objects.get(pk=seller_confirmed.pk).status == S.SELLER_CONFIRMED


def test_a_change_between_reading_and_writing_loses_the_conditional_update(
    monkeypatch, buyer, seller, seller_confirmed
):
    read = selectors.order_get_for_user

    def read_then_seller_revises(*, user, order_id):
        order = read(user=user, order_id=order_id)
        if user == buyer:
            Order.objects.filter(pk=order_id).update(version=order.version + 1)
        return order

    monkeypatch.setattr(selectors, "order_get_for_user", read_then_seller_revises)

    with pytest.raises(StaleVersion) as exc:
        services.order_confirm(
            order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version
        )

    assert exc.value.current_version == seller_confirmed.version + 1


# --- Cancel -------------------------------------------------------------------------------


def test_cancel_keeps_the_reason_and_the_time(buyer, seller_confirmed):
    services.order_cancel(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        reason="  Found a cheaper supplier  ",
    )

    order = Order.objects.get(pk=seller_confirmed.pk)
    assert order.cancel_reason == "Found a cheaper supplier"
    assert order.cancelled_at is not None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001], ids=["empty", "blank", "too_long"])
def test_cancel_needs_a_reason_of_at_most_1000_characters(buyer, seller_confirmed, reason):
    with pytest.raises(ValidationFailed) as exc:
        services.order_cancel(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            reason=reason,
        )

    assert "reason" in exc.value.errors


# --- Start Order --------------------------------------------------------------------------


def _start_values(quantity="500", **overrides) -> dict:
    values = complete_values(**overrides)
    values["lines"][0]["quantity"] = quantity
    return values


def test_buyer_starts_an_order_as_his_own_confirmation(buyer, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    assert (order.status, order.version, order.waiting_for) == (S.BUYER_CONFIRMED, 1, "seller")


def test_started_order_opens_a_start_order_negotiation_with_the_products_seller(buyer, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    negotiation = Negotiation.objects.get(pk=order.negotiation_id)
    assert (negotiation.origin, negotiation.buyer_company, negotiation.seller_company) == (
        Negotiation.Origin.START_ORDER,
        buyer.company,
        product.seller,
    )


def test_started_order_has_revision_one_by_the_buyer(buyer, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    revision = order.revisions.get()
    assert (revision.version, revision.author, revision.author_side) == (1, buyer, "buyer")
    assert revision.terms == order_terms.canonical(order_terms.from_order(_fresh(order)))


def test_started_order_records_a_started_event(buyer, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    event = order.events.get()
    assert (event.type, event.actor, event.actor_side, event.version) == (
        OrderEvent.Type.STARTED,
        buyer,
        "buyer",
        1,
    )


def test_after_start_order_the_seller_must_act(buyer, seller, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    assert services.allowed_actions(order, "seller") == {"confirm", "modify", "cancel"}
    with pytest.raises(NotAllowed):
        services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)


def test_seller_confirming_a_started_order_agrees_it(buyer, seller, product):
    order = services.order_start(actor=buyer, product_id=product.pk, values=_start_values())

    agreed = services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    assert (agreed.status, agreed.agreed_by) == (S.AWAITING_PAYMENT, seller)


@pytest.mark.parametrize("user", ["seller", "other_seller", "staff"])
def test_only_a_buyer_may_start_an_order(request, product, user):
    with pytest.raises(NotAllowed):
        services.order_start(
            actor=request.getfixturevalue(user), product_id=product.pk, values=_start_values()
        )

    assert not Order.objects.exists()


def test_start_order_refuses_incomplete_terms_with_the_missing_list(buyer, product):
    values = _start_values(incoterm="", buyer_contact_phone="")

    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert exc.value.errors["missing"] == {
        "shipping": ["incoterm"],
        "contacts": ["buyer_contact_phone"],
    }


def test_refused_start_order_creates_nothing(buyer, product):
    with pytest.raises(ValidationFailed):
        services.order_start(actor=buyer, product_id=product.pk, values=_start_values(currency=""))

    assert not Order.objects.exists()
    assert not Negotiation.objects.exists()


def test_start_order_refuses_a_quantity_under_the_moq(buyer, product):
    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=product.pk, values=_start_values("99"))

    assert exc.value.errors == {"quantity": ["The minimum order quantity is 100 pieces."]}


def test_start_order_refuses_a_line_without_quantity(buyer, product):
    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=product.pk, values=_start_values(""))

    assert exc.value.errors == {"lines": [{"quantity": ["This field is required."]}]}


@pytest.mark.parametrize(
    ("quantity", "price"),
    [("100", "5.20"), ("499", "5.20"), ("500", "4.80"), ("5000", "4.80")],
)
def test_start_order_applies_the_tier_price_for_the_quantity(buyer, product, quantity, price):
    values = _start_values(quantity)
    values["lines"][0]["unit_price"] = "0.01"  # the buyer cannot pick his own catalog price

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert order.lines.get().unit_price == Decimal(price)


def test_start_order_takes_the_products_unit_and_default_name(buyer, product):
    values = _start_values(unit="", name="")
    values["lines"][0].update(unit="kg", name="")

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    line = order.lines.get()
    assert (line.product, line.name, line.unit) == (product, product.name, product.unit)


def test_start_order_refuses_an_unknown_product(buyer):
    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=999999, values=_start_values())

    assert exc.value.errors == {"product_id": ["No such product."]}


def test_start_order_refuses_an_inactive_product(buyer, seller_company):
    inactive = ProductFactory(seller=seller_company, active=False)

    with pytest.raises(ValidationFailed):
        services.order_start(actor=buyer, product_id=inactive.pk, values=_start_values())


def test_start_order_refuses_extra_lines_with_another_sellers_product(buyer, product, other_seller):
    foreign = ProductFactory(seller=other_seller.company)
    values = _start_values()
    values["lines"].append({**values["lines"][0], "product_id": foreign.pk})

    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert exc.value.errors["lines"][1] == {"product_id": ["No such product from this seller."]}


def test_start_order_accepts_extra_lines_of_the_same_seller(buyer, product, seller_company):
    lid = ProductFactory(seller=seller_company, name="Bottle lid")
    values = _start_values()
    values["lines"].append({**values["lines"][0], "product_id": lid.pk, "name": "Bottle lid"})

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert [line.product for line in order.lines.all()] == [product, lid]


def test_start_order_prices_every_catalog_line_at_its_tier_not_the_buyers_price(
    buyer, product, seller_company
):
    lid = ProductFactory(seller=seller_company, tiers=[("100", "1.65")])
    values = _start_values()
    values["lines"].append(
        {**values["lines"][0], "product_id": lid.pk, "quantity": "200", "unit_price": "0.01"}
    )

    order = services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert [line.unit_price for line in order.lines.all()] == [Decimal("4.80"), Decimal("1.65")]


def test_start_order_refuses_an_extra_catalog_line_under_its_moq(buyer, product, seller_company):
    lid = ProductFactory(seller=seller_company, tiers=[("100", "1.65")])
    values = _start_values()
    values["lines"].append(
        {**values["lines"][0], "product_id": lid.pk, "quantity": "5", "unit_price": "0.01"}
    )

    with pytest.raises(ValidationFailed) as exc:
        services.order_start(actor=buyer, product_id=product.pk, values=values)

    assert exc.value.errors == {
        "lines": [{}, {"quantity": ["The minimum order quantity is 100 pieces."]}]
    }
    assert not Order.objects.exists()


def test_start_order_refuses_a_currency_other_than_the_products(buyer, product):
    with pytest.raises(ValidationFailed) as exc:
        services.order_start(
            actor=buyer, product_id=product.pk, values=_start_values(currency="EUR")
        )

    assert exc.value.errors == {"currency": ["This product is priced in USD."]}


# --- Draft from an inquiry ----------------------------------------------------------------


@pytest.fixture
def inquiry(buyer, seller, product):
    return InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        negotiation__product=product,
        product=product,
        sender=buyer,
        quantity=Decimal("1000"),
        destination_country="NL",
    )


def test_seller_drafts_a_letter_of_intent_from_an_inquiry(seller, inquiry):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert (order.status, order.version, order.negotiation_id, order.created_by) == (
        S.DRAFT,
        1,
        inquiry.negotiation_id,
        seller,
    )


def test_drafting_records_a_created_event_and_no_revision(seller, inquiry):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    event = order.events.get()
    assert (event.type, event.actor, event.actor_side, event.version) == (
        OrderEvent.Type.CREATED,
        seller,
        "seller",
        1,
    )
    assert not order.revisions.exists()


def test_buyer_cannot_draft_from_his_own_inquiry(buyer, inquiry):
    with pytest.raises(NotAllowed):
        services.order_create_draft(inquiry_id=inquiry.pk, actor=buyer)

    assert not Order.objects.exists()


def test_staff_cannot_draft_a_letter_of_intent(staff, inquiry):
    with pytest.raises(NotAllowed):
        services.order_create_draft(inquiry_id=inquiry.pk, actor=staff)


@pytest.mark.parametrize("user", ["other_buyer", "other_seller"])
def test_outsiders_cannot_find_the_inquiry_to_draft_from(request, inquiry, user):
    with pytest.raises(NotFound):
        services.order_create_draft(inquiry_id=inquiry.pk, actor=request.getfixturevalue(user))


def test_draft_prefills_the_product_line_with_the_tier_price(seller, inquiry, product):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    line = order.lines.get()
    assert (line.product, line.name, line.quantity, line.unit, line.unit_price) == (
        product,
        product.name,
        Decimal("1000"),
        "piece",
        Decimal("4.80"),
    )


def test_draft_prefills_the_lower_tier_price_under_the_second_tier(seller, inquiry):
    inquiry.quantity = Decimal("499")
    inquiry.save()

    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert order.lines.get().unit_price == Decimal("5.20")


def test_draft_leaves_the_unit_price_empty_under_the_moq(seller, inquiry):
    inquiry.quantity = Decimal("50")
    inquiry.save()

    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    line = order.lines.get()
    assert (line.quantity, line.unit_price) == (Decimal("50"), None)
    assert (
        "lines.0.unit_price"
        in order_terms.completion(order_terms.from_order(order)).missing["product"]
    )


def test_draft_takes_currency_destination_and_origin_from_the_inquiry(seller, inquiry):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert (order.currency, order.destination_country, order.origin_country) == (
        "USD",
        "NL",
        "CN",
    )


def test_draft_takes_the_buyer_contact_from_the_inquiry_sender(seller, inquiry, buyer):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert (
        order.buyer_contact_name,
        order.buyer_contact_email,
        order.buyer_contact_phone,
    ) == (buyer.display_name, buyer.email, buyer.phone)


def test_draft_takes_the_seller_contact_from_the_drafting_seller(seller, inquiry):
    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert (order.seller_contact_name, order.seller_contact_email) == (
        seller.display_name,
        seller.email,
    )


def test_draft_from_a_free_text_inquiry_has_a_free_text_line(buyer, seller):
    inquiry = InquiryFactory(
        negotiation__buyer_company=buyer.company,
        negotiation__seller_company=seller.company,
        sender=buyer,
        subject="Custom silicone lids",
        quantity=Decimal("2000"),
        unit="set",
        target_price=Decimal("0.50"),
        target_currency="EUR",
    )

    order = services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    line = order.lines.get()
    assert (line.product, line.name, line.quantity, line.unit, line.unit_price) == (
        None,
        "Custom silicone lids",
        Decimal("2000"),
        "set",
        None,
    )
    assert order.currency == "EUR"


def test_a_negotiation_has_at_most_one_order(seller, inquiry):
    services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    with pytest.raises(InvalidTransition):
        services.order_create_draft(inquiry_id=inquiry.pk, actor=seller)

    assert Order.objects.count() == 1


# --- System transitions -------------------------------------------------------------------


def test_a_recorded_payment_stamps_the_initial_payment_and_bumps_the_version(agreed):
    order = services.order_record_payment(
        order_id=agreed.pk, data={}, overdue=False, initial_paid=True, fully_paid=False
    )

    assert (order.status, order.version) == (S.AWAITING_PAYMENT, agreed.version + 1)
    assert order.initial_paid_at is not None
    assert agreed.events.latest("pk").type == OrderEvent.Type.PAYMENT_RECORDED


def test_a_payment_covering_everything_records_the_paid_event(agreed):
    order = services.order_record_payment(
        order_id=agreed.pk, data={}, overdue=False, initial_paid=True, fully_paid=True
    )

    assert order.paid_at is not None
    assert agreed.events.latest("pk").type == OrderEvent.Type.PAID


def test_an_agreed_order_becomes_ready_to_ship(agreed):
    order = services.order_mark_ready_to_ship(order_id=agreed.pk)

    assert (order.status, order.version) == (S.READY_TO_SHIP, agreed.version + 1)
    assert agreed.events.latest("pk").type == OrderEvent.Type.READY_TO_SHIP


def test_agreeing_to_terms_with_nothing_due_before_shipment_makes_the_order_ready_to_ship(
    buyer, seller, product
):
    order = make_order(buyer=buyer, seller=seller, status=S.READY_TO_SHIP, product=product)

    assert order.status == S.READY_TO_SHIP
    assert list(order.events.values_list("type", flat=True))[-2:] == [
        OrderEvent.Type.AGREED,
        OrderEvent.Type.READY_TO_SHIP,
    ]


def test_marking_overdue_keeps_the_first_time_an_instalment_fell_overdue(agreed):
    first = services.order_mark_overdue(order_id=agreed.pk, data={})
    second = services.order_mark_overdue(order_id=agreed.pk, data={})

    assert second.overdue_at == first.overdue_at
    assert agreed.events.filter(type=OrderEvent.Type.OVERDUE).count() == 2


def test_a_payment_clearing_the_overdue_instalment_clears_the_flag(agreed):
    services.order_mark_overdue(order_id=agreed.pk, data={})

    order = services.order_record_payment(
        order_id=agreed.pk, data={}, overdue=False, initial_paid=True, fully_paid=False
    )

    assert order.overdue_at is None


@pytest.mark.parametrize("state", [S.DRAFT, S.SELLER_CONFIRMED, S.CANCELLED])
def test_payments_are_not_recorded_before_agreement_or_after_cancelling(
    buyer, seller, product, state
):
    order = make_order(buyer=buyer, seller=seller, status=state, product=product)

    with pytest.raises(InvalidTransition):
        services.order_record_payment(
            order_id=order.pk, data={}, overdue=False, initial_paid=True, fully_paid=True
        )


def test_event_hook_is_sent_after_commit(django_capture_on_commit_callbacks, seller, draft):
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    services.order_event_recorded.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.order_confirm(order_id=draft.pk, actor=seller, version=draft.version)
    finally:
        services.order_event_recorded.disconnect(receiver)

    assert [(e.type, e.version) for e in received] == [
        (OrderEvent.Type.CONFIRMED, draft.version + 1)
    ]


# --- Cancelling an overdue order ----------------------------------------------------------


@pytest.fixture
def overdue(agreed):
    services.order_mark_overdue(order_id=agreed.pk, data={})
    return Order.objects.get(pk=agreed.pk)


def test_seller_cancels_an_order_whose_payment_is_overdue(seller, overdue):
    order = services.order_cancel_overdue(
        order_id=overdue.pk, actor=seller, version=overdue.version, reason="Never paid"
    )

    assert (order.status, order.version, order.cancel_reason) == (
        S.CANCELLED,
        overdue.version + 1,
        "Never paid",
    )
    event = overdue.events.latest("pk")
    assert (event.type, event.actor, event.data) == (
        OrderEvent.Type.CANCELLED,
        seller,
        {"reason": "Never paid", "overdue": True},
    )


def test_an_agreed_order_not_yet_overdue_cannot_be_cancelled(seller, agreed):
    before = snapshot(agreed)

    with pytest.raises(InvalidTransition):
        services.order_cancel_overdue(
            order_id=agreed.pk, actor=seller, version=agreed.version, reason="Impatient"
        )

    assert snapshot(agreed) == before


@pytest.mark.parametrize(
    ("user", "error"),
    [
        ("buyer", NotAllowed),
        ("staff", NotAllowed),
        ("other_buyer", NotFound),
        ("other_seller", NotFound),
    ],
)
def test_only_the_seller_cancels_an_overdue_order(request, overdue, user, error):
    before = snapshot(overdue)

    with pytest.raises(error):
        services.order_cancel_overdue(
            order_id=overdue.pk,
            actor=request.getfixturevalue(user),
            version=overdue.version,
            reason="Never paid",
        )

    assert snapshot(overdue) == before


def test_cancelling_an_overdue_order_needs_the_current_version(seller, overdue):
    with pytest.raises(StaleVersion) as exc:
        services.order_cancel_overdue(
            order_id=overdue.pk, actor=seller, version=overdue.version - 1, reason="Never paid"
        )

    assert exc.value.current_version == overdue.version


def test_cancel_overdue_is_offered_to_the_seller_only_once_overdue(agreed, overdue):
    assert "cancel_overdue" not in services.allowed_actions(agreed, "seller")
    assert services.allowed_actions(overdue, "seller") == {"cancel_overdue"}
    assert services.allowed_actions(overdue, "buyer") == set()


# --- Partial modify -----------------------------------------------------------------------


def test_modify_keeps_the_fields_a_request_leaves_out(buyer, seller_confirmed):
    before = order_terms.from_order(seller_confirmed)

    modified = services.order_modify(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values={"incoterm": "CIF"},
    )

    after = order_terms.from_order(_fresh(modified))
    assert after == {**before, "incoterm": "CIF"}


def test_modify_with_lines_replaces_all_lines(buyer, seller_confirmed):
    line = complete_values(seller_confirmed)["lines"][0]
    values = {"lines": [{**line, "key": None, "name": "Replacement bottle"}]}

    modified = services.order_modify(
        order_id=seller_confirmed.pk, actor=buyer, version=seller_confirmed.version, values=values
    )

    assert [line.name for line in _fresh(modified).lines.all()] == ["Replacement bottle"]


def test_modify_with_an_empty_value_clears_the_field_in_a_draft(seller, draft):
    modified = services.order_modify(
        order_id=draft.pk, actor=seller, version=draft.version, values={"packaging": ""}
    )

    assert Order.objects.get(pk=modified.pk).packaging == ""


# --- Visibility of a loaded order ---------------------------------------------------------


@pytest.mark.parametrize("state", [S.DRAFT, S.SELLER_CONFIRMED, S.READY_TO_SHIP])
@pytest.mark.parametrize("user", ["buyer", "seller", "other_buyer", "other_seller", "staff"])
def test_order_is_visible_agrees_with_the_visibility_query(
    request, buyer, seller, product, state, user
):
    order = make_order(buyer=buyer, seller=seller, status=state, product=product)
    viewer = request.getfixturevalue(user)

    in_query = selectors.orders_for_user(viewer).filter(pk=order.pk).exists()

    assert selectors.order_is_visible(viewer, order) is in_query


def test_an_outsider_cancelling_without_a_reason_learns_only_that_there_is_no_such_order(
    buyer, seller, other_seller
):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)

    with pytest.raises(NotFound):
        services.order_cancel(
            order_id=order.pk, actor=other_seller, version=order.version, reason=""
        )


# --- Confirm from a form: the typed terms are confirmed, or nothing happens -----------------


def test_confirm_from_a_form_with_changed_terms_is_refused_and_changes_nothing(
    buyer, seller_confirmed
):
    before = snapshot(seller_confirmed)
    values = complete_values(seller_confirmed)
    values["lines"][0]["unit_price"] = "3.30"

    with pytest.raises(ValidationFailed) as exc:
        services.order_confirm(
            order_id=seller_confirmed.pk,
            actor=buyer,
            version=seller_confirmed.version,
            values=values,
        )

    assert exc.value.errors == {"changed": ["unit price"]}
    assert snapshot(seller_confirmed) == before


def test_confirm_from_a_form_with_the_shown_terms_confirms(buyer, seller_confirmed):
    order = services.order_confirm(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values=complete_values(seller_confirmed),
    )

    assert order.status == S.AWAITING_PAYMENT


def test_sellers_confirm_of_a_draft_saves_and_confirms_the_typed_terms_together(
    seller, incomplete_draft
):
    values = complete_values(incomplete_draft)
    values["lines"][0]["quantity"] = "8000"
    values["lines"][0]["unit_price"] = "1.10"

    order = services.order_confirm(
        order_id=incomplete_draft.pk,
        actor=seller,
        version=incomplete_draft.version,
        values=values,
    )

    order = Order.objects.prefetch_related("lines").get(pk=order.pk)
    assert order.status == S.SELLER_CONFIRMED
    assert order.version == incomplete_draft.version + 1
    assert order.lines.get().unit_price == Decimal("1.10")
    assert order.incoterm == "FOB"
    revision = order.revisions.get()
    assert revision.terms["totals"]["goods_total"] == "8800"
    assert revision.digest == order_terms.digest(
        order_terms.canonical(order_terms.from_order(order))
    )


def test_sellers_confirm_of_a_draft_with_incomplete_typed_terms_saves_nothing(
    seller, incomplete_draft
):
    before = snapshot(incomplete_draft)
    values = complete_values(incomplete_draft, incoterm="")

    with pytest.raises(ValidationFailed) as exc:
        services.order_confirm(
            order_id=incomplete_draft.pk,
            actor=seller,
            version=incomplete_draft.version,
            values=values,
        )

    assert exc.value.errors["missing"] == {"shipping": ["incoterm"]}
    assert snapshot(incomplete_draft) == before


# --- Version numbers people see ---------------------------------------------------------------


def test_a_draft_has_no_version_number_people_see(draft):
    assert draft.terms_version == 0


def test_the_first_version_the_buyer_sees_is_version_one(seller_confirmed):
    assert seller_confirmed.terms_version == 1
    assert seller_confirmed.revisions.get().terms_version == 1


def test_a_modified_order_sent_back_is_the_next_version(buyer, seller_confirmed):
    order = services.order_modify(
        order_id=seller_confirmed.pk,
        actor=buyer,
        version=seller_confirmed.version,
        values={"incoterm": "CIF"},
    )

    assert order.terms_version == 2
    assert order.events.last().terms_version == 2


def test_confirming_without_changes_keeps_the_version_number(agreed):
    assert agreed.terms_version == 1
    assert list(agreed.revisions.values_list("terms_version", flat=True)) == [1, 1]


def test_recording_a_payment_does_not_change_the_version_number(agreed):
    order = services.order_record_payment(
        order_id=agreed.pk, data={}, overdue=False, initial_paid=True, fully_paid=False
    )

    order.refresh_from_db()
    assert order.version == agreed.version + 1
    assert order.terms_version == 1
