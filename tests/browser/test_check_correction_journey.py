"""A coordinator records a background check that needs review, supersedes it with a
cleared re-run, and marks the step passed; the page keeps both checks. Screenshots."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from applications import age
from screening import services
from screening.models import BackgroundCheck, StepKind, StepState
from tests.browser.conftest import sign_in_staff
from tests.factories import MembershipFactory, submitted_application


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"check-{name}.png"), full_page=True)


def test_coordinator_supersedes_a_check_and_passes_the_step(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    application = submitted_application(facility=iac.memberships.get().facility)
    services.start_review(application=application, by=iac)
    step = application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)
    section = page.locator(f"section[aria-labelledby='step-{step.pk}']")

    sign_in_staff(page, live_server.url, iac)
    page.get_by_role("link", name=application.reference).click()

    # The first MULES check comes back for review.
    section.get_by_text("Add a check result").click()
    section.locator("select[name='check_type']").select_option("mules")
    section.locator("input[name='run_on']").fill((age.today() - timedelta(days=5)).isoformat())
    section.locator("select[name='outcome']").select_option("needs_review")
    section.locator("input[name='reference']").fill("MULES-1")
    section.locator("input[name='performed_by']").fill("Missouri State Highway Patrol")
    section.get_by_role("button", name="Record check").click()
    page.get_by_text("Check recorded.").wait_for()
    shot(page, artifacts_dir, "01-needs-review")

    # Passing the step now is refused, and says why.
    section.get_by_text("Record this step").click()
    section.locator("select[name$='-state']").select_option("passed")
    section.get_by_role("button", name="Save").click()
    page.get_by_text("every current check on it is cleared").first.wait_for()
    shot(page, artifacts_dir, "02-pass-refused")

    # The re-run clears and supersedes it.
    first = BackgroundCheck.objects.get(step=step)
    row = section.locator(f"#check-{first.pk} + tr")
    row.get_by_text("Record a re-run of this MULES check").click()
    rerun = f"rerun-{first.pk}"
    row.locator(f"input[name='{rerun}-run_on']").fill(age.today().isoformat())
    row.locator(f"select[name='{rerun}-outcome']").select_option("cleared")
    row.locator(f"input[name='{rerun}-reference']").fill("MULES-1-R")
    row.get_by_label("Why it was run again").fill(
        "The first hit was another person of the same name; re-run with the date of birth."
    )
    row.get_by_role("button", name="Record re-run").click()
    page.get_by_text("Re-run recorded; the earlier check is kept, marked superseded.").wait_for()
    section.get_by_text("another person of the same name").wait_for()
    shot(page, artifacts_dir, "03-superseded")

    section.get_by_text("Record this step").click()
    section.locator("select[name$='-state']").select_option("passed")
    section.locator("input[name$='-conducted_by']").fill("A. Carter")
    section.get_by_role("button", name="Save").click()
    page.get_by_text("Step recorded.").wait_for()
    page.get_by_role("heading", name="Background check — Passed").wait_for()
    shot(page, artifacts_dir, "04-passed")

    step.refresh_from_db()
    assert step.state == StepState.PASSED
    first.refresh_from_db()
    assert first.superseded_by is not None
    assert first.superseded_by.outcome == "cleared"
    # Both checks stay on the page: the earlier one marked superseded.
    assert section.locator(f"#check-{first.pk}").get_by_text("Superseded").is_visible()
    assert section.locator(f"#check-{first.superseded_by.pk}").get_by_text("Current").is_visible()
    assert page.console_errors == [], page.console_errors
