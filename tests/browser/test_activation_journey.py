"""From approval through a training session to activation: the volunteer signs up for the
facility orientation, the IAC records attendance, the other trainings and the TB test, and
activates; the volunteer then sees the badge. A screenshot of each step."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone

from applications import age
from tests.browser.conftest import sign_in_staff
from tests.factories import MembershipFactory
from tests.volunteers.test_activation_flow import approved_grant
from volunteers import activation
from volunteers.models import AccessStatus, Course, FacilityAccess


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"activation-{name}.png"), full_page=True)


def as_user(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_approval_to_activation(
    page: Any, browser: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    facility = iac.memberships.get().facility
    grant = approved_grant(facility, iac)
    starts = timezone.now() + timedelta(hours=2)
    session = activation.schedule_session(
        by=iac,
        course=Course.objects.get(code="facility-orientation"),
        facility=facility,
        place="Visiting room",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=8,
    )

    volunteer = as_user(browser, live_server, grant.person.user)
    mine = volunteer.new_page()
    mine.goto(f"{live_server.url}/account/sessions/")
    mine.get_by_role("button", name="Sign up").click()
    mine.get_by_text("You are signed up.").wait_for()
    mine.screenshot(
        path=str(artifacts_dir / "activation-01-volunteer-signs-up.png"), full_page=True
    )

    # The session takes place.
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    sign_in_staff(page, live_server.url, iac)
    page.goto(f"{live_server.url}/staff/facilities/ACC/sessions/{session.pk}/")
    shot(page, artifacts_dir, "02-session")
    page.get_by_role("button", name="Record attendance and completions").click()
    page.get_by_text("Attendance recorded: 1 completions.").wait_for()

    page.goto(f"{live_server.url}/staff/facilities/ACC/access/{grant.pk}/")
    shot(page, artifacts_dir, "03-gate")
    for code in ("volunteer-orientation", "prea"):
        page.locator("summary", has_text="Record a training").click()
        page.select_option("select[name='course']", str(Course.objects.get(code=code).pk))
        page.fill("input[name='completed_on']", age.today().isoformat())
        page.get_by_role("button", name="Record", exact=True).first.click()
        page.get_by_text("Training recorded.").wait_for()
    page.locator("summary", has_text="Record a TB test").click()
    page.fill("input[name='tested_on']", age.today().isoformat())
    page.select_option("select[name='result']", "negative")
    page.locator("form[action$='/tb-test/'] button").click()
    page.get_by_text("TB test recorded.").wait_for()
    page.get_by_text("Everything needed for activation is in place.").wait_for()
    shot(page, artifacts_dir, "04-ready")
    page.get_by_role("button", name="Activate and assign the badge").click()
    page.get_by_text("Activated; the badge number is assigned.").wait_for()
    shot(page, artifacts_dir, "05-active")
    grant.refresh_from_db()
    assert grant.status == AccessStatus.ACTIVE
    assert grant.badge_number == "ACC-00001"

    mine.goto(f"{live_server.url}/account/access/")
    mine.get_by_text("ACC-00001").wait_for()
    mine.screenshot(path=str(artifacts_dir / "activation-06-volunteer-badge.png"), full_page=True)
    volunteer.close()
    assert FacilityAccess.objects.get(pk=grant.pk).level_effective == "contact"
    assert page.console_errors == [], page.console_errors
