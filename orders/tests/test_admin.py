import pytest

from orders.models import OrderStatus
from orders.tests.factories import make_order


@pytest.fixture
def agreed_order(buyer, seller):
    return make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orders/order/",
        "/admin/orders/order/?status__exact=awaiting_payment&q=Hanse",
        "/admin/orders/revision/",
        "/admin/orders/orderevent/",
        "/admin/orders/offer/",
        "/admin/inquiries/negotiation/",
        "/admin/inquiries/negotiation/?order__status=awaiting_payment",
        "/admin/inquiries/inquiry/",
    ],
)
def test_staff_see_the_negotiation_changelists(client, staff, agreed_order, url):
    client.force_login(staff)

    assert client.get(url).status_code == 200


def test_the_order_admin_page_shows_lines_revisions_and_timeline(client, staff, agreed_order):
    client.force_login(staff)

    response = client.get(f"/admin/orders/order/{agreed_order.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Stainless steel water bottle" in content
    assert agreed_order.agreed_digest in content
    assert "Both parties confirmed" in content


def test_staff_cannot_edit_an_orders_state_in_the_admin(client, staff, agreed_order):
    client.force_login(staff)

    client.post(
        f"/admin/orders/order/{agreed_order.pk}/change/", {"status": "ready_to_ship", "version": 99}
    )

    agreed_order.refresh_from_db()
    assert (agreed_order.status, agreed_order.version) == (OrderStatus.AWAITING_PAYMENT, 4)


def test_staff_cannot_add_orders_in_the_admin(client, staff):
    client.force_login(staff)

    assert client.get("/admin/orders/order/add/").status_code == 403


def test_staff_see_amendments_read_only(client, staff, agreed_order, seller):
    from orders import amendments

    amendment = amendments.amendment_propose(
        order_id=agreed_order.pk,
        actor=seller,
        version=agreed_order.version,
        values={"shipping_fee": "400.00"},
        reason="Freight rates went up",
    )
    client.force_login(staff)

    listing = client.get("/admin/orders/amendment/")
    page = client.get(f"/admin/orders/amendment/{amendment.pk}/change/")
    post = client.post(f"/admin/orders/amendment/{amendment.pk}/change/", {"state": "accepted"})

    assert listing.status_code == page.status_code == 200
    assert "Freight rates went up" in page.content.decode()
    assert post.status_code == 403
    amendment.refresh_from_db()
    assert amendment.state == "open"


def test_staff_see_an_attachment_read_only(client, staff, buyer, seller):
    from chat.tests.factories import pdf_upload
    from orders.attachments import order_attachment_add

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    attachment = order_attachment_add(
        order_id=order.pk, actor=buyer, version=order.version, file=pdf_upload()
    )
    client.force_login(staff)

    listing = client.get("/admin/orders/orderattachment/").content.decode()
    detail = client.get(f"/admin/orders/orderattachment/{attachment.pk}/change/")
    order_page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "spec.pdf" in listing
    assert detail.status_code == 200
    assert 'name="sha256"' not in detail.content.decode()  # shown, not editable
    assert attachment.sha256 in order_page


def test_staff_see_offers_but_cannot_change_them(client, staff, buyer, seller):
    from orders import offers

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    offer = offers.offer_make(
        order_id=order.pk, actor=buyer, version=order.version, values={"packaging": "Crates"}
    )
    client.force_login(staff)

    assert "Crates" in client.get(f"/admin/orders/offer/{offer.pk}/change/").content.decode()
    assert client.post(f"/admin/orders/offer/{offer.pk}/delete/").status_code == 403
