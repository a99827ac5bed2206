"""A requester who forgot their password gets back in on a phone: the link on
the sign-in page, the e-mail, the new password, signing in with it."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_a_forgotten_password_is_replaced_on_a_phone(new_page, requester):
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.locator("#forgot-password").click()
    page.get_by_label("E-mail address").fill("customer@acme.example")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.locator("#reset-sent")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(urlsplit(link).path)
    page.locator("#id_new_password1").fill("Harbour-lights-42")
    page.locator("#id_new_password2").fill("Harbour-lights-4")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#id_new_password2").locator("..")).to_contain_text("match")
    page.locator("#id_new_password1").fill("Harbour-lights-42")
    page.locator("#id_new_password2").fill("Harbour-lights-42")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your new password is set. Log in with it.")).to_be_visible()

    page.get_by_label("Username").fill("customer")
    page.get_by_label("Password").fill("Harbour-lights-42")
    page.locator("#login-form").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
