"""Privacy in a real browser, on a 390 px phone: an administrator exports what is
held about a requester, downloads the archive, then erases the requester."""

import pytest
from playwright.sync_api import expect

from reports.privacy.models import ErasureLog
from tests.factories import AdminFactory, TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.e2e
EMAIL = "greta.muller@acme.example"


@pytest.fixture
def phone(browser, live_server, transactional_db, settings, tmp_path):
    settings.PRIVACY_EXPORT_DIR = str(tmp_path)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
        timezone_id="UTC",
        accept_downloads=True,
    )
    yield context.new_page()
    context.close()


def test_an_admin_exports_then_erases_a_requester_on_a_phone(phone, shots_dir):
    AdminFactory(username="root")
    for number in range(2):
        TicketFactory(requester_name="Greta Müller", requester_email=EMAIL, title=f"VPN {number}")
    page = phone
    page.goto("/admin/login/?next=/admin/privacy/exportjob/add/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Requester's e-mail address").fill(EMAIL)
    page.get_by_role("button", name="Export a requester's data").click()
    expect(page.locator("#export-status")).to_contain_text("Ready")
    page.screenshot(path=shots_dir / "privacy-export-phone.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#export-download").click()
    assert download.value.suggested_filename.endswith(".zip")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto("/admin/privacy/erasurelog/add/")
    page.get_by_label("Requester's e-mail address").fill(EMAIL)
    page.get_by_role("button", name="Erase a requester").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Erase a requester").click()
    log = ErasureLog.objects.get()
    expect(page.locator(".messagelist")).to_contain_text(f"now name {log.pseudonym}")
    page.screenshot(path=shots_dir / "privacy-erased-phone.png", full_page=True)
    assert not Ticket.objects.filter(requester_email=EMAIL).exists()
