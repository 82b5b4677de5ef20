"""Playwright driving Debian's Chromium against Django's live_server.

Browser tests skip with a reason when Chromium is absent and fail instead when
REQUIRE_BROWSER=1 (CI). Never `playwright install`: it downloads, and cannot here.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PIC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself beside it would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM} (apt-get install --no-install-recommends chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def sign_in_staff(page: Any, base_url: str, user: Any, *, start: str = "/staff/login/") -> None:
    """Sign a staff account in through the real forms: the password, then the second step
    with a code its (real, confirmed) authenticator shows now."""
    import time

    from django_otp.oath import totp

    from tests.conftest import verified_device
    from tests.factories import STAFF_PASSWORD

    device = verified_device(user)
    if not page.url.startswith(f"{base_url}{start}"):
        page.goto(f"{base_url}{start}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/mfa/**")
    device.refresh_from_db()
    # A code works once: after a sign-in earlier in this time step, wait for the next one.
    while int((time.time() - device.t0) / device.step) <= device.last_t:
        time.sleep(0.5)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/staff/mfa/" not in url and "/staff/login/" not in url)
