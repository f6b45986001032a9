from django.urls import reverse

from shipments.tests.factories import pdf, ship


def test_staff_see_a_shipment_read_only_with_its_lines_and_documents(client, order, seller, staff):
    staff.is_superuser = True
    staff.save()
    shipment = ship(order, seller, "400", documents={"packing_list": pdf()})
    client.force_login(staff)

    page = client.get(reverse("admin:shipments_shipment_change", args=[shipment.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert "MSKU1234567" in content
    assert reverse("shipments:document", args=[shipment.documents.get().pk]) in content
    assert 'name="_save"' not in content


def test_staff_cannot_add_shipments_in_the_admin(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    assert client.get(reverse("admin:shipments_shipment_add")).status_code == 403


def test_staff_download_a_document_through_the_access_check(client, order, seller, staff):
    shipment = ship(order, seller, "400", documents={"packing_list": pdf()})
    client.force_login(staff)

    response = client.get(reverse("shipments:document", args=[shipment.documents.get().pk]))

    assert response.status_code == 200
