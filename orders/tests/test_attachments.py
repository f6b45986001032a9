"""Attachments that are part of the terms (issue 14 point 3): services and terms."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.tests.factories import pdf_upload, png_upload
from common.errors import InvalidTransition, NotAllowed, NotFound, StaleVersion, ValidationFailed
from orders import attachments, services
from orders import terms as order_terms
from orders.models import Order, OrderAttachment, OrderEvent, OrderStatus, Revision
from orders.tests.factories import make_order, snapshot

S = OrderStatus


@pytest.fixture
def draft(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, product=product)


@pytest.fixture
def seller_confirmed(buyer, seller, product):
    return make_order(buyer=buyer, seller=seller, status=S.SELLER_CONFIRMED, product=product)


def _fresh(order):
    return Order.objects.prefetch_related("lines").get(pk=order.pk)


def _attach(order, actor, upload=None):
    return attachments.order_attachment_add(
        order_id=order.pk, actor=actor, version=order.version, file=upload or pdf_upload()
    )


def test_seller_attaches_a_pdf_to_the_draft(seller, draft):
    attachment = _attach(draft, seller, pdf_upload("Spec sheet.pdf"))

    order = _fresh(draft)
    assert (order.status, order.version, order.attachment_count) == (S.DRAFT, draft.version + 1, 1)
    assert attachment.content_type == "application/pdf"
    assert attachment.name == "Spec_sheet.pdf"
    assert attachment.file.read().startswith(b"%PDF-")
    assert order_terms.from_order(order)["attachments"][0]["sha256"] == attachment.sha256


def test_the_sha256_is_the_digest_of_the_content(seller, draft):
    upload = pdf_upload()
    expected = hashlib.sha256(upload.read()).hexdigest()

    assert _attach(draft, seller, upload).sha256 == expected


def test_a_renamed_executable_is_refused_and_changes_nothing(seller, draft):
    before = snapshot(draft)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 this is a program", "application/pdf")

    with pytest.raises(ValidationFailed) as exc:
        _attach(draft, seller, fake)

    assert "file" in exc.value.errors
    assert snapshot(draft) == before
    assert not OrderAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(seller, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 20

    with pytest.raises(ValidationFailed) as exc:
        _attach(draft, seller)

    assert "too large" in exc.value.errors["file"][0]


def test_the_same_file_cannot_be_attached_twice(seller, draft):
    _attach(draft, seller)

    with pytest.raises(ValidationFailed) as exc:
        _attach(_fresh(draft), seller)

    assert exc.value.errors["file"] == ["This file is already attached."]


def test_an_outsider_cannot_attach(other_seller, draft):
    with pytest.raises(NotFound):
        _attach(draft, other_seller)


def test_the_buyer_cannot_attach_to_the_sellers_draft(buyer, draft):
    with pytest.raises(NotFound):  # the draft is private to the seller
        _attach(draft, buyer)


def test_an_attachment_on_a_stale_version_is_refused(seller, draft):
    stale_version = draft.version
    services.order_modify(order_id=draft.pk, actor=seller, version=draft.version, values={})

    with pytest.raises(StaleVersion):
        attachments.order_attachment_add(
            order_id=draft.pk, actor=seller, version=stale_version, file=pdf_upload()
        )
    assert not OrderAttachment.objects.exists()


def test_no_attachment_once_the_order_is_agreed(buyer, seller, product):
    agreed = make_order(buyer=buyer, seller=seller, status=S.AWAITING_PAYMENT, product=product)

    with pytest.raises(InvalidTransition):
        _attach(agreed, buyer)


def test_buyer_attaching_makes_it_his_confirmation_with_a_revision(buyer, seller_confirmed):
    _attach(seller_confirmed, buyer, png_upload("artwork.png"))

    order = _fresh(seller_confirmed)
    assert order.status == S.BUYER_CONFIRMED
    revision = Revision.objects.get(order=order, version=order.version)
    assert revision.author_side == "buyer"
    assert [a["name"] for a in revision.terms["attachments"]] == ["artwork.png"]
    assert revision.digest == order_terms.digest(revision.terms)
    event = order.events.last()
    assert (event.type, event.data["changed"]) == (OrderEvent.Type.MODIFIED, ["added attachment"])


def test_the_seller_must_confirm_the_new_version_that_names_the_attachment(
    buyer, seller, seller_confirmed
):
    _attach(seller_confirmed, buyer)

    with pytest.raises(StaleVersion):
        services.order_confirm(
            order_id=seller_confirmed.pk, actor=seller, version=seller_confirmed.version
        )
    order = _fresh(seller_confirmed)
    agreed = services.order_confirm(order_id=order.pk, actor=seller, version=order.version)

    sealed = Revision.objects.get(order=agreed, version=agreed.agreed_version)
    assert sealed.terms["attachments"][0]["name"] == "spec.pdf"
    assert agreed.agreed_digest == sealed.digest


def test_the_digest_changes_when_an_attachment_is_added(seller, draft):
    before = order_terms.digest(order_terms.canonical(order_terms.from_order(_fresh(draft))))

    _attach(draft, seller)

    after = order_terms.digest(order_terms.canonical(order_terms.from_order(_fresh(draft))))
    assert after != before


def test_an_order_without_attachments_has_the_document_and_digest_it_had_before(seller, draft):
    terms = order_terms.from_order(_fresh(draft))
    without_key = {k: v for k, v in terms.items() if k != "attachments"}

    document = order_terms.canonical(terms)

    assert "attachments" not in document
    assert order_terms.digest(document) == order_terms.digest(order_terms.canonical(without_key))


def test_attachments_are_sorted_by_name_in_the_document():
    terms = {
        "lines": [],
        "attachments": [
            {"name": "b.pdf", "sha256": "1" * 64, "size": 3, "content_type": "application/pdf"},
            {"name": "a.png", "sha256": "2" * 64, "size": 4, "content_type": "image/png"},
        ],
    }

    document = order_terms.canonical(terms)

    assert [a["name"] for a in document["attachments"]] == ["a.png", "b.pdf"]


def test_the_diff_shows_added_and_removed_attachments():
    a = {"name": "a.pdf", "sha256": "1" * 64, "size": 3, "content_type": "application/pdf"}
    b = {"name": "b.pdf", "sha256": "2" * 64, "size": 3, "content_type": "application/pdf"}
    before = order_terms.canonical({"lines": [], "attachments": [a]})
    after = order_terms.canonical({"lines": [], "attachments": [b]})

    changes = order_terms.diff(before, after)

    assert [(c["change"], c["line"]) for c in changes if c["module"] == "attachments"] == [
        ("added", "b.pdf"),
        ("removed", "a.pdf"),
    ]


def test_modify_keeps_the_attachments(seller, draft):
    _attach(draft, seller)
    order = _fresh(draft)

    services.order_modify(
        order_id=order.pk, actor=seller, version=order.version, values={"packaging": "Crates"}
    )

    assert len(order_terms.from_order(_fresh(draft))["attachments"]) == 1


def test_modify_values_cannot_change_the_attachments(seller, draft):
    _attach(draft, seller)
    order = _fresh(draft)

    services.order_modify(
        order_id=order.pk, actor=seller, version=order.version, values={"attachments": []}
    )

    assert _fresh(draft).attachment_count == 1
    assert len(order_terms.from_order(_fresh(draft))["attachments"]) == 1


def test_removing_an_attachment_takes_it_out_of_the_terms_and_keeps_the_file(seller, draft):
    attachment = _attach(draft, seller)
    order = _fresh(draft)

    attachments.order_attachment_remove(
        order_id=order.pk, attachment_id=attachment.pk, actor=seller, version=order.version
    )

    order = _fresh(draft)
    assert (order.attachment_count, order.version) == (0, draft.version + 2)
    assert order_terms.from_order(order)["attachments"] == []
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)


def test_removing_on_a_stale_version_is_refused(seller, draft):
    attachment = _attach(draft, seller)

    with pytest.raises(StaleVersion):
        attachments.order_attachment_remove(
            order_id=draft.pk, attachment_id=attachment.pk, actor=seller, version=draft.version
        )
    assert _fresh(draft).attachment_count == 1


def test_an_outsider_cannot_remove_an_attachment(seller, other_seller, draft):
    attachment = _attach(draft, seller)

    with pytest.raises(NotFound):
        attachments.order_attachment_remove(
            order_id=draft.pk, attachment_id=attachment.pk, actor=other_seller, version=2
        )


def test_the_waiting_side_revises_its_own_confirmation_with_an_attachment(
    buyer, seller, seller_confirmed
):
    _attach(seller_confirmed, seller)

    assert _fresh(seller_confirmed).status == S.SELLER_CONFIRMED


def test_staff_cannot_attach(staff, seller_confirmed):
    with pytest.raises(NotAllowed):
        _attach(seller_confirmed, staff)


def test_an_outsider_cannot_read_an_attachment(seller, other_buyer, draft):
    attachment = _attach(draft, seller)

    with pytest.raises(NotFound):
        attachments.attachment_get_for_user(
            user=other_buyer, order_id=draft.pk, attachment_id=attachment.pk
        )


def test_an_accepted_amendment_keeps_the_attachments(buyer, seller, seller_confirmed):
    from orders import amendments

    _attach(seller_confirmed, buyer)
    order = _fresh(seller_confirmed)
    agreed = services.order_confirm(order_id=order.pk, actor=seller, version=order.version)
    amendment = amendments.amendment_propose(
        order_id=agreed.pk,
        actor=seller,
        version=agreed.version,
        values={"packaging": "Wooden crates"},
        reason="Sturdier",
    )
    assert amendment.terms["attachments"][0]["name"] == "spec.pdf"

    amendments.amendment_accept(
        order_id=agreed.pk, amendment_id=amendment.pk, actor=buyer, version=agreed.version + 1
    )

    order = _fresh(seller_confirmed)
    sealed = Revision.objects.get(order=order, version=order.agreed_version)
    assert sealed.terms["attachments"][0]["name"] == "spec.pdf"
    assert order.agreed_digest == sealed.digest == amendment.digest
