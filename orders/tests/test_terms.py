"""orders.terms: cleaning, completion, totals and rounding, canonical form, digest, diff."""

import copy
import json
import uuid
from decimal import Decimal

import pytest

from common.errors import ValidationFailed
from orders import terms
from orders.tests.factories import complete_values, make_order

KEY_A = "11111111-1111-4111-8111-111111111111"
KEY_B = "22222222-2222-4222-8222-222222222222"


def _line(key=KEY_A, **overrides) -> dict:
    line = {
        "key": key,
        "name": "Stainless steel water bottle",
        "specification": "750 ml",
        "quantity": "1000",
        "unit": "piece",
        "unit_price": "4.80",
    }
    line.update(overrides)
    return line


def _clean(**overrides) -> dict:
    values = complete_values(**overrides)
    if "lines" not in overrides:
        values["lines"] = [_line()]
    return terms.clean(values)


def _errors(values: dict) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        terms.clean(values)
    return exc.value.errors


# --- Completion ---------------------------------------------------------------------------


def test_complete_terms_are_100_percent_with_nothing_missing():
    result = terms.completion(_clean())

    assert (result.percent, result.complete, result.missing) == (100, True, {})


def test_empty_terms_are_0_percent_in_every_module():
    result = terms.completion(terms.clean({}))

    assert result.percent == 0
    assert {name: m.percent for name, m in result.modules.items()} == {
        "product": 0,
        "shipping": 0,
        "payment": 0,
        "contacts": 0,
    }


def test_empty_terms_name_every_missing_field_per_module():
    assert terms.completion(terms.clean({})).missing == {
        "product": ["lines"],
        "shipping": [
            "incoterm",
            "shipping_method",
            "origin_country",
            "origin_port",
            "destination_country",
            "destination_address",
            "packaging",
            "delivery",
        ],
        "payment": [
            "currency",
            "payment_method",
            "initial_payment_percent",
            "balance_due",
            "payment_deadline_days",
        ],
        "contacts": [
            "buyer_contact_name",
            "buyer_contact_email",
            "buyer_contact_phone",
            "seller_contact_name",
            "seller_contact_email",
            "seller_contact_phone",
        ],
    }


def test_module_percent_is_the_share_of_its_required_fields_filled():
    result = terms.completion(_clean(incoterm="", packaging=""))

    # No Incoterm: the shipping fee is not required yet, so 6 of 8.
    assert result.modules["shipping"].percent == 75
    assert result.modules["shipping"].missing == ["incoterm", "packaging"]
    assert result.modules["payment"].percent == 100


def test_overall_percent_counts_fields_across_modules():
    # 4 line fields + 9 shipping + 5 payment + 6 contacts = 24; two missing.
    result = terms.completion(_clean(incoterm="", buyer_contact_phone=""))

    assert result.percent == 22 * 100 // 24


def test_missing_line_fields_are_named_by_line_index():
    lines = [_line(), _line(key=KEY_B, unit_price="", unit="")]

    result = terms.completion(_clean(lines=lines))

    assert result.missing == {"product": ["lines.1.unit", "lines.1.unit_price"]}
    assert result.modules["product"].percent == 75


def test_percent_is_floored_so_100_means_nothing_is_missing():
    lines = [_line(key=str(uuid.uuid4())) for _ in range(50)]
    lines[-1]["unit_price"] = ""

    result = terms.completion(_clean(lines=lines))

    assert (result.percent, result.complete) == (99, False)


def test_delivery_may_be_given_as_a_lead_time():
    result = terms.completion(_clean(delivery_lead_days=45, delivery_date=None))

    assert "shipping" not in result.missing


def test_delivery_may_be_given_as_a_date():
    result = terms.completion(_clean(delivery_lead_days=None, delivery_date="2030-09-01"))

    assert "shipping" not in result.missing


def test_delivery_is_missing_without_lead_time_or_date():
    result = terms.completion(_clean(delivery_lead_days=None, delivery_date=None))

    assert result.missing == {"shipping": ["delivery"]}


def test_balance_due_is_not_required_when_everything_is_paid_up_front():
    result = terms.completion(_clean(initial_payment_percent=100, balance_due=""))

    assert result.complete
    assert result.modules["payment"].required == 4


def test_balance_due_is_required_with_a_partial_initial_payment():
    result = terms.completion(_clean(initial_payment_percent=30, balance_due=""))

    assert result.missing == {"payment": ["balance_due"]}


