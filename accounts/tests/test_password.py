import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_changes_the_password(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-42",
            "new_password1": "lantern-meadow-73",
            "new_password2": "lantern-meadow-73",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    buyer.refresh_from_db()
    assert buyer.check_password("lantern-meadow-73")


def test_password_change_with_a_wrong_old_password_shows_a_field_error(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "lantern-meadow-73",
            "new_password2": "lantern-meadow-73",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    buyer.refresh_from_db()
    assert buyer.check_password("correct-horse-42")


def test_password_reset_sends_an_e_mail_with_a_working_link(client, buyer):
    response = client.post(reverse("accounts:password_reset"), {"email": buyer.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [buyer.email]
    assert "Reset your password" in message.subject
    assert "\n" not in message.subject
    assert message.alternatives, "an HTML part is sent too"

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "lantern-meadow-73", "new_password2": "lantern-meadow-73"}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    buyer.refresh_from_db()
    assert buyer.check_password("lantern-meadow-73")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_tampered_reset_link_is_refused(client, buyer):
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    response = client.get(url)
    assert response.status_code == 200
    assert "This link is no longer valid" in response.content.decode()


@pytest.fixture
def reset_limits(settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 3
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 2
    settings.PASSWORD_RESET_WINDOW_SECONDS = 3600


def test_reset_mails_per_account_stop_at_the_limit_with_the_same_answer(
    client, buyer, reset_limits
):
    for number in range(3):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": buyer.email},
            REMOTE_ADDR=f"198.51.100.{number}",
        )
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 2


def test_reset_requests_per_address_are_refused_with_the_wait(client, buyer, reset_limits):
    for number in range(3):
        client.post(
            reverse("accounts:password_reset"),
            {"email": f"ghost{number}@example.com"},
            REMOTE_ADDR="198.51.100.9",
        )
    response = client.post(
        reverse("accounts:password_reset"), {"email": buyer.email}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert "Too many password reset requests. Try again in 60 minutes." in (
        response.content.decode()
    )
    assert 3590 <= int(response["Retry-After"]) <= 3600
    assert mail.outbox == []
