"""Contracts are sealed with the order, rendered once per sealed version, and e-mailed."""

from unittest import mock

import pytest
from django.core import mail

from contracts import services, tasks
from contracts.models import Contract, ContractState
from notifications.models import Kind, Notification
from orders import amendments
from orders import services as order_services
from orders.models import Order, OrderStatus
from orders.tests.factories import complete_values, make_order


def _amend(order, *, proposer, acceptor, capture, quantity="1200"):
    order = Order.objects.prefetch_related("lines").get(pk=order.pk)
    values = complete_values(order)
    values["lines"][0]["quantity"] = quantity
    amendment = amendments.amendment_propose(
        order_id=order.pk, actor=proposer, version=order.version, values=values, reason="More"
    )
    order.refresh_from_db()
    with capture(execute=True):
        amendments.amendment_accept(
            order_id=order.pk, amendment_id=amendment.pk, actor=acceptor, version=order.version
        )
    return Order.objects.get(pk=order.pk)


def test_agreement_writes_one_contract_for_the_sealed_version(agree):
    order = agree()

    contract = Contract.objects.get(order=order)
    assert contract.agreed_version == order.agreed_version
    assert contract.digest == order.agreed_digest
    assert contract.terms_version == order.terms_version
    assert contract.state == ContractState.READY
    assert contract.file_sha256 and contract.file_size > 1000


def test_an_order_not_yet_agreed_has_no_contract(buyer, seller, product):
    make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product)

    assert not Contract.objects.exists()


def test_a_redelivered_render_task_does_nothing(agree):
    order = agree()
    contract = Contract.objects.get(order=order)
    mail.outbox.clear()

    assert tasks.contract_render.delay(contract.pk).get() is False

    again = Contract.objects.get(pk=contract.pk)
    assert (again.file.name, again.file_sha256) == (contract.file.name, contract.file_sha256)
    assert mail.outbox == []
    assert Contract.objects.filter(order=order).count() == 1


def test_the_contract_is_rendered_exactly_once(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    with (
        mock.patch("contracts.render.contract_pdf", wraps=services.render.contract_pdf) as pdf,
        django_capture_on_commit_callbacks(execute=True),
    ):
        order_services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
        contract = Contract.objects.get(order=order)
        services.contract_render(contract_id=contract.pk)
        services.contract_render(contract_id=contract.pk)

    assert pdf.call_count == 1


def test_both_parties_get_the_order_agreed_email_with_the_pdf_attached(agree, buyer, seller):
    order = agree()
    contract = Contract.objects.get(order=order)

    assert sorted(m.to[0] for m in mail.outbox if "confirmed by both" in m.subject) == sorted(
        [buyer.email, seller.email]
    )
    for message in mail.outbox:
        if "confirmed by both" not in message.subject:
            continue
        [(name, content, content_type)] = message.attachments
        assert name == f"{order.number}-contract-v{contract.terms_version}.pdf"
        assert content_type == "application/pdf"
        assert content == contract.file.open("rb").read()
        assert contract.digest in message.body


def test_the_agreement_is_notified_once_to_each_member_of_both_sides(agree, buyer, seller):
    agree()

    notified = Notification.objects.filter(kind=Kind.ORDER_CONFIRMED, title__contains="both")
    assert sorted(notified.values_list("user_id", flat=True)) == sorted([buyer.pk, seller.pk])


def test_an_accepted_amendment_adds_a_new_contract_and_keeps_the_old_one(
    agree, buyer, seller, django_capture_on_commit_callbacks
):
    order = agree()
    first = Contract.objects.get(order=order)
    mail.outbox.clear()

    amended = _amend(
        order, proposer=seller, acceptor=buyer, capture=django_capture_on_commit_callbacks
    )

    contracts = list(Contract.objects.filter(order=order).order_by("agreed_version"))
    assert [c.pk for c in contracts[:1]] == [first.pk]
    assert contracts[0].file.name == first.file.name
    assert contracts[1].agreed_version == amended.agreed_version
    assert contracts[1].digest == amended.agreed_digest != first.digest
    assert contracts[1].state == ContractState.READY
    assert {m.subject for m in mail.outbox if m.attachments} == {
        f"{order.number} was amended: contract version {contracts[1].terms_version}"
    }


def test_the_amended_contract_names_the_proposer_and_the_acceptor(
    agree, buyer, seller, django_capture_on_commit_callbacks
):
    from contracts.tests.conftest import pdf_text

    order = agree()
    _amend(order, proposer=seller, acceptor=buyer, capture=django_capture_on_commit_callbacks)

    latest = Contract.objects.filter(order=order).order_by("-agreed_version").first()
    text = pdf_text(latest.file.read())
    assert f"Seller {seller.display_name} proposed" in text
    assert f"Buyer {buyer.display_name} accepted" in text
    assert "1,200 pieces" in text


def test_a_failed_render_stays_pending_for_the_retry(agree):
    order = agree()
    contract = Contract.objects.get(order=order)
    Contract.objects.filter(pk=contract.pk).update(state=ContractState.PENDING, file_sha256="")

    with (
        mock.patch("contracts.render.contract_pdf", side_effect=OSError("no fonts")),
        pytest.raises(OSError),
    ):
        services.contract_render(contract_id=contract.pk)

    assert Contract.objects.get(pk=contract.pk).state == ContractState.PENDING


def test_the_last_try_marks_the_contract_failed_and_tells_the_parties_without_a_pdf(agree):
    order = agree()
    contract = Contract.objects.get(order=order)
    Contract.objects.filter(pk=contract.pk).update(state=ContractState.PENDING, file_sha256="")
    mail.outbox.clear()

    with mock.patch("contracts.render.contract_pdf", side_effect=OSError("no fonts")):
        assert services.contract_render(contract_id=contract.pk, give_up=True) is False

    assert Contract.objects.get(pk=contract.pk).state == ContractState.FAILED
    assert Notification.objects.filter(body__contains="could not be produced").count() == 2


def test_the_sweep_renders_a_contract_whose_task_was_lost(
    buyer, seller, product, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    order = make_order(
        buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED, product=product
    )
    # The task queued at commit is lost: its callback never runs.
    order_services.order_confirm(order_id=order.pk, actor=buyer, version=order.version)
    contract = Contract.objects.get(order=order)
    assert contract.state == ContractState.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        early = services.contracts_sweep()
    later = timezone.now() + services.SWEEP_AFTER + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.contracts_sweep(now=later)

    assert (early, queued) == (0, 1)
    assert Contract.objects.get(pk=contract.pk).state == ContractState.READY


def test_the_sweep_leaves_rendered_and_failed_contracts_alone(agree):
    import datetime

    from django.utils import timezone

    order = agree()
    Contract.objects.create(
        order=order,
        agreed_version=order.agreed_version + 5,
        terms_version=9,
        digest="0" * 64,
        sealed_at=timezone.now(),
        state=ContractState.FAILED,
    )

    assert services.contracts_sweep(now=timezone.now() + datetime.timedelta(hours=1)) == 0