@pytest.mark.parametrize("event", ["after_shipment", "after_delivery"])
def test_a_balance_due_after_shipment_or_delivery_needs_its_number_of_days(event):
    result = terms.completion(_clean(balance_due=event, balance_due_days=None))

    assert result.missing == {"payment": ["balance_due_days"]}
    assert terms.completion(_clean(balance_due=event, balance_due_days=30)).complete


def test_a_balance_before_shipment_drops_a_number_of_days():
    cleaned = _clean(balance_due="before_shipment", balance_due_days=30)

    assert cleaned["balance_due_days"] is None
    assert terms.completion(cleaned).complete


def test_the_number_of_days_of_the_balance_is_at_most_a_year():
    assert list(_errors({"balance_due": "after_delivery", "balance_due_days": "400"})) == [
        "balance_due_days"
    ]


def test_documents_without_a_balance_day_count_leave_it_out_so_old_seals_still_hold():
    document = terms.canonical(_clean())

    assert "balance_due_days" not in document["payment"]
    after = terms.canonical(_clean(balance_due="after_delivery", balance_due_days=30))
    assert after["payment"]["balance_due_days"] == 30


def test_completion_as_dict_gives_percent_and_missing_per_module():
    result = terms.completion(_clean(incoterm="")).as_dict()

    assert result["complete"] is False
    # 7 of 8: without an Incoterm the shipping fee is not required yet.
    assert result["modules"]["shipping"] == {"percent": 87, "missing": ["incoterm"]}
    assert result["modules"]["product"] == {"percent": 100, "missing": []}


# --- Totals and rounding ------------------------------------------------------------------


def test_totals_are_goods_plus_shipping_fee():
    result = terms.totals(_clean())

    assert (result.currency, result.goods_total, result.shipping_fee, result.total) == (
        "USD",
        Decimal("4800.00"),
        Decimal("350.00"),
        Decimal("5150.00"),
    )


def test_totals_are_decimals_rounded_to_cents_in_usd():
    result = terms.totals(_clean())

    assert all(isinstance(v, Decimal) for v in (result.goods_total, result.total))
    assert result.total.as_tuple().exponent == -2


def test_a_line_total_is_rounded_half_up_to_the_minor_unit():
    line = _line(quantity="3", unit_price="0.335")  # 1.005: float arithmetic gives 1.00

    assert terms.line_total(terms.clean({"lines": [line]})["lines"][0], "USD") == Decimal("1.01")


def test_yen_totals_have_no_minor_unit():
    cleaned = _clean(lines=[_line(quantity="3", unit_price="333.5")], currency="JPY")
    cleaned["shipping_fee"] = Decimal("1500.4")

    result = terms.totals(cleaned)

    assert (result.goods_total, result.shipping_fee, result.total) == (
        Decimal("1001"),
        Decimal("1500"),
        Decimal("2501"),
    )


def test_goods_total_is_the_sum_of_the_rounded_line_totals():
    lines = [
        _line(quantity="1", unit_price="0.005"),
        _line(KEY_B, quantity="1", unit_price="0.005"),
    ]

    assert terms.totals(_clean(lines=lines)).goods_total == Decimal("0.02")


def test_totals_are_unknown_without_a_currency():
    result = terms.totals(_clean(currency=""))

    assert (result.goods_total, result.shipping_fee, result.total) == (None, None, None)


def test_goods_total_is_unknown_while_a_unit_price_is_missing():
    result = terms.totals(_clean(lines=[_line(), _line(KEY_B, unit_price="")]))

    assert (result.goods_total, result.total) == (None, None)


def test_total_is_unknown_without_a_shipping_fee_when_the_seller_pays_carriage():
    result = terms.totals(_clean(incoterm="CIF", shipping_fee=""))

    assert (result.goods_total, result.total) == (Decimal("4800.00"), None)


def test_total_is_the_goods_without_a_shipping_fee_when_the_buyer_pays_carriage():
    result = terms.totals(_clean(incoterm="FOB", shipping_fee=""))

    assert (result.goods_total, result.total) == (Decimal("4800.00"), Decimal("4800.00"))


@pytest.mark.parametrize("incoterm", ["EXW", "FCA", "FAS", "FOB"])
def test_a_buyer_carriage_incoterm_needs_no_shipping_fee(incoterm):
    result = terms.completion(_clean(incoterm=incoterm, shipping_fee=""))

    assert result.complete


@pytest.mark.parametrize("incoterm", ["CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"])
def test_a_seller_carriage_incoterm_needs_the_shipping_fee(incoterm):
    result = terms.completion(_clean(incoterm=incoterm, shipping_fee=""))

    assert result.missing == {"shipping": ["shipping_fee"]}


