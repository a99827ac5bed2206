"""Forgotten and changed passwords: the link by e-mail in the person's language,
on SITE_URL, once per few minutes; setting a new password through it; changing
one's password from the profile page; refused input answers 400."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import override_settings
from django.urls import reverse

RESET = "/accounts/password/reset/"


def _link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body).group(0)


def test_the_sign_in_pages_offer_a_new_password(client):
    assert b'id="forgot-password"' in client.get(reverse("login")).content
    admin_login = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password_reset/"' in admin_login
    assert 'id="password-reset-form"' in client.get("/admin/password_reset/").content.decode()


@override_settings(SITE_URL="https://desk.example.org:8443")
def test_the_link_goes_out_once_in_the_persons_language(client, requester):
    requester.language = "pl"
    requester.save()
    page = client.post(RESET, {"email": "Customer@ACME.example"}, follow=True)
    assert page.status_code == 200
    assert b'id="reset-sent"' in page.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["customer@acme.example"]
    assert message.subject == "Nowe hasło do Escalade"
    assert _link(message).startswith("https://desk.example.org:8443/accounts/password/reset/")
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="{_link(message)}"' in html
    assert "Ustaw nowe hasło" in html
    # asked again at once: the same page, no second e-mail
    client.post(RESET, {"email": "customer@acme.example"})
    assert len(mail.outbox) == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, requester):
    page = client.post(RESET, {"email": "nobody@acme.example"})
    assert page.status_code == 302
    assert page["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not an address", "x" * 300 + "@a.example"])
def test_a_refused_address_is_a_400_with_its_message(client, email):
    page = client.post(RESET, {"email": email})
    assert page.status_code == 400
    assert page.context["form"].errors["email"]
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once_and_lifts_the_accounts_lockout(client, requester):
    requester.set_password("old-secret-1234")
    requester.save()
    AccessAttempt.objects.create(
        username="customer", ip_address="10.0.0.9", failures_since_start=9, user_agent="x"
    )
    client.post(RESET, {"email": "customer@acme.example"})
    link = _link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + link, follow=True)
    assert b'id="password-set-form"' in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    assert weak.context["form"].errors["new_password1"]  # under the password typed
    assert "new_password2" not in weak.context["form"].errors
    done = client.post(
        set_url,
        {"new_password1": "a-new-Secret-77", "new_password2": "a-new-Secret-77"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("login")
    assert "Your new password is set. Log in with it." in done.content.decode()
    assert not AccessAttempt.objects.filter(username="customer").exists()
    requester.refresh_from_db()
    assert requester.check_password("a-new-Secret-77")
    again = client.get("/" + link, follow=True)
    assert b'id="reset-link-invalid"' in again.content


def test_changing_ones_password_from_the_profile(client, agent):
    agent.set_password("old-secret-1234")
    agent.save()
    client.force_login(agent)
    assert b'id="password-change"' in client.get("/profile/").content
    wrong = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "a-new-Secret-77",
            "new_password2": "a-new-Secret-77",
        },
    )
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["old_password"]
    done = client.post(
        reverse("password_change"),
        {
            "old_password": "old-secret-1234",
            "new_password1": "a-new-Secret-77",
            "new_password2": "a-new-Secret-77",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("notifications:profile")
    assert "Your password is changed." in done.content.decode()
    agent.refresh_from_db()
    assert agent.check_password("a-new-Secret-77")
    # still signed in on this browser
    assert client.get("/profile/").status_code == 200


def test_a_wrong_password_at_sign_in_is_a_400(client, agent):
    page = client.post(reverse("login"), {"username": "agent1", "password": "wrong"})
    assert page.status_code == 400
    assert page.context["form"].non_field_errors()
