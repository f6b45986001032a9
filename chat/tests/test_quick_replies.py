"""Quick replies: a seller company's saved snippets (services, API, pages, the composer)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import SellerFactory
from chat import quick_replies
from chat.models import QuickReply
from common.errors import NotAllowed, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def _create(actor, title="Lead time", body="Our lead time is 30 days after deposit."):
    return quick_replies.quick_reply_create(actor=actor, values={"title": title, "body": body})


# --- services -------------------------------------------------------------------------------


def test_a_seller_saves_a_quick_reply_for_the_company(seller):
    quick_reply = _create(seller)

    assert quick_reply.company_id == seller.company_id
    assert quick_reply.created_by == seller
    assert quick_reply.body == "Our lead time is 30 days after deposit."


def test_colleagues_share_the_company_quick_replies(seller):
    colleague = SellerFactory(company=seller.company)
    quick_reply = _create(seller)

    updated = quick_replies.quick_reply_update(
        actor=colleague, quick_reply_id=quick_reply.pk, values={"body": "45 days."}
    )

    assert updated.body == "45 days."
    assert updated.title == "Lead time"


def test_a_buyer_cannot_keep_quick_replies(buyer):
    with pytest.raises(NotAllowed):
        _create(buyer)
    assert not QuickReply.objects.exists()


def test_a_quick_reply_needs_a_title_and_a_text(seller):
    with pytest.raises(ValidationFailed) as exc:
        quick_replies.quick_reply_create(actor=seller, values={"title": " ", "body": ""})

    assert set(exc.value.errors) == {"title", "body"}
    assert not QuickReply.objects.exists()


def test_a_title_is_used_once_per_company(seller, other_seller):
    _create(seller)
    _create(other_seller)  # another company may use the same title

    with pytest.raises(ValidationFailed) as exc:
        _create(seller)

    assert "title" in exc.value.errors
    assert QuickReply.objects.filter(company=seller.company).count() == 1


def test_a_company_keeps_at_most_fifty_quick_replies(seller):
    QuickReply.objects.bulk_create(
        QuickReply(company=seller.company, title=f"Reply {n}", body="Text")
        for n in range(quick_replies.MAX_PER_COMPANY)
    )

    with pytest.raises(ValidationFailed) as exc:
        _create(seller)

    assert "non_field_errors" in exc.value.errors


def test_another_seller_cannot_change_or_remove_a_quick_reply(seller, other_seller):
    quick_reply = _create(seller)

    with pytest.raises(NotFound):
        quick_replies.quick_reply_update(
            actor=other_seller, quick_reply_id=quick_reply.pk, values={"body": "Mine now"}
        )
    with pytest.raises(NotFound):
        quick_replies.quick_reply_delete(actor=other_seller, quick_reply_id=quick_reply.pk)
    quick_reply.refresh_from_db()
    assert quick_reply.body == "Our lead time is 30 days after deposit."


def test_renaming_to_a_taken_title_changes_nothing(seller):
    _create(seller, title="Samples")
    quick_reply = _create(seller)

    with pytest.raises(ValidationFailed):
        quick_replies.quick_reply_update(
            actor=seller, quick_reply_id=quick_reply.pk, values={"title": "Samples"}
        )

    quick_reply.refresh_from_db()
    assert quick_reply.title == "Lead time"


# --- API --------------------------------------------------------------------------------------


def test_api_seller_creates_lists_changes_and_removes_quick_replies(api_as, seller):
    client = api_as(seller)

    created = client.post(
        "/api/v1/quick-replies/", {"title": "Payment", "body": "30% T/T deposit."}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.get("/api/v1/quick-replies/").json()[0]["title"] == "Payment"
    changed = client.patch(f"/api/v1/quick-replies/{pk}/", {"body": "50% deposit."}, format="json")
    assert changed.json()["body"] == "50% deposit."
    assert client.delete(f"/api/v1/quick-replies/{pk}/").status_code == 204
    assert client.get(f"/api/v1/quick-replies/{pk}/").status_code == 404


def test_api_field_errors_come_back_per_field(api_as, seller):
    response = api_as(seller).post(
        "/api/v1/quick-replies/", {"title": "", "body": 5}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"title", "body"}


def test_api_buyers_are_refused(api_as, buyer):
    client = api_as(buyer)

    assert client.get("/api/v1/quick-replies/").status_code == 403
    assert (
        client.post(
            "/api/v1/quick-replies/", {"title": "a", "body": "b"}, format="json"
        ).status_code
        == 403
    )


def test_api_another_company_quick_reply_is_not_found(api_as, seller, other_seller):
    quick_reply = _create(seller)
    client = api_as(other_seller)

    assert client.get(f"/api/v1/quick-replies/{quick_reply.pk}/").status_code == 404
    assert client.delete(f"/api/v1/quick-replies/{quick_reply.pk}/").status_code == 404


def test_api_list_runs_a_constant_number_of_queries(api_as, seller, django_assert_max_num_queries):
    client = api_as(seller)
    QuickReply.objects.bulk_create(
        QuickReply(company=seller.company, title=f"Reply {n}", body="Text") for n in range(30)
    )

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/quick-replies/")

    assert len(response.json()) == 30


# --- pages ------------------------------------------------------------------------------------


def test_seller_adds_a_quick_reply_on_the_settings_page(client, seller):
    client.force_login(seller)

    response = client.post(
        reverse("chat:quick_replies"),
        {"title": "Samples", "body": "Free samples, you pay freight."},
    )

    assert response.status_code == 302
    page = client.get(reverse("chat:quick_replies"))
    assert "Free samples, you pay freight." in page.content.decode()


def test_the_settings_page_shows_the_error_next_to_the_field(client, seller):
    client.force_login(seller)
    _create(seller, title="Samples")

    response = client.post(reverse("chat:quick_replies"), {"title": "Samples", "body": "Again"})

    assert response.status_code == 400
    assert "already have a quick reply with this title" in response.content.decode()


def test_buyers_have_no_quick_replies_page(client, buyer):
    client.force_login(buyer)

    assert client.get(reverse("chat:quick_replies")).status_code == 404
    assert client.get(reverse("chat:quick_reply_menu")).status_code == 404


def test_the_composer_menu_lists_the_company_quick_replies(client, seller):
    client.force_login(seller)
    _create(seller)

    response = client.get(reverse("chat:quick_reply_menu"))

    assert 'data-body="Our lead time is 30 days after deposit."' in response.content.decode()


def test_the_seller_chat_pane_offers_quick_replies_and_the_buyer_pane_does_not(
    client, buyer, seller
):
    from inquiries.tests.factories import NegotiationFactory

    negotiation = NegotiationFactory(buyer_company=buyer.company, seller_company=seller.company)
    url = reverse("chat:conversation", args=[negotiation.pk])
    client.force_login(seller)
    assert "data-quick-reply-toggle" in client.get(url).content.decode()
    client.force_login(buyer)
    assert "data-quick-reply-toggle" not in client.get(url).content.decode()
