"""The browser-test plumbing itself: live server, shared test database, session login."""

import re

from playwright.sync_api import expect


def test_the_live_server_sees_a_user_created_by_the_test_and_signs_him_in(page_for, staff):
    page = page_for(staff)

    page.goto("/admin/")

    expect(page.locator("#user-tools")).to_contain_text(staff.first_name)


def test_an_anonymous_visitor_is_sent_to_the_admin_login(page_for):
    page = page_for()

    page.goto("/admin/")

    expect(page).to_have_url(re.compile(r"/admin/login/"))
