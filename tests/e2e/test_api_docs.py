"""The API docs (Swagger UI) in a real browser under the site's strict
Content-Security-Policy, and the favicon."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_swagger_ui_lists_the_operations_with_no_csp_violation(page):
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" or "Security" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Escalade API")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/canned-replies/").first
    expect(operation).to_be_visible()
    assert page.locator(".opblock").count() > 50
    # The moved inline style applies: the body keeps Swagger UI's background.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(250, 250, 250)"
    assert problems == []


def test_the_favicon_is_served_and_linked(page):
    response = page.goto("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    page.goto("/accounts/login/")
    icons = page.locator("link[rel=icon]")
    expect(icons).to_have_count(2)  # the SVG where browsers take it, the .ico elsewhere
    hrefs = [icons.nth(i).get_attribute("href") for i in range(2)]
    assert hrefs[0].endswith("favicon.svg")
    assert hrefs[1].endswith("favicon.ico")
