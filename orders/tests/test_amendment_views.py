"""The amendment pages: the proposal form, the panel on the workspace, the answers."""

import pytest

from orders import amendments
from orders.models import Amendment, Order, OrderStatus
from orders.tests.factories import make_order

S = OrderStatus


@pytest.fixture
def agreed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)


def _form(order, **changes) -> dict:
    line = order.lines.get()
    data = {
        "version": order.version,
        "reason": "The buyer needs 200 more",
        "lines-0-key": str(line.key),
        "lines-0-product_id": line.product_id or "",
        "lines-0-name": line.name,
        "lines-0-specification": line.specification,
        "lines-0-quantity": "1200",
        "lines-0-unit": line.unit,
        "lines-0-unit_price": str(line.unit_price),
    }
    data.update(changes)
    return data


def _workspace(order):
    return f"/negotiations/{order.negotiation_id}/"


def _propose(order, seller):
    return amendments.amendment_propose(
        order_id=order.pk,
        actor=seller,
        version=order.version,
        values={"delivery_lead_days": 45},
        reason="Factory holiday",
    )


def test_the_workspace_of_an_agreed_order_offers_to_propose_an_amendment(client, agreed, buyer):
    client.force_login(buyer)

    content = client.get(_workspace(agreed)).content.decode()

    assert f'href="/orders/{agreed.pk}/amend/"' in content


def test_the_proposal_form_is_prefilled_with_the_agreed_terms(client, agreed, seller):
    client.force_login(seller)

    response = client.get(f"/orders/{agreed.pk}/amend/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="lines-0-quantity" value="1000"' in content
    assert f'name="version" value="{agreed.version}"' in content


def test_sending_the_form_proposes_the_changed_lines_only(client, agreed, seller):
    client.force_login(seller)

    response = client.post(f"/orders/{agreed.pk}/amend/", _form(agreed))

    assert response.status_code == 302
    amendment = Amendment.objects.get(order=agreed)
    assert amendment.reason == "The buyer needs 200 more"
    assert [c["field"] for c in amendment.diff if c["module"] == "product"] == [
        "quantity",
        "line_total",
    ]


def test_a_form_without_a_reason_shows_the_error_beside_it_and_proposes_nothing(
    client, agreed, seller
):
    client.force_login(seller)

    response = client.post(f"/orders/{agreed.pk}/amend/", _form(agreed, reason=""))

    assert response.status_code == 400
    assert 'id="amendment-reason-errors"' in response.content.decode()
    assert 'name="lines-0-quantity" value="1200"' in response.content.decode()
    assert not Amendment.objects.exists()


def test_a_stale_form_is_refused_with_the_typed_values_kept(client, agreed, seller):
    client.force_login(seller)

    response = client.post(f"/orders/{agreed.pk}/amend/", _form(agreed, version=agreed.version - 1))

    assert response.status_code == 409
    content = response.content.decode()
    assert "changed since you loaded it" in content
    assert f'name="version" value="{agreed.version}"' in content
    assert not Amendment.objects.exists()


def test_the_other_side_sees_the_proposal_as_a_diff_with_accept_and_reject(
    client, agreed, buyer, seller
):
    amendment = _propose(agreed, seller)
    client.force_login(buyer)

    content = client.get(_workspace(agreed)).content.decode()

    assert "Factory holiday" in content
    assert "amendment-changes" in content
    assert f"/orders/{agreed.pk}/amendments/{amendment.pk}/accept/" in content
    assert f"/orders/{agreed.pk}/amendments/{amendment.pk}/reject/" in content
    assert "/withdraw/" not in content


def test_the_proposer_sees_withdraw_only(client, agreed, seller):
    amendment = _propose(agreed, seller)
    client.force_login(seller)

    content = client.get(_workspace(agreed)).content.decode()

    assert f"/orders/{agreed.pk}/amendments/{amendment.pk}/withdraw/" in content
    assert "/accept/" not in content
    assert f'href="/orders/{agreed.pk}/amend/"' not in content


def test_accepting_on_the_page_makes_the_amended_order_the_agreed_one(
    client, agreed, buyer, seller
):
    amendment = _propose(agreed, seller)
    client.force_login(buyer)

    response = client.post(
        f"/orders/{agreed.pk}/amendments/{amendment.pk}/accept/",
        {"version": agreed.version + 1},
        follow=True,
    )

    assert "Amendment accepted" in response.content.decode()
    assert Order.objects.get(pk=agreed.pk).delivery_lead_days == 45


def test_a_stale_answer_on_the_page_says_so_and_changes_nothing(client, agreed, buyer, seller):
    amendment = _propose(agreed, seller)
    client.force_login(buyer)

    response = client.post(
        f"/orders/{agreed.pk}/amendments/{amendment.pk}/accept/",
        {"version": agreed.version},
        follow=True,
    )

    assert "The order changed since you loaded it" in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_outsiders_get_404_on_the_amendment_pages(client, agreed, seller, other_seller):
    amendment = _propose(agreed, seller)
    client.force_login(other_seller)

    assert client.get(f"/orders/{agreed.pk}/amend/").status_code == 404
    response = client.post(
        f"/orders/{agreed.pk}/amendments/{amendment.pk}/reject/", {"version": agreed.version + 1}
    )
    assert response.status_code == 404
    assert Amendment.objects.get(pk=amendment.pk).state == Amendment.State.OPEN


def test_an_order_not_yet_agreed_has_no_amendment_panel(client, buyer, seller, product):
    order = make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)
    client.force_login(buyer)

    assert 'id="amendment"' not in client.get(_workspace(order)).content.decode()
    assert client.get(f"/orders/{order.pk}/amend/").status_code == 302


def test_the_workspace_costs_the_same_however_many_amendments_the_order_had(
    client, agreed, buyer, seller
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(buyer)
    _propose(agreed, seller)
    client.get(_workspace(agreed))
    with CaptureQueriesContext(connection) as one:
        client.get(_workspace(agreed))
    for fee in ("360.00", "370.00", "380.00"):
        fresh = Order.objects.get(pk=agreed.pk)
        open_one = Amendment.objects.get(order=agreed, state=Amendment.State.OPEN)
        amendments.amendment_withdraw(
            order_id=agreed.pk, amendment_id=open_one.pk, actor=seller, version=fresh.version
        )
        amendments.amendment_propose(
            order_id=agreed.pk,
            actor=seller,
            version=fresh.version + 1,
            values={"shipping_fee": fee},
            reason="Fuel",
        )

    with CaptureQueriesContext(connection) as four:
        client.get(_workspace(agreed))

    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_order_page_shows_the_seal_an_amendment_replaced_as_still_valid(
    client, agreed, buyer, seller
):
    amendment = _propose(agreed, seller)
    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
    )
    client.force_login(buyer)

    content = client.get(f"/orders/{agreed.pk}/").content.decode()

    assert agreed.agreed_digest in content
    assert "Its revision still matches this seal." in content
    assert "The agreed version and the current terms match the seal." in content
