"""Bad input anywhere gets a 400 with a reason, and every error under /api/ is JSON."""

import pytest
from django.test import Client
from rest_framework.exceptions import Throttled

from common.api import exception_handler
from notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/rfqs/?q=%00",
        "/api/v1/negotiations/?counterpart=%00",
        "/api/v1/orders/?status=draft&x%00=1",
    ],
)
def test_a_nul_byte_in_an_api_query_string_is_a_400_field_error(buyer, api_as, url):
    response = api_as(buyer).get(url)

    assert response.status_code == 400
    assert list(response.json().values()) == [["Null characters are not allowed."]]


@pytest.mark.parametrize("url", ["/negotiations/?q=%00", "/negotiations/?country=%00"])
def test_a_nul_byte_in_a_page_query_string_is_a_400(buyer, client, url):
    client.force_login(buyer)

    response = client.get(url)

    assert response.status_code == 400
    assert b"Null characters are not allowed." in response.content


def test_a_nul_byte_in_a_form_post_is_a_400_and_changes_nothing(buyer, client):
    client.force_login(buyer)

    response = client.post("/notifications/settings/", {"email": "a\x00b"})

    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_nul_byte_in_a_json_body_is_a_field_error(buyer, api_as):
    response = api_as(buyer).post(
        "/api/v1/inquiries/", {"subject": "a\x00b", "message": "hello"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"subject": ["Null characters are not allowed."]}


def test_deeply_nested_json_is_a_400_json_error_not_a_recursion_error(buyer, api_as):
    response = api_as(buyer).generic(
        "POST", "/api/v1/orders/start/", "[" * 100_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested too deeply" in response.json()["detail"]


def test_json_nested_deeper_than_the_limit_is_refused_even_when_python_could_parse_it(
    buyer, api_as
):
    body = '{"lines": ' + "[" * 40 + "]" * 40 + "}"

    response = api_as(buyer).generic(
        "POST", "/api/v1/orders/start/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_json_body_over_the_limit_is_a_json_413_naming_the_limit(buyer, api_as, settings):
    body = '{"subject": "' + "x" * (3 * 1024 * 1024) + '"}'

    response = api_as(buyer).generic(
        "POST", "/api/v1/inquiries/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}" in response.json()["detail"]


def test_an_oversize_form_body_is_a_json_413_too(buyer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(buyer)

    response = client.post("/api/v1/rfqs/", {"requirements": "x" * 5000})

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_an_unknown_api_path_is_a_json_404(buyer, api_as):
    response = api_as(buyer).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_an_unknown_page_is_still_an_html_404(buyer, client):
    client.force_login(buyer)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_json_405_with_a_code(buyer, api_as):
    response = api_as(buyer).delete("/api/v1/orders/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["detail"]


def test_an_unsupported_media_type_is_a_json_415_with_a_code(buyer, api_as):
    response = api_as(buyer).generic(
        "POST", "/api/v1/orders/start/", "<xml/>", content_type="application/xml"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_anonymous_calls_get_a_401_with_a_code(api_client):
    response = api_client.get("/api/v1/orders/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_throttled_call_is_a_429_with_a_code():
    response = exception_handler(Throttled(wait=5), {})

    assert response.status_code == 429
    assert response.data["code"] == "throttled"
    assert "5 seconds" in response.data["detail"]


def test_a_server_error_under_api_is_a_json_500(buyer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("orders.selectors.orders_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(buyer)

    response = client.get("/api/v1/orders/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()


def test_a_page_number_that_is_not_a_number_is_a_400(buyer, api_as):
    response = api_as(buyer).get("/api/v1/inquiries/?page=null")

    assert response.status_code == 400
    assert "page" in response.json()


def test_a_multipart_body_without_a_boundary_is_a_400(buyer, api_as):
    response = api_as(buyer).generic(
        "POST", "/api/v1/rfqs/1/close/", b"x", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_field_sent_twice_in_a_multipart_body_is_a_400_and_changes_nothing(buyer, api_as):
    from chat.models import Message
    from inquiries.tests.factories import NegotiationFactory

    negotiation = NegotiationFactory(buyer_company=buyer.company)
    response = api_as(buyer).post(
        f"/api/v1/negotiations/{negotiation.pk}/messages/",
        {"body": ["first", "second"]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"body": ["Send this field once."]}
    assert not Message.objects.filter(negotiation=negotiation, kind="text").exists()
