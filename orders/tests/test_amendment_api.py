"""Amendments in the REST API: propose, list, accept, reject, withdraw, conflicts, access."""

import pytest

from orders import amendments
from orders.models import Amendment, Order, OrderStatus
from orders.tests.factories import complete_values, make_order

S = OrderStatus


@pytest.fixture
def agreed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)


def _url(order, amendment=None, action=""):
    url = f"/api/v1/orders/{order.pk}/amendments/"
    if amendment is not None:
        url += f"{amendment.pk}/"
    return url + (f"{action}/" if action else "")


def _propose_body(order, **extra):
    lines = complete_values(order)["lines"]
    lines[0]["quantity"] = "1200"
    return {"version": order.version, "reason": "More bottles", "lines": lines, **extra}


def _proposed(order, seller) -> Amendment:
    return amendments.amendment_propose(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        values=_propose_body(order),
        reason="More",
    )


def test_a_party_proposes_and_the_other_side_sees_what_it_may_do(api_as, agreed, buyer, seller):
    response = api_as(seller).post(_url(agreed), _propose_body(agreed), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "open"
    assert body["allowed_actions"] == ["withdraw_amendment"]
    assert (body["previous_total"], body["total"], body["currency"]) == (
        "5150.00",
        "6110.00",
        "USD",
    )
    assert any(c["field"] == "quantity" for c in body["changes"])
    listed = api_as(buyer).get(_url(agreed)).json()["results"]
    assert [a["id"] for a in listed] == [body["id"]]
    assert listed[0]["allowed_actions"] == ["accept_amendment", "reject_amendment"]


def test_accepting_through_the_api_gives_the_order_a_new_seal(api_as, agreed, buyer, seller):
    amendment_id = (
        api_as(seller).post(_url(agreed), _propose_body(agreed), format="json").json()["id"]
    )
    amendment = Amendment.objects.get(pk=amendment_id)

    response = api_as(buyer).post(
        _url(agreed, amendment, "accept"), {"version": agreed.version + 1}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "accepted"
    assert body["previous_digest"] == agreed.agreed_digest
    order = api_as(buyer).get(f"/api/v1/orders/{agreed.pk}/").json()
    assert order["seal"]["valid"] is True
    assert order["version"] == body["agreed_version"]
    old = api_as(buyer).get(
        f"/api/v1/orders/{agreed.pk}/revisions/{body['previous_agreed_version']}/"
    )
    assert old.json()["digest"] == body["previous_digest"]


def test_a_stale_answer_is_a_conflict_with_the_current_version(api_as, agreed, buyer, seller):
    amendment = _proposed(agreed, seller)

    response = api_as(buyer).post(
        _url(agreed, amendment, "reject"), {"version": agreed.version}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == agreed.version + 1
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_the_proposer_answering_is_forbidden(api_as, agreed, seller):
    amendment = _proposed(agreed, seller)

    response = api_as(seller).post(
        _url(agreed, amendment, "accept"), {"version": agreed.version + 1}, format="json"
    )

    assert response.status_code == 403


def test_the_proposer_withdraws_through_the_api(api_as, agreed, seller):
    amendment = _proposed(agreed, seller)

    response = api_as(seller).post(
        _url(agreed, amendment, "withdraw"), {"version": agreed.version + 1}, format="json"
    )

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")


def test_a_proposal_with_bad_input_gets_field_errors(api_as, agreed, seller):
    body = _propose_body(agreed, reason="")
    body["lines"][0]["quantity"] = "-1"

    response = api_as(seller).post(_url(agreed), body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert not Amendment.objects.exists()


def test_outsiders_get_404_on_every_amendment_endpoint(api_as, agreed, seller, other_buyer):
    amendment = _proposed(agreed, seller)
    client = api_as(other_buyer)

    assert client.get(_url(agreed)).status_code == 404
    assert client.get(_url(agreed, amendment)).status_code == 404
    assert client.post(_url(agreed), _propose_body(agreed), format="json").status_code == 404
    for action in ("accept", "reject", "withdraw"):
        response = client.post(
            _url(agreed, amendment, action), {"version": agreed.version + 1}, format="json"
        )
        assert response.status_code == 404
    assert Order.objects.get(pk=agreed.pk).version == agreed.version + 1


def _propose_and_reject(order, buyer, seller, fee: str) -> None:
    version = Order.objects.get(pk=order.pk).version
    amendment = amendments.amendment_propose(
        order_id=order.pk,
        actor=seller,
        version=version,
        values={"shipping_fee": fee},
        reason="Fuel",
    )
    amendments.amendment_reject(
        order_id=order.pk, amendment_id=amendment.pk, actor=buyer, version=version + 1
    )


def test_the_amendment_list_costs_the_same_however_many_amendments(
    api_as, agreed, buyer, seller, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(buyer)
    _propose_and_reject(agreed, buyer, seller, "360.00")
    client.get(_url(agreed))
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(agreed)).json()["count"] == 1
    for n in range(4):
        _propose_and_reject(agreed, buyer, seller, f"{370 + n}.00")

    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(_url(agreed)).json()["count"] == 5


def test_options_on_the_amendment_list_describes_it_to_a_party(api_as, agreed, seller):
    assert api_as(seller).options(_url(agreed)).status_code == 200


def test_options_on_the_amendment_list_is_404_for_an_outsider(api_as, agreed, other_buyer):
    assert api_as(other_buyer).options(_url(agreed)).status_code == 404
