"""A newcomer applies as a volunteer: from the facility page, by e-mailed link, through every
section, to the submitted application and its PDF. A screenshot of each step."""

import re
from pathlib import Path
from typing import Any

from django.core import mail

from applications.models import Application, Status
from tests.factories import FacilityFactory, valid_answers


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"apply-{name}.png"), full_page=True)


def fill(page: Any, data: dict[str, str]) -> None:
    for name, value in data.items():
        if name.startswith("entries-"):
            continue
        field = page.locator(f"[name='{name}']")
        kind = field.first.get_attribute("type")
        if kind == "radio":
            page.check(f"input[name='{name}'][value='{value}']")
        elif kind == "checkbox":
            page.check(f"input[name='{name}']")
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_volunteer_applies_from_facility_page_to_pdf(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any, tmp_path: Path
) -> None:
    FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
    page.goto(f"{live_server.url}/facilities/ACC/")
    page.get_by_role("link", name="Apply to this facility").click()

    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("E-mail address").fill("jordan.rivera@example.org")
    shot(page, artifacts_dir, "01-sign-in")
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"http://\S+/account/sign-in/[\w-]+/", mail.outbox[-1].body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/apply/?facility=ACC")
    page.check("input[name='kind'][value='volunteer']")
    shot(page, artifacts_dir, "02-start")
    page.get_by_role("button", name="Start").click()

    answers = valid_answers("volunteer")
    for number, (slug, data) in enumerate(answers.items(), start=1):
        if slug == "acknowledgements":
            page.wait_for_url("**/documents/")
            upload = tmp_path / "reference.pdf"
            upload.write_bytes(b"%PDF-1.4\n% reference letter\n")
            page.set_input_files("input[name='file']", str(upload))
            page.get_by_role("button", name="Upload").click()
            page.get_by_role("link", name="reference.pdf").wait_for()
            shot(page, artifacts_dir, "07-documents")
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"**/{slug}/")
        if slug == "identity":
            # Leave a mistake first: the page answers with a summary and keeps every answer.
            fill(page, {**data, "date_of_birth": "2090-01-01"})
            page.get_by_role("button", name="Save and continue").click()
            page.get_by_role("heading", name="There is a problem").wait_for()
            assert page.locator("[name='city']").input_value() == "Jefferson City"
            shot(page, artifacts_dir, "03-identity-error")
        fill(page, data)
        shot(page, artifacts_dir, f"{number + 2:02d}-{slug}")
        page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/review/")
    assert page.get_by_text("You asked for offender contact").count() == 0  # born 1980
    shot(page, artifacts_dir, "10-review")
    page.get_by_role("button", name="Submit application").click()

    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    page.get_by_text(application.reference).first.wait_for()
    shot(page, artifacts_dir, "11-submitted")

    response = page.request.get(
        f"{live_server.url}/account/applications/{application.public_id}/pdf/"
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    (artifacts_dir / "apply-12-application.pdf").write_bytes(response.body())
    assert page.console_errors == [], page.console_errors