def test_without_an_incoterm_only_the_incoterm_is_missing_not_the_fee():
    result = terms.completion(_clean(incoterm="", shipping_fee=""))

    assert result.missing["shipping"] == ["incoterm"]


def test_without_an_incoterm_the_total_waits_for_the_fee():
    result = terms.totals(_clean(incoterm="", shipping_fee=""))

    assert result.total is None


def test_a_float_unit_price_is_read_from_its_repr_not_its_binary_value():
    cleaned = terms.clean({"lines": [_line(quantity=3, unit_price=0.335)]})

    assert cleaned["lines"][0]["unit_price"] == Decimal("0.335")
    assert terms.line_total(cleaned["lines"][0], "USD") == Decimal("1.01")


def test_a_float_shipping_fee_is_read_from_its_repr():
    assert terms.clean({"shipping_fee": 350.1})["shipping_fee"] == Decimal("350.1")


# --- Cleaning -----------------------------------------------------------------------------


def test_clean_converts_strings_to_typed_values():
    cleaned = _clean(initial_payment_percent="30", delivery_lead_days="45")

    assert cleaned["initial_payment_percent"] == 30
    assert cleaned["delivery_lead_days"] == 45
    assert cleaned["shipping_fee"] == Decimal("350.00")
    assert cleaned["lines"][0]["quantity"] == Decimal("1000")


def test_clean_strips_text_and_turns_blanks_into_empty_values():
    cleaned = terms.clean({"packaging": "  Cartons  ", "shipping_fee": " ", "incoterm": ""})

    assert (cleaned["packaging"], cleaned["shipping_fee"], cleaned["incoterm"]) == (
        "Cartons",
        None,
        "",
    )


def test_clean_gives_a_new_key_to_a_line_without_one():
    line = _line()
    del line["key"]

    key = terms.clean({"lines": [line]})["lines"][0]["key"]

    assert str(uuid.UUID(key)) == key


def test_clean_keeps_a_given_line_key():
    assert terms.clean({"lines": [_line()]})["lines"][0]["key"] == KEY_A


@pytest.mark.parametrize("quantity", ["0", "-5"])
def test_a_line_quantity_must_be_positive(quantity):
    errors = _errors({"lines": [_line(quantity=quantity)]})

    assert list(errors["lines"][0]) == ["quantity"]


def test_a_unit_price_of_zero_is_refused():
    errors = _errors({"lines": [_line(unit_price="0")]})

    assert list(errors["lines"][0]) == ["unit_price"]


def test_a_quantity_that_is_not_a_number_is_refused():
    errors = _errors({"lines": [_line(quantity="many")]})

    assert list(errors["lines"][0]) == ["quantity"]


def test_a_negative_shipping_fee_is_refused():
    assert list(_errors({"shipping_fee": "-0.01"})) == ["shipping_fee"]


def test_a_zero_shipping_fee_is_allowed():
    assert terms.clean({"shipping_fee": "0"})["shipping_fee"] == Decimal("0")


@pytest.mark.parametrize(
    "currency", ["XYZ", "usd", "DEM"], ids=["unknown", "lowercase", "historic"]
)
def test_a_currency_must_be_an_iso_4217_code_in_use(currency):
    assert list(_errors({"currency": currency})) == ["currency"]


@pytest.mark.parametrize("incoterm", ["XYZ", "FOBB", "DAT"], ids=["unknown", "too_long", "2010"])
def test_an_incoterm_must_be_one_of_the_eleven_2020_rules(incoterm):
    assert list(_errors({"incoterm": incoterm})) == ["incoterm"]


@pytest.mark.parametrize("percent", ["101", "-1"])
def test_the_initial_payment_percent_must_be_between_0_and_100(percent):
    assert list(_errors({"initial_payment_percent": percent})) == ["initial_payment_percent"]


@pytest.mark.parametrize(
    ("name", "length"),
    [("packaging", 501), ("origin_port", 201), ("destination_address", 501)],
)
def test_oversized_order_text_is_refused(name, length):
    assert list(_errors({name: "x" * length})) == [name]


def test_an_oversized_line_name_is_refused():
    errors = _errors({"lines": [_line(name="x" * 201)]})

    assert list(errors["lines"][0]) == ["name"]


def test_an_oversized_line_specification_is_refused():
    errors = _errors({"lines": [_line(specification="x" * 2001)]})

    assert list(errors["lines"][0]) == ["specification"]


def test_a_specification_of_the_maximum_length_is_accepted():
    cleaned = terms.clean({"lines": [_line(specification="x" * 2000)]})

    assert len(cleaned["lines"][0]["specification"]) == 2000


