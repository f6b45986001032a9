import pytest
from django.urls import reverse

from accounts import services
from accounts.tests.factories import BuyerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", ["company", "user", "freightrate"])
def test_staff_opens_the_changelist(staff_client, model, buyer, seller):
    assert staff_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["company", "user", "freightrate"])
def test_staff_opens_the_add_page(staff_client, model):
    assert staff_client.get(reverse(f"admin:accounts_{model}_add")).status_code == 200


def test_staff_opens_a_company_change_page(staff_client, buyer_company, buyer):
    url = reverse("admin:accounts_company_change", args=[buyer_company.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert buyer.username in response.content.decode()


def test_staff_opens_a_user_change_page(staff_client, buyer):
    response = staff_client.get(reverse("admin:accounts_user_change", args=[buyer.pk]))
    assert response.status_code == 200
    assert "last_active_at" not in response.context["adminform"].form.fields


def test_company_changelist_filters_and_searches(staff_client, buyer_company, seller_company):
    url = reverse("admin:accounts_company_changelist")
    response = staff_client.get(url, {"side": "seller", "q": "Ningbo"})
    assert list(response.context["cl"].result_list) == [seller_company]


def test_user_changelist_runs_the_same_queries_for_few_and_many_users(
    staff_client, django_assert_max_num_queries
):
    url = reverse("admin:accounts_user_changelist")
    BuyerFactory.create_batch(2)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(url)
    BuyerFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)


def test_staff_verifies_companies_with_the_admin_action(staff_client, seller_company):
    seller_company.verified = False
    seller_company.save()
    staff_client.post(
        reverse("admin:accounts_company_changelist"),
        {"action": "mark_verified", "_selected_action": [seller_company.pk]},
    )
    seller_company.refresh_from_db()
    assert seller_company.verified is True


def test_buyer_cannot_open_the_admin(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("admin:accounts_company_changelist"))
    assert response.status_code == 302


def test_staff_unverifies_companies_with_the_admin_action(staff_client, seller_company):
    seller_company.verified = True
    seller_company.save()
    staff_client.post(
        reverse("admin:accounts_company_changelist"),
        {"action": "mark_unverified", "_selected_action": [seller_company.pk]},
    )
    seller_company.refresh_from_db()
    assert seller_company.verified is False


def test_the_change_form_does_not_edit_the_verified_flag(staff_client, seller_company):
    url = reverse("admin:accounts_company_change", args=[seller_company.pk])
    assert "verified" not in staff_client.get(url).context["adminform"].form.fields


def test_company_mark_verified_counts_only_companies_that_changed(buyer_company, seller_company):
    seller_company.verified = True
    seller_company.save()
    ids = [buyer_company.pk, seller_company.pk]
    assert services.company_mark_verified(company_ids=ids, verified=True) == 1
    buyer_company.refresh_from_db()
    assert buyer_company.verified is True


def test_staff_sees_a_sellers_sales_contact_and_freight_rates(staff_client, seller):
    rate = services.freight_rate_set(
        actor=seller, values={"destination_country": "DE", "currency": "USD", "per_order": "200"}
    )
    url = reverse("admin:accounts_company_change", args=[seller.company_id])

    page = staff_client.get(url).content.decode()

    assert 'name="sales_contact_email"' in page
    assert f'name="freight_rates-0-id" value="{rate.pk}"' in page
