"""The OpenAPI schema tells the truth about what the API answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from notifications.models import Kind


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema, name):
    return schema["components"]["schemas"][name]


def _operation(schema, path, method):
    return schema["paths"][path][method]


def _resolve(schema, ref_holder):
    return _component(schema, ref_holder["$ref"].rsplit("/", 1)[1])


def test_product_name_of_a_negotiation_may_be_null(schema):
    assert _component(schema, "Negotiation")["properties"]["product_name"]["nullable"] is True


def test_chat_messages_are_documented_as_the_page_they_are(schema):
    response = _operation(schema, "/api/v1/negotiations/{negotiation_id}/messages/", "get")
    page = _resolve(schema, response["responses"]["200"]["content"]["application/json"]["schema"])

    assert set(page["required"]) == {"results", "has_more", "next_after_id"}


def test_posting_a_chat_message_documents_201_new_and_200_repeated(schema):
    responses = _operation(schema, "/api/v1/negotiations/{negotiation_id}/messages/", "post")[
        "responses"
    ]

    assert {"200", "201", "429"} <= set(responses)


def test_the_notification_kind_enum_lists_every_kind(schema):
    kind = _component(schema, "Notification")["properties"]["kind"]
    enum = _resolve(schema, kind["allOf"][0] if "allOf" in kind else kind)["enum"]

    assert set(enum) == set(Kind.values)
    assert "rfq_quotation_outcome" in enum


def test_an_order_always_carries_its_status_and_version(schema):
    assert {"status", "version"} <= set(_component(schema, "Order")["required"])
    assert {"status", "version"} <= set(_component(schema, "OrderList")["required"])


def test_every_api_operation_documents_bad_input_and_not_found(schema):
    undocumented = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if not {"400", "404"} <= set(operation["responses"])
    ]

    assert undocumented == []


def test_order_writes_document_conflicts(schema):
    for action in ("modify", "confirm", "cancel"):
        operation = _operation(schema, f"/api/v1/orders/{{order_id}}/{action}/", "post")
        assert "409" in operation["responses"]


def test_the_payment_idempotency_key_is_documented_required(schema):
    body = _component(schema, "PaymentInputRequest")

    assert "idempotency_key" in body["required"]


def test_orders_can_be_filtered_by_status(schema):
    parameters = _operation(schema, "/api/v1/orders/", "get")["parameters"]

    assert "status" in {parameter["name"] for parameter in parameters}


def test_day_counts_are_bounded_in_the_schema(schema):
    properties = _component(schema, "ModifyInputRequest")["properties"]

    assert properties["payment_deadline_days"]["maximum"] == 365
    assert properties["delivery_lead_days"]["maximum"] == 730


def test_money_is_documented_as_a_string_at_the_minor_unit(schema):
    amount = _component(schema, "Payment")["properties"]["amount"]

    assert amount["type"] == "string"
    assert "minor unit" in amount["description"]


def test_an_events_actor_may_be_null_for_what_the_system_did(schema):
    assert schema["components"]["schemas"]["Event"]["properties"]["actor"]["nullable"] is True


def test_a_sales_contact_email_is_documented_as_an_address_or_empty(schema):
    email = _component(schema, "SalesContactRequest")["properties"]["sales_contact_email"]

    assert {"type": "string", "maxLength": 0} in email["anyOf"]
    assert {"type": "string", "format": "email", "maxLength": 254} in email["anyOf"]


def test_no_operation_documents_its_field_errors_as_a_code_and_detail(schema):
    wrong = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("responses", {})
        .get("400", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
        .endswith("/Error")
    ]
    assert wrong == []
