from django.urls import reverse

from contracts.models import Contract


def test_staff_see_the_contracts_read_only(agree, client, staff, buyer):
    buyer.language = "de"
    buyer.save(update_fields=["language"])
    order = agree()
    contract = Contract.objects.get(order=order)
    client.force_login(staff)

    listing = client.get(reverse("admin:contracts_contract_changelist"))
    detail = client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))

    assert listing.status_code == 200
    assert order.number in listing.content.decode()
    assert "Deutsch" in listing.content.decode()
    assert detail.status_code == 200
    assert contract.file.name in detail.content.decode()
    assert contract.token not in detail.content.decode()
    assert "Deutsch" in detail.content.decode()
    assert client.get(reverse("admin:contracts_contract_add")).status_code == 403
