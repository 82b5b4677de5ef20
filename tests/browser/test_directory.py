"""A visitor finds a facility in the directory, filters it, and opens the facility's page."""

from pathlib import Path
from typing import Any

from django.core.management import call_command


def test_directory_filter_and_open_facility(
    page: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    call_command("load_facilities", verbosity=0)

    page.goto(f"{live_server.url}/facilities/")
    assert page.get_by_role("heading", name="Facility directory").is_visible()
    assert page.get_by_role("link", name="Algoa Correctional Center").is_visible()
    assert page.get_by_role("link", name="Probation & Parole District 2 - Chillicothe").is_visible()

    # Narrow to correctional centers: htmx swaps the results in place.
    page.get_by_label("Type of facility").select_option("adult_institution")
    page.wait_for_url("**kind=adult_institution**")
    page.get_by_role("link", name="Algoa Correctional Center").wait_for()
    assert page.get_by_role("link", name="Probation & Parole District 2 - Chillicothe").count() == 0

    page.get_by_label("Name or city").fill("Jefferson City")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=Jefferson**")
    page.get_by_role("link", name="Algoa Correctional Center").wait_for()
    assert page.get_by_role("link", name="Boonville Correctional Center").count() == 0
    page.screenshot(path=str(artifacts_dir / "directory-filtered.png"), full_page=True)

    page.get_by_role("link", name="Algoa Correctional Center").click()
    page.wait_for_url("**/facilities/ACC/")
    assert page.get_by_role("heading", name="Algoa Correctional Center", level=1).is_visible()
    assert page.get_by_text("8501 No More Victims Road").is_visible()
    assert "donotpay" not in page.content()
    page.screenshot(path=str(artifacts_dir / "facility-detail.png"), full_page=True)

    assert page.console_errors == [], page.console_errors