@pytest.mark.parametrize("name", ["origin_country", "destination_country"])
def test_a_country_must_be_an_iso_code(name):
    assert list(_errors({name: "XX"})) == [name]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("shipping_method", "teleport"),
        ("payment_method", "barter"),
        ("balance_due", "never"),
        ("buyer_contact_email", "not-an-email"),
        ("delivery_date", "31/12/2030"),
        ("payment_deadline_days", "soon"),
    ],
)
def test_a_bad_value_gives_an_error_on_its_field(name, value):
    assert list(_errors({name: value})) == [name]


def test_an_unknown_unit_is_refused():
    errors = _errors({"lines": [_line(unit="bushel")]})

    assert list(errors["lines"][0]) == ["unit"]


def test_a_product_id_must_be_a_whole_number():
    errors = _errors({"lines": [_line(product_id="abc")]})

    assert errors["lines"][0] == {"product_id": ["Enter a whole number."]}


def test_two_lines_with_the_same_key_are_refused():
    errors = _errors({"lines": [_line(), _line(name="Lid")]})

    assert errors["lines"] == [{}, {"key": ["Two lines have the same key."]}]


def test_a_malformed_line_key_is_refused():
    errors = _errors({"lines": [_line(key="not-a-uuid")]})

    assert errors["lines"][0] == {"key": ["Not a valid line key."]}


def test_more_than_50_lines_are_refused():
    errors = _errors({"lines": [_line(key=str(uuid.uuid4())) for _ in range(51)]})

    assert errors["lines"] == ["At most 50 lines."]


def test_50_lines_are_accepted():
    lines = [_line(key=str(uuid.uuid4())) for _ in range(50)]

    assert len(terms.clean({"lines": lines})["lines"]) == 50


def test_lines_must_be_a_list():
    assert _errors({"lines": "one bottle"}) == {"lines": ["Expected a list of lines."]}


def test_a_line_must_be_an_object():
    assert _errors({"lines": ["bottle"]}) == {
        "lines": [{"non_field_errors": ["Expected an object."]}]
    }


def test_errors_of_several_fields_are_reported_together():
    errors = _errors({"currency": "XYZ", "incoterm": "XYZ", "lines": [_line(quantity="0")]})

    assert set(errors) == {"currency", "incoterm", "lines"}


def test_errors_are_plain_json():
    errors = _errors({"currency": "XYZ", "lines": [_line(quantity="0"), "x"]})

    assert json.loads(json.dumps(errors)) == errors


# --- Canonical form and digest ------------------------------------------------------------


def test_canonical_form_is_the_same_whatever_the_order_of_the_input():
    values = complete_values(lines=[_line()])
    reversed_values = dict(reversed(list(values.items())))
    reversed_values["lines"] = [dict(reversed(list(_line().items())))]

    a = terms.canonical(terms.clean(values))
    b = terms.canonical(terms.clean(reversed_values))

    assert terms.digest(a) == terms.digest(b)


def test_canonical_form_ignores_trailing_zeros_of_decimals():
    a = terms.canonical(_clean(lines=[_line(unit_price="4.8")], shipping_fee="350"))
    b = terms.canonical(_clean(lines=[_line(unit_price="4.8000")], shipping_fee="350.00"))

    assert a == b


def test_canonical_form_is_plain_json_without_floats():
    document = terms.canonical(_clean())

    assert json.loads(json.dumps(document)) == document
    assert document["product"]["lines"][0]["unit_price"] == "4.8"
    assert document["totals"] == {
        "currency": "USD",
        "goods_total": "4800",
        "shipping_fee": "350",
        "total": "5150",
    }


def test_canonical_form_of_a_saved_order_equals_that_of_its_cleaned_terms(buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, product=product)
    cleaned = terms.clean(complete_values(order))

    assert terms.canonical(terms.from_order(order)) == terms.canonical(cleaned)


def test_digest_is_a_sha256_hex_string():
    value = terms.digest(terms.canonical(_clean()))

    assert len(value) == 64
    assert int(value, 16) >= 0


def test_different_terms_have_different_digests():
    a = terms.digest(terms.canonical(_clean()))
    b = terms.digest(terms.canonical(_clean(incoterm="CIF")))

    assert a != b


# --- Diff ---------------------------------------------------------------------------------


def _doc(**overrides) -> dict:
    return terms.canonical(_clean(**overrides))


def test_identical_terms_have_no_changes():
    assert terms.diff(_doc(), _doc()) == []


