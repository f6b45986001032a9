"""Personas shared by every app's tests: the buyer, the seller, outsiders and staff."""

import os

import pytest
from celery._state import _set_task_join_will_block
from rest_framework.test import APIClient

from accounts.tests.factories import (
    BuyerCompanyFactory,
    BuyerFactory,
    SellerCompanyFactory,
    SellerFactory,
    StaffFactory,
)
from catalog.tests.factories import ProductFactory
from negotiation_portal.celery import app as celery_app


def _is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (see scripts/services.sh)"
    )
    skip_redis = pytest.mark.skip(
        reason="needs Redis: run with REDIS_URL=redis://... (see scripts/services.sh)"
    )
    for item in items:
        if "postgres" in item.keywords and not _is_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Tasks run in-process in tests, unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    # An eager apply sets Celery's process-wide "join would block" flag and restores the value
    # it found: two threads of a race test applying at once can leave it set, and every later
    # result.get() in this process would then refuse to run. No task runs between tests.
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request served in a user's language leaves
    that language active in the thread (LocaleMiddleware does not deactivate it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs ~0.25 s per user; personas are created in nearly every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Private uploads of a test land in its own temporary folder, not in var/private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "common.files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def test_catalogues(settings, tmp_path):
    """Our strings translated from the small test catalogue (common/tests/locale), compiled
    into a temporary folder that replaces LOCALE_PATHS for the test."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = Path(__file__).parent / "common" / "tests" / "locale"
    for po in source.glob("*/LC_MESSAGES/django.po"):
        target = tmp_path / "locale" / po.relative_to(source).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        with po.open("rb") as infile, target.open("wb") as outfile:
            write_mo(outfile, read_po(infile))
    settings.LOCALE_PATHS = [tmp_path / "locale"]


@pytest.fixture
def seller_company(db):
    return SellerCompanyFactory(legal_name="Ningbo Bright Housewares Co", country="CN")


@pytest.fixture
def buyer_company(db):
    return BuyerCompanyFactory(legal_name="Hanse Trading GmbH", country="DE")


@pytest.fixture
def seller(seller_company):
    return SellerFactory(username="seller", company=seller_company, first_name="Li")


@pytest.fixture
def buyer(buyer_company):
    return BuyerFactory(username="buyer", company=buyer_company, first_name="Anna")


@pytest.fixture
def chinese_seller(seller):
    """The seller, reading the portal in Simplified Chinese."""
    seller.language = "zh-hans"
    seller.save(update_fields=["language"])
    return seller


@pytest.fixture
def german_buyer(buyer):
    """The buyer, reading the portal in German."""
    buyer.language = "de"
    buyer.save(update_fields=["language"])
    return buyer


@pytest.fixture
def other_buyer(db):
    return BuyerFactory(username="other_buyer")


@pytest.fixture
def other_seller(db):
    return SellerFactory(username="other_seller")


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff")


@pytest.fixture
def product(seller_company):
    return ProductFactory(seller=seller_company)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)``: an API client authenticated as that user (None: anonymous)."""

    def login(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return login
