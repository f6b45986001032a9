"""Start Order, revision history and the printable View Order."""

import pytest
from django.urls import reverse

from inquiries.models import Negotiation
from orders.models import Order, OrderStatus
from orders.services import order_modify
from orders.tests.factories import complete_values, make_order
from orders.tests.test_views_actions import form_data

pytestmark = pytest.mark.django_db


def start_data(product, quantity="600", **overrides) -> dict:
    values = complete_values(**overrides)
    values["lines"] = [
        {"key": "", "product_id": product.pk, "name": product.name, "quantity": quantity}
    ]
    data = form_data(values, 0)
    del data["version"]
    return data


def test_start_order_is_prefilled_from_the_product_and_the_buyer(client, buyer, product):
    client.force_login(buyer)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()

    assert 'name="lines-0-quantity" value="100"' in page
    assert f'data-quote-url="{reverse("catalog:price_quote", args=[product.pk])}"' in page
    assert '<option value="USD" selected>' in page
    assert 'value="buyer@example.com"' in page


def test_start_order_creates_the_buyers_confirmation_at_the_tier_price(client, buyer, product):
    client.force_login(buyer)

    response = client.post(reverse("orders:start", args=[product.pk]), start_data(product))

    order = Order.objects.get()
    assert order.status == OrderStatus.BUYER_CONFIRMED
    assert str(order.lines.get().unit_price) == "4.8000"
    assert response["Location"] == reverse("inquiries:workspace", args=[order.negotiation_id])


