"""An IAC signs in, finds a new application, records each step, approves it; the applicant's
portal then shows the approval. A screenshot of each step."""

from pathlib import Path
from typing import Any

from applications.models import Application, Status
from tests.browser.conftest import sign_in_staff
from tests.factories import MembershipFactory, submitted_application


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"staff-{name}.png"), full_page=True)


def test_iac_screens_and_approves(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, browser: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    application = submitted_application(facility=iac.memberships.get().facility)

    page.goto(f"{live_server.url}/staff/")
    page.wait_for_url("**/staff/login/**")
    sign_in_staff(page, live_server.url, iac, start="/staff/login/")
    page.get_by_role("link", name=application.reference).wait_for()
    shot(page, artifacts_dir, "01-queue")

    page.get_by_role("link", name=application.reference).click()
    page.get_by_role("button", name="Start review").click()
    page.get_by_text("Review started; the screening steps").wait_for()
    shot(page, artifacts_dir, "02-review-started")

    page.get_by_text("Add a check result").click()
    page.select_option("select[name='check_type']", "mules")
    page.fill("input[name='run_on']", "2026-11-02")
    page.select_option("select[name='outcome']", "cleared")
    page.fill("input[name='reference']", "MULES-1")
    page.fill("input[name='performed_by']", "Missouri State Highway Patrol")
    page.get_by_role("button", name="Record check").click()
    page.wait_for_load_state()
    shot(page, artifacts_dir, "02b-check")
    page.get_by_text("Check recorded.").wait_for()

    for step in application.screening_steps.order_by("order"):
        section = page.locator(f"section[aria-labelledby='step-{step.pk}']")
        section.get_by_text("Record this step").click()
        section.locator("select[name$='-state']").select_option("passed")
        section.locator("input[name$='-conducted_by']").fill("A. Carter")
        section.get_by_role("button", name="Save").click()
        page.get_by_text("Step recorded.").first.wait_for()
    page.get_by_text("Everything needed for approval is in place.").wait_for()
    shot(page, artifacts_dir, "03-steps-passed")

    page.locator("summary", has_text="Approve").click()
    page.select_option("select[name='level']", "contact")
    page.get_by_role("button", name="Approve").last.click()
    page.get_by_text("Approved. Facility access now awaits activation.").wait_for()
    shot(page, artifacts_dir, "04-approved")
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED

    # The applicant's portal, in a separate browser session.
    context = browser.new_context()
    applicant_page = context.new_page()
    from django.test import Client

    client = Client()
    client.force_login(application.person.user)
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    applicant_page.goto(f"{live_server.url}/account/applications/{application.public_id}/")
    applicant_page.get_by_text("Approved").first.wait_for()
    applicant_page.screenshot(
        path=str(artifacts_dir / "staff-05-applicant-sees-approval.png"), full_page=True
    )
    context.close()
    assert page.console_errors == [], page.console_errors
