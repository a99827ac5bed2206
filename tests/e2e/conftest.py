"""Browser tests: Playwright (sync API) drives the machine's Chromium against live_server.

Playwright's own browser download is not used: we launch the Chromium found at
``CHROMIUM_PATH``, on the ``PATH`` or at ``/usr/bin/chromium``. Without one the
tests are skipped, unless ``ESCALADE_REQUIRE_BROWSER=1`` (CI) makes that a failure.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no outside network: without these Chromium keeps trying
    # (and failing) to reach Google's update, sync and component services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
FACTORY_PASSWORD = "pw"  # what tests.factories.UserFactory gives every user
SHOTS_DIR = Path(os.environ.get("ESCALADE_SHOTS_DIR", "/tmp/escalade-shots"))  # noqa: S108


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to launch, or None and why none was found."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, ""
        return None, f"CHROMIUM_PATH={configured} is not an executable file"
    found = shutil.which("chromium")
    if found:
        return found, ""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium", ""
    return None, "no Chromium: set CHROMIUM_PATH or install Debian's chromium package"


@pytest.fixture(scope="module")
def chromium_path() -> str:
    path, why = find_chromium()
    if path is None:
        if os.environ.get("ESCALADE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ESCALADE_REQUIRE_BROWSER=1 but {why}", pytrace=False)
        pytest.skip(f"browser tests skipped: {why}")
    return path


@pytest.fixture(scope="module")
def playwright(chromium_path: str) -> Iterator:
    """Playwright's sync API, started for the module's tests only.

    While it runs, the main thread has a running asyncio loop, and Django refuses ORM
    calls from it (SynchronousOnlyOperation). The tests and pytest-django's
    fixtures use the ORM in the main thread on purpose (the live server runs in its
    own thread), so allow it, but only while Playwright runs: the rest of the suite
    keeps Django's check.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright, chromium_path: str) -> Iterator:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db) -> Iterator[Callable]:
    """Open a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            timezone_id="UTC",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in() -> Callable:
    """Log in through the real login form and land on the queue."""
    from playwright.sync_api import expect

    def log_in(page, username: str, password: str = FACTORY_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.locator("#login-form").get_by_role("button", name="Log in").click()
        expect(page.locator("#current-user")).to_be_visible()
        return page

    return log_in


@pytest.fixture
def shots_dir() -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR
