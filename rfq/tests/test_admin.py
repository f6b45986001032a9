import pytest
from django.urls import reverse

from rfq.models import RFQ

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["", "?state__exact=open", "?category__id__exact=1", "?destination_country=DE"]
)
def test_staff_lists_rfqs_with_filters(client, staff, rfq, query):
    client.force_login(staff)
    assert client.get(reverse("admin:rfq_rfq_changelist") + query).status_code == 200


def test_staff_lists_quotations_filtered_by_state_and_country(client, staff, quotation):
    client.force_login(staff)
    url = reverse("admin:rfq_quotation_changelist") + "?state__exact=submitted"
    response = client.get(url + "&seller_company__country=CN")
    assert response.status_code == 200


def test_admin_closes_rfqs_through_the_service(client, staff, rfq):
    client.force_login(staff)
    client.post(
        reverse("admin:rfq_rfq_changelist"),
        {"action": "close_without_award", "_selected_action": [rfq.pk]},
    )
    rfq.refresh_from_db()
    assert rfq.state == RFQ.State.CLOSED


def test_rfq_change_page_renders(client, staff, rfq, quotation):
    client.force_login(staff)
    assert client.get(reverse("admin:rfq_rfq_change", args=[rfq.pk])).status_code == 200
