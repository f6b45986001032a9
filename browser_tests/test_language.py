"""The language switcher in the navigation: picking a language reloads the page in it."""

import pytest
from playwright.sync_api import expect

from accounts.models import User


def test_a_visitor_switches_the_login_page_to_german(page_for):
    page = page_for()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Username")).to_be_visible()

    page.locator("#nav-language").select_option("de")

    expect(page.locator("html")).to_have_attribute("lang", "de")
    # Django's own catalogue: the login form's username label.
    expect(page.get_by_label("Benutzername")).to_be_visible()
    expect(page.locator("#nav-language")).to_have_value("de")


@pytest.mark.django_db(transaction=True)
def test_switching_while_signed_in_saves_the_preference(page_for, buyer):
    page = page_for(buyer)
    page.goto("/products/")

    page.locator("#nav-language").select_option("zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.url.endswith("/products/")
    assert User.objects.get(pk=buyer.pk).language == "zh-hans"