def test_diff_reports_a_changed_field_with_its_module_and_values():
    assert terms.diff(_doc(), _doc(incoterm="CIF")) == [
        {
            "module": "shipping",
            "field": "incoterm",
            "change": "changed",
            "before": "FOB",
            "after": "CIF",
        }
    ]


def test_diff_reports_a_changed_line_field_by_the_lines_key():
    changes = terms.diff(_doc(), _doc(lines=[_line(unit_price="4.50")]))

    price = next(c for c in changes if c["field"] == "unit_price")
    assert price == {
        "module": "product",
        "field": "unit_price",
        "change": "changed",
        "line_key": KEY_A,
        "line": "Stainless steel water bottle",
        "before": "4.8",
        "after": "4.5",
    }


def test_diff_reports_the_totals_that_follow_a_line_change():
    changes = terms.diff(_doc(), _doc(lines=[_line(unit_price="4.50")]))

    assert {(c["module"], c["field"]) for c in changes} == {
        ("product", "unit_price"),
        ("product", "line_total"),
        ("totals", "goods_total"),
        ("totals", "total"),
    }
    total = next(c for c in changes if c["field"] == "total")
    assert (total["before"], total["after"]) == ("5150", "4850")


def test_reordered_lines_are_no_change():
    before = _doc(lines=[_line(), _line(KEY_B, name="Lid")])
    after = _doc(lines=[_line(KEY_B, name="Lid"), _line()])

    assert terms.diff(before, after) == []


def test_diff_reports_an_added_line():
    before = _doc()
    after = _doc(lines=[_line(), _line(KEY_B, name="Lid", quantity="1", unit_price="1")])

    added = [c for c in terms.diff(before, after) if c["module"] == "product"]
    assert len(added) == 1
    assert (added[0]["change"], added[0]["line_key"], added[0]["line"], added[0]["before"]) == (
        "added",
        KEY_B,
        "Lid",
        None,
    )
    assert added[0]["after"]["quantity"] == "1"


def test_diff_reports_a_removed_line():
    before = _doc(lines=[_line(), _line(KEY_B, name="Lid", quantity="1", unit_price="1")])
    after = _doc()

    removed = [c for c in terms.diff(before, after) if c["module"] == "product"]
    assert [(c["change"], c["line_key"], c["after"]) for c in removed] == [("removed", KEY_B, None)]
    assert removed[0]["before"]["name"] == "Lid"


def test_a_line_with_a_new_key_is_a_removal_and_an_addition():
    changes = terms.diff(_doc(), _doc(lines=[_line(KEY_B)]))

    assert sorted(c["change"] for c in changes if c["module"] == "product") == [
        "added",
        "removed",
    ]


def _keys_reversed(document):
    if isinstance(document, dict):
        return {k: _keys_reversed(document[k]) for k in reversed(list(document))}
    if isinstance(document, list):
        return [_keys_reversed(item) for item in document]
    return document


def test_diff_lists_changes_in_field_order_whatever_the_documents_key_order():
    # PostgreSQL's jsonb hands stored revisions back with their keys reordered.
    before, after = _doc(), _doc(incoterm="CIF", shipping_fee="300", currency="EUR")

    reordered = terms.diff(_keys_reversed(before), _keys_reversed(after))

    assert reordered == terms.diff(before, after)
    assert [(c["module"], c["field"]) for c in reordered] == [
        ("shipping", "incoterm"),
        ("shipping", "shipping_fee"),
        ("payment", "currency"),
        ("totals", "currency"),
        ("totals", "shipping_fee"),
        ("totals", "total"),
    ]


def test_diff_does_not_change_its_inputs():
    before, after = _doc(), _doc(incoterm="CIF")
    copies = copy.deepcopy((before, after))

    terms.diff(before, after)

    assert (before, after) == copies


def test_changed_field_labels_name_each_changed_field_once_without_totals():
    changes = terms.diff(
        _doc(), _doc(incoterm="CIF", lines=[_line(unit_price="4.50", quantity="900")])
    )

    assert terms.changed_field_labels(changes) == ["quantity", "unit price", "Incoterm"]


def test_changed_field_labels_name_added_and_removed_lines():
    before = _doc(lines=[_line()])
    after = _doc(lines=[_line(KEY_B)])

    assert sorted(terms.changed_field_labels(terms.diff(before, after))) == [
        "added line",
        "removed line",
    ]


def test_label_falls_back_to_the_field_name_in_words():
    assert (terms.label("delivery"), terms.label("some_new_field")) == (
        "delivery (lead time or date)",
        "some new field",
    )
