from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Company, FreightRate, Side, User
from catalog.models import Category, PriceTier, Product
from chat.models import QuickReply
from payments.models import BankAccountChange
from payments.selectors import bank_details_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Category, Company, User, Product, PriceTier, QuickReply)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_data_has_two_sellers_and_three_buyers_from_different_countries():
    load()

    sellers = Company.objects.filter(side=Side.SELLER)
    buyers = Company.objects.filter(side=Side.BUYER)
    assert sellers.count() == 2
    assert buyers.count() == 3
    assert len({company.country.code for company in buyers}) == 3


def test_each_seller_has_about_ten_active_products_with_two_or_three_tiers():
    load()

    for seller in Company.objects.filter(side=Side.SELLER):
        products = Product.objects.filter(seller=seller, active=True)
        assert products.count() == 10
        for product in products:
            assert product.price_tiers.count() in (2, 3)


def test_every_demo_product_prices_its_minimum_order_quantity_at_the_first_tier():
    load()

    for product in Product.objects.prefetch_related("price_tiers"):
        first_tier = product.price_tiers.all()[0]
        assert first_tier.min_quantity == product.moq
        assert product.unit_price_for(product.moq) == first_tier.unit_price


def test_demo_tiers_get_cheaper_as_the_quantity_grows():
    load()

    for product in Product.objects.prefetch_related("price_tiers"):
        prices = [tier.unit_price for tier in product.price_tiers.all()]
        assert prices == sorted(prices, reverse=True)
        assert len(set(prices)) == len(prices)


@pytest.mark.parametrize(
    ("username", "password", "side"),
    [("seller", "seller-demo-1", Side.SELLER), ("buyer", "buyer-demo-1", Side.BUYER)],
)
def test_documented_demo_logins_work(username, password, side):
    load()

    user = authenticate(username=username, password=password)

    assert user is not None
    assert user.side == side


def test_demo_users_read_the_language_of_their_country_but_the_two_first_logins_english():
    load()

    languages = dict(User.objects.values_list("username", "language"))
    assert languages == {
        "seller": "en",
        "chen.jing": "zh-hans",
        "lan.nguyen": "vi",
        "minh.tran": "vi",
        "buyer": "en",
        "jonas.weber": "de",
        "emily.carter": "en",
        "david.kim": "en",
        "rafael.souza": "pt-br",
        "beatriz.lima": "pt-br",
        "admin": "en",
    }


def test_loading_again_keeps_a_language_the_user_chose():
    load()
    User.objects.filter(username="chen.jing").update(language="en")

    output = load()

    assert User.objects.get(username="chen.jing").language == "en"
    assert "users: 11 unchanged" in output


def test_admin_demo_login_is_a_staff_superuser_without_a_company():
    load()

    admin = authenticate(username="admin", password="admin-demo-1")

    assert admin is not None
    assert (admin.is_staff, admin.is_superuser, admin.company) == (True, True, None)


def test_every_demo_company_has_two_users():
    load()

    for company in Company.objects.all():
        assert company.members.count() == 2


def test_loading_twice_changes_nothing():
    load()
    counts = row_counts()
    stamps = list(Product.objects.order_by("pk").values_list("updated_at", flat=True))

    output = load()

    assert row_counts() == counts
    assert list(Product.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert "created" not in output
    assert "updated" not in output


def test_loading_again_restores_an_edited_product_and_drops_a_stray_tier():
    load()
    product = Product.objects.get(name="Stainless steel mixing bowls, nested set of 3")
    Product.objects.filter(pk=product.pk).update(moq=Decimal("7"), active=False)
    PriceTier.objects.create(product=product, min_quantity=Decimal("9000"), unit_price=1)

    output = load()

    product.refresh_from_db()
    assert (product.moq, product.active) == (Decimal("500"), True)
    assert list(product.price_tiers.values_list("min_quantity", flat=True)) == [500, 2500]
    assert "products: 1 updated, 19 unchanged" in output
    assert "price tiers: 46 unchanged, 1 deleted" in output


def test_loading_again_keeps_a_changed_password():
    load()
    seller = User.objects.get(username="seller")
    seller.set_password("my-own-password-7")
    seller.save()

    load()

    assert authenticate(username="seller", password="my-own-password-7") is not None


def test_reset_passwords_restores_the_documented_password():
    load()
    seller = User.objects.get(username="seller")
    seller.set_password("my-own-password-7")
    seller.save()

    load("--reset-passwords")

    assert authenticate(username="seller", password="seller-demo-1") is not None


def test_every_demo_product_has_a_generated_picture():
    load()

    for product in Product.objects.all():
        assert product.image.name == f"products/demo-{product.pk}.png"
        with product.image.open("rb") as file:
            assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_demo_pictures_are_the_same_bytes_on_every_run():
    from catalog.management.commands.load_demo_data import product_image

    first = product_image("Vacuum flask 500 ml", "Kitchenware")

    assert product_image("Vacuum flask 500 ml", "Kitchenware") == first
    assert product_image("Cotton throw", "Home textiles") != first
    assert len(first) < 20_000


def test_a_picture_set_by_hand_is_kept():
    load()
    product = Product.objects.order_by("pk").first()
    product.image.name = "products/own.png"
    product.save(update_fields=["image"])

    load()

    product.refresh_from_db()
    assert product.image.name == "products/own.png"


def test_demo_sellers_have_bank_details_on_record_a_sales_contact_and_freight_rates():
    load()
    load()  # idempotent: no second change record

    for company in Company.objects.filter(side=Side.SELLER):
        assert bank_details_at(company_id=company.pk, moment=timezone.now())["swift_bic"]
        assert BankAccountChange.objects.filter(company=company).count() == 1
        assert company.sales_contact_name and company.sales_contact_email
        assert FreightRate.objects.filter(seller=company).exists()


def test_each_demo_seller_has_quick_replies():
    load()

    for company in Company.objects.filter(side="seller"):
        assert QuickReply.objects.filter(company=company).count() >= 2
