import pytest

from catalog.tests.factories import CategoryFactory
from rfq.tests.factories import QuotationFactory, RFQFactory, seller_in_category


@pytest.fixture
def category(product):
    """The category of the seller's product: the seller sees its public RFQs."""
    return product.category


@pytest.fixture
def other_category(db):
    return CategoryFactory(name="Textiles", slug="textiles")


@pytest.fixture
def rival(category):
    """A second seller of the category, who quotes against the seller."""
    return seller_in_category(category, username="rival")


@pytest.fixture
def rfq(buyer, category):
    return RFQFactory(buyer_company=buyer.company, created_by=buyer, category=category)


@pytest.fixture
def quotation(rfq, seller):
    return QuotationFactory(rfq=rfq, author=seller)


@pytest.fixture
def rival_quotation(rfq, rival):
    return QuotationFactory(rfq=rfq, author=rival, unit_price="4.60")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block queued on commit (e-mail tasks) at its end."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
