"""The staff application page and the roster print cleanly (issue 14, item 5): no header,
navigation, footer, buttons or forms; every answer printed, links as their words. Printed
to PDF by headless Chromium, page 1 saved as a PNG to look at."""

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from tests.factories import FacilityFactory, MembershipFactory, submitted_application
from tests.volunteers.activation_helpers import active_grant


def _sign_in(page: Any, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _printed(page: Any, artifacts: Path, name: str) -> str:
    """Print the page to PDF as Chromium does, keep page 1 as a PNG, return the text."""
    pdf = page.pdf(format="Letter", print_background=True)
    (artifacts / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                "-",
                str(artifacts / name),
            ],
            input=pdf,
            check=True,
        )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    # A cell's words wrap onto lines of their own; "ff" may come out as one ligature.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _nothing_to_press(page: Any) -> None:
    for hidden in (".gov-banner", ".site-header", ".site-footer", ".breadcrumb"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator("button:visible, .btn:visible, input:visible, select:visible").count() == 0
    assert page.locator("textarea:visible, summary:visible").count() == 0


@pytest.fixture
def iac(transactional_db: Any) -> User:
    facility = FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
    return MembershipFactory.create(facility=facility).user


def test_the_application_page_prints_its_answers_without_controls(
    page: Any, live_server: Any, artifacts_dir: Path, iac: User
) -> None:
    application = submitted_application(facility=iac.memberships.get().facility)
    _sign_in(page, live_server, iac)
    page.goto(f"{live_server.url}/staff/applications/{application.reference}/")
    assert page.locator(".site-header").is_visible()  # on screen, the page as usual
    assert page.get_by_role("button", name="Start review").is_visible()

    page.emulate_media(media="print")
    _nothing_to_press(page)
    assert page.get_by_role("heading", name="Answers as signed").is_visible()
    assert page.get_by_role("heading", name="1. Applicant information").is_visible()
    assert page.get_by_text("Jefferson City").first.is_visible()
    assert page.get_by_role("link", name=application.person.full_name).is_visible()
    assert page.get_by_role("heading", name="Timeline").is_visible()
    assert page.get_by_role("heading", name="Actions").is_hidden()

    text = _printed(page, artifacts_dir, "print-application")
    assert application.reference in text
    assert "Jefferson City" in text
    assert "Criminal history" in text
    for control in ("Sign out", "Start review", "Queue", "Skip to main content"):
        assert control not in text, control
    assert page.console_errors == [], page.console_errors


def test_the_roster_prints_its_table_without_controls(
    page: Any, live_server: Any, artifacts_dir: Path, iac: User
) -> None:
    facility = iac.memberships.get().facility
    grant = active_grant(facility, by=iac)
    _sign_in(page, live_server, iac)
    page.goto(f"{live_server.url}/staff/facilities/{facility.code}/roster/")
    assert page.get_by_role("button", name="Apply to the selected").is_visible()

    page.emulate_media(media="print")
    _nothing_to_press(page)
    assert page.get_by_role("columnheader", name="Badge").is_visible()
    assert page.get_by_role("link", name=grant.person.full_name).is_visible()
    assert page.get_by_text("With the selected volunteers").is_hidden()

    text = _printed(page, artifacts_dir, "print-roster")
    assert grant.person.full_name in text
    assert str(grant.badge_number) in text.replace("- ", "-")  # "ACC-00001" wraps at its hyphen
    for control in ("Download CSV", "Apply to the selected", "Sign out"):
        assert control not in text, control
    assert page.console_errors == [], page.console_errors
