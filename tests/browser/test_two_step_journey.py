"""A new coordinator's first sign-in: password, authenticator enrolment from the QR page,
backup codes; later the idle warning, and "Stay signed in" keeps the session."""

import re
import time
from pathlib import Path
from typing import Any

from django.conf import LazySettings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import sign_in_staff
from tests.factories import STAFF_PASSWORD, MembershipFactory


def test_first_sign_in_enrols_the_authenticator(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(facility__code="ACC").user
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("E-mail address").fill(iac.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/mfa/setup/**")
    assert page.locator(".mfa-qr svg").is_visible()
    page.screenshot(path=str(artifacts_dir / "mfa-01-setup.png"), full_page=True)

    device = TOTPDevice.objects.get(user=iac, confirmed=False)
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    page.get_by_label("Code").fill(f"{clock.token():06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/staff/mfa/codes/**")
    codes = page.locator(".mfa-codes code").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    page.screenshot(path=str(artifacts_dir / "mfa-02-backup-codes.png"), full_page=True)

    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.get_by_role("link", name="Queue").wait_for()
    assert page.console_errors == [], page.console_errors


def test_the_idle_warning_offers_to_stay_signed_in(
    page: Any,
    live_server: Any,
    artifacts_dir: Path,
    transactional_db: Any,
    settings: LazySettings,
) -> None:
    settings.PIC_STAFF_IDLE_MINUTES = 1
    settings.PIC_STAFF_IDLE_WARNING_SECONDS = 57  # the warning shows after 3 quiet seconds
    iac = MembershipFactory.create(facility__code="ACC").user
    sign_in_staff(page, live_server.url, iac)

    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible")
    assert re.search(r"\d:\d\d", warning.inner_text())
    page.screenshot(path=str(artifacts_dir / "idle-warning.png"), full_page=False)
    with page.expect_response("**/staff/session/stay/") as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    warning.wait_for(state="hidden")
    assert page.console_errors == [], page.console_errors
