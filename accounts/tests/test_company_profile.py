import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Side
from common.errors import NotAllowed

pytestmark = pytest.mark.django_db

URL = reverse("accounts:company_profile")


def profile_post(**overrides):
    data = {
        "legal_name": "Hanse Trading GmbH & Co. KG",
        "country": "DE",
        "city": "Bremen",
        "business_type": "trading",
        "year_established": "1999",
        "employees": "51-200",
        "main_products": "Housewares for German retail chains",
        "website": "https://hanse.example",
    }
    data.update(overrides)
    return data


def test_company_profile_needs_login(client):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_member_sees_the_own_company_profile_with_derived_figures(client, buyer):
    client.force_login(buyer)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hanse Trading GmbH" in page
    assert "Inquiries sent" in page
    assert response.context["company"].inquiries_sent == 0


def test_member_edits_the_basic_company_fields(client, buyer, buyer_company):
    client.force_login(buyer)
    response = client.post(URL, profile_post())
    assert response["Location"] == URL
    buyer_company.refresh_from_db()
    assert buyer_company.city == "Bremen"
    assert buyer_company.legal_name == "Hanse Trading GmbH & Co. KG"
    assert buyer_company.side == Side.BUYER
    assert buyer_company.verified is False


def test_profile_edit_cannot_change_side_or_verified(client, buyer, buyer_company):
    client.force_login(buyer)
    client.post(URL, profile_post(side="seller", verified="on"))
    buyer_company.refresh_from_db()
    assert buyer_company.side == Side.BUYER
    assert buyer_company.verified is False


def test_invalid_profile_edit_shows_field_errors_and_changes_nothing(client, buyer, buyer_company):
    client.force_login(buyer)
    response = client.post(URL, profile_post(legal_name="", year_established="1200"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["legal_name"]
    assert errors["year_established"]
    buyer_company.refresh_from_db()
    assert buyer_company.legal_name == "Hanse Trading GmbH"


def test_staff_without_a_company_gets_404(client, staff):
    client.force_login(staff)
    assert client.get(URL).status_code == 404


def test_company_update_refuses_a_user_of_another_company(other_buyer, buyer_company):
    with pytest.raises(NotAllowed):
        services.company_update(
            company_id=buyer_company.pk, actor=other_buyer, values={"city": "Kiel"}
        )
    buyer_company.refresh_from_db()
    assert buyer_company.city == "Hamburg"
