"""A tampered entries count (TOTAL_FORMS set to 1000 in the page) is refused with the error
summary, the page stays small, and the section saves normally afterwards."""

from pathlib import Path
from typing import Any

from django.test import Client

from applications import sections as S
from tests.factories import FacilityFactory, draft_application


def test_a_tampered_total_forms_is_refused_with_the_error_summary(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    facility = FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
    draft = draft_application(facility=facility, complete=False)
    client = Client()
    client.force_login(draft.person.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    url = f"{live_server.url}/account/applications/{draft.public_id}/{S.RELATIONSHIPS}/"

    page.goto(url)
    page.check("input[name='has_relationships'][value='yes']")
    page.fill("input[name='entries-0-name']", "Kevin Rivera")
    page.fill("input[name='entries-0-relationship']", "Brother")
    page.evaluate("document.querySelector(\"[name='entries-TOTAL_FORMS']\").value = '1000'")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="There is a problem").wait_for()
    summary = page.locator("#error-summary")
    assert "List at most 20 entries here" in summary.inner_text()
    assert page.locator("[name$='-name'][name^='entries-']").count() <= 20
    assert page.locator("[name='entries-TOTAL_FORMS']").input_value() == "20"
    assert page.locator("[name='entries-0-name']").input_value() == "Kevin Rivera"  # kept
    assert len(page.content()) < 300_000
    page.screenshot(path=str(artifacts_dir / "oversized-formset-refused.png"), full_page=True)

    # Submitting the page as it now stands saves the one real entry.
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"**/{S.EMPLOYMENT}/")
    assert list(draft.relationships.values_list("name", flat=True)) == ["Kevin Rivera"]
    assert page.console_errors == [], page.console_errors
