"""An applicant and a staff member click "Sign out" and the session is really gone."""

from pathlib import Path
from typing import Any

from django.test import Client

from tests.browser.conftest import sign_in_staff
from tests.factories import MembershipFactory, applicant


def test_an_applicant_signs_out(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    person = applicant()
    assert person.user is not None
    client = Client()
    client.force_login(person.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name=f"Sign out ({person.user.email})").click()
    page.get_by_text("You are signed out.").wait_for()
    page.screenshot(path=str(artifacts_dir / "sign-out-applicant.png"), full_page=True)

    page.goto(f"{live_server.url}/account/")
    page.wait_for_url("**/account/sign-in/**")
    assert page.get_by_role("button", name=f"Sign out ({person.user.email})").count() == 0
    assert page.console_errors == [], page.console_errors


def test_staff_sign_out(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(facility__code="ACC").user
    sign_in_staff(page, live_server.url, iac)
    page.get_by_role("link", name="Queue").wait_for()

    page.get_by_role("button", name=f"Sign out ({iac.email})").click()
    page.wait_for_load_state()
    assert "Please try again" not in page.content()
    page.screenshot(path=str(artifacts_dir / "sign-out-staff.png"), full_page=True)

    page.goto(f"{live_server.url}/staff/")
    page.wait_for_url("**/staff/login/**")
    assert page.get_by_role("link", name="Queue").count() == 0
    assert page.console_errors == [], page.console_errors
