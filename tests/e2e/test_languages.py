"""Languages in a real browser: a Polish agent's pages, the switcher on the login page."""

import pytest
from playwright.sync_api import expect

from tests.factories import CategoryFactory, UserFactory
from tickets import services

pytestmark = pytest.mark.e2e


def test_an_agent_whose_profile_says_polish_works_in_polish(page, log_in, agent):
    agent.language = "pl"
    agent.time_zone = "Europe/Warsaw"
    agent.save()
    category = CategoryFactory(name="Network", translations={"pl": {"name": "Sieć"}})
    ticket = services.ticket_create(
        actor=agent,
        title="VPN nie działa",
        description="Nikt w Warszawie nie może się połączyć.",
        requester_name="Ola",
        requester_email="ola@example.com",
        category=category,
    )

    log_in(page, "agent1")  # the login page follows the browser (English here)

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", name="Kolejka")).to_be_visible()
    expect(page.locator("#main-nav").get_by_role("link", name="Nowe zgłoszenie")).to_be_visible()
    row = page.locator(f'#queue tr[data-ticket="{ticket.reference}"]')
    expect(row).to_contain_text("Sieć")
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.locator("main")).to_contain_text("Oś czasu")
    expect(page.locator("main")).to_contain_text("Nowe")
    page.locator("#current-user").click()
    expect(page.get_by_role("button", name="Wyloguj")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "ru"])
def test_the_admins_menu_stays_on_one_line_in_long_languages(page, log_in, admin_user, language):
    """French and Russian labels wrapped the menu onto two lines (and pushed it past
    the screen) at 1280 px; wide screens show it on one line, narrower ones fold it."""
    admin_user.language = language
    admin_user.first_name, admin_user.last_name = "Maximiliane", "Alexandrowicz-Wolkenstein"
    admin_user.save()
    log_in(page, "boss")
    for width in (1200, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        nav = page.evaluate(
            "(() => { const bar = document.querySelector('nav .container-fluid');"
            " return [bar.getBoundingClientRect().height, bar.scrollWidth - bar.clientWidth]; })()"
        )
        assert nav[0] < 64, f"{width} px: the menu is {nav[0]} px high"
        assert nav[1] <= 0, f"{width} px: the menu is {nav[1]} px too wide"
    page.set_viewport_size({"width": 1199, "height": 900})
    expect(page.locator("#main-nav")).to_be_hidden()
    expect(page.locator("nav .navbar-toggler")).to_be_visible()


def test_the_login_page_switches_language_on_a_phone(new_page, live_server):
    UserFactory(username="luc", language="fr")
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in to Escalade")).to_be_visible()

    switcher = page.locator("#language-switcher")
    expect(switcher.get_by_role("button", name="Русский")).to_be_visible()
    switcher.get_by_role("button", name="Polski").click()

    expect(page.get_by_role("heading", name="Zaloguj się do Escalade")).to_be_visible()
    expect(switcher.get_by_role("button", name="Polski")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("#id_username").fill("luc")
    page.locator("#id_password").fill("pw")
    page.locator("#login-form").get_by_role("button").click()
    # signed in, the person's own language wins over the one picked on the login page
    expect(page.get_by_role("heading", name="Mes demandes")).to_be_visible()