def test_start_order_under_the_moq_is_refused_with_the_moq_shown(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:start", args=[product.pk]), start_data(product, quantity="50")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="f-lines-0-quantity-errors"' in page
    assert "The minimum order quantity is 100 pieces." in page
    assert 'name="lines-0-quantity" value="50"' in page
    assert not Negotiation.objects.exists()


def test_an_incomplete_start_order_lists_the_missing_fields(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:start", args=[product.pk]), start_data(product, incoterm="")
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#f-incoterm">Shipping: Incoterm</a>' in page
    assert not Order.objects.exists()


def test_an_incomplete_start_order_does_not_ask_for_the_tier_price(client, buyer, product):
    client.force_login(buyer)

    response = client.post(
        reverse("orders:start", args=[product.pk]), start_data(product, incoterm="")
    )

    page = response.content.decode()
    assert "Shipping: Incoterm</a>" in page
    assert "line 1: unit price</a>" not in page


def test_sellers_cannot_start_orders(client, other_seller, product):
    client.force_login(other_seller)

    page = client.get(reverse("orders:start", args=[product.pk])).content.decode()

    assert "Only buyers can start orders." in page


def test_start_order_for_an_unknown_product_is_404(client, buyer):
    client.force_login(buyer)

    assert client.get(reverse("orders:start", args=[999])).status_code == 404


@pytest.fixture
def modified(buyer, seller, product):
    """Seller confirmed v3; the buyer changed the unit price and confirmed (v4)."""
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    values = complete_values(order)
    values["lines"][0]["unit_price"] = "4.50"
    return order_modify(order_id=order.pk, actor=buyer, version=order.version, values=values)


def test_history_lists_every_version_with_author_and_side(client, seller, modified):
    client.force_login(seller)

    response = client.get(reverse("orders:history", args=[modified.pk]))

    revisions = response.context["revisions"]
    assert [(r.version, r.author_side) for r in revisions] == [(3, "seller"), (4, "buyer")]
    page = response.content.decode()
    assert "Anna" in page and "Li" in page


def test_history_compares_two_versions_side_by_side(client, buyer, modified):
    client.force_login(buyer)

    page = client.get(
        reverse("orders:history", args=[modified.pk]), {"from": 3, "to": 4}
    ).content.decode()

    assert "Version 1 → version 2" in page  # the numbers people see (terms_version)
    assert "<del>$4.80</del>" in page and "<ins>$4.50</ins>" in page


def test_history_shows_the_timeline_in_order(client, seller, modified):
    client.force_login(seller)

    response = client.get(reverse("orders:history", args=[modified.pk]))

    types = [event.type for event in response.context["events"]]
    assert types == ["created", "draft_saved", "confirmed", "modified"]


def test_comparing_an_unknown_version_is_404(client, seller, modified):
    client.force_login(seller)

    response = client.get(reverse("orders:history", args=[modified.pk]), {"from": 1, "to": 99})

    assert response.status_code == 404


def test_view_order_shows_parties_lines_totals_terms_and_the_seal(client, buyer, seller):
    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    client.force_login(buyer)

    page = client.get(reverse("orders:view", args=[order.pk])).content.decode()

    assert "Ningbo Bright Housewares Co" in page and "Hanse Trading GmbH" in page
    assert "$4,800.00" in page and "$350.00" in page and "$5,150.00" in page
    assert "FOB – Free on Board" in page
    assert order.agreed_digest in page
    assert "match the seal" in page
    assert "Both parties confirmed" in page


@pytest.mark.parametrize("name", ["view", "history"])
@pytest.mark.parametrize("persona", ["other_buyer", "other_seller"])
def test_outsiders_get_404_on_order_pages(client, request, modified, name, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse(f"orders:{name}", args=[modified.pk])).status_code == 404


@pytest.mark.parametrize("name", ["view", "history"])
def test_anonymous_visitors_are_sent_to_log_in_from_order_pages(client, modified, name):
    response = client.get(reverse(f"orders:{name}", args=[modified.pk]))

    assert response.status_code == 302


@pytest.mark.parametrize("rounds", [1, 5])
def test_view_order_and_history_run_a_constant_number_of_queries(
    client, buyer, seller, product, django_assert_num_queries, rounds
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    for round_ in range(rounds):
        order.refresh_from_db()
        actor = buyer if order.waiting_for == "buyer" else seller
        values = complete_values(order, packaging=f"Cartons {round_}")
        values["lines"].append(
            {"name": f"Extra {round_}", "quantity": "1", "unit": "piece", "unit_price": "1"}
        )
        order = order_modify(order_id=order.pk, actor=actor, version=order.version, values=values)
    client.force_login(seller)
    client.get(reverse("orders:view", args=[order.pk]))

    # session, user, company, order, lines, revisions, events, and the exchange rates for the
    # total's equivalent in the viewer's currency (issue 15: one query for the whole page)
    with django_assert_num_queries(8):
        client.get(reverse("orders:view", args=[order.pk]))
    # ... plus the order again and the two compared revisions (revision_diff_for_user)
    with django_assert_num_queries(10):
        client.get(reverse("orders:history", args=[order.pk]))


def test_the_change_table_formats_amounts_as_money_everywhere_else_is():
    from orders.forms import change_rows

    rows = change_rows(
        [
            {
                "module": "totals",
                "field": "total",
                "change": "changed",
                "before": "4950",
                "after": "12345.5",
            }
        ],
        currency="USD",
    )

    assert (rows[0]["before"], rows[0]["after"]) == ("$4,950.00", "$12,345.50")


def test_read_only_terms_show_quantities_and_amounts_formatted_with_their_change():
    from orders.forms import module_sections

    values = {
        "currency": "USD",
        "lines": [{"key": "k1", "name": "Mug", "quantity": "8000", "unit_price": "1.10"}],
    }
    changes = [
        {
            "module": "product",
            "field": "unit_price",
            "change": "changed",
            "line_key": "k1",
            "line": "Mug",
            "before": "1.2",
            "after": "1.1",
        }
    ]

    line = module_sections(values, {}, changes)[0]["lines"][0]
    fields = {f["name"].rsplit("-", 1)[-1]: f for f in line["fields"]}

    assert fields["quantity"]["display"] == "8,000"
    assert fields["unit_price"]["display"] == "$1.10"
    assert (
        fields["unit_price"]["changed"]["before"],
        fields["unit_price"]["changed"]["after"],
    ) == (
        "$1.20",
        "$1.10",
    )
