"""A visitor asks for a program visit from the facility page; the IAC schedules it, records
it made (and another missed, and declines someone else's request); the visitor follows the
status link, starts an application and finds their name, e-mail and phone filled in.
A screenshot of each step; every button the pages show is clicked."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from applications import age
from applications.models import Application
from outreach.models import VisitRequest
from tests.browser.conftest import sign_in_staff
from tests.factories import MembershipFactory

pytestmark = pytest.mark.usefixtures("clear_cache")


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"visit-{name}.png"), full_page=True)


def ask(page: Any, url: str, first: str, email: str) -> None:
    page.goto(f"{url}/facilities/ACC/")
    form = page.locator("form", has=page.get_by_role("button", name="Request a visit"))
    form.get_by_label("First name").fill(first)
    form.get_by_label("Last name").fill("Visitor")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Phone").fill("(573) 555-0142")
    form.get_by_label("Education").check()
    form.get_by_label("Preferred date").fill((age.today() + timedelta(days=4)).isoformat())
    form.get_by_role("button", name="Request a visit").click()


def schedule(page: Any, card: Any, days: int) -> None:
    card.get_by_text("Schedule a visit").click()
    card.get_by_label("Date").fill((age.today() + timedelta(days=days)).isoformat())
    card.get_by_label("Time").fill("10:30")
    card.get_by_label("Program").select_option("education")
    card.get_by_role("button", name="Schedule").click()
    page.get_by_text("The visit was scheduled").wait_for()


def test_visit_request_to_scheduled_visit_to_application(
    page: Any, browser: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    url = live_server.url

    # The visitor asks; a second visitor asks too (that request is declined below).
    ask(page, url, "Vera", "vera@example.org")
    page.get_by_text("Your request for a program visit was sent").wait_for()
    page.get_by_text("0 of 3 program visits made").wait_for()
    shot(page, artifacts_dir, "01-requested")
    status_url = page.url
    ask(page, url, "Otto", "otto@example.org")
    page.get_by_text("Your request for a program visit was sent").wait_for()
    assert page.locator(".hp-field input").is_hidden()

    # The IAC signs in and works the inbox.
    sign_in_staff(page, url, iac)
    page.goto(f"{url}/staff/facilities/ACC/")
    page.get_by_role("link", name="Program visits").click()
    page.get_by_role("heading", name="Program visits").wait_for()
    vera = page.locator("section.card", has_text="Vera Visitor")
    shot(page, artifacts_dir, "02-inbox")
    schedule(page, vera, 5)
    vera = page.locator("section.card", has_text="Vera Visitor")
    vera.get_by_role("button", name="Record as made").click()
    page.get_by_text("The visit was recorded").wait_for()
    vera = page.locator("section.card", has_text="Vera Visitor")
    schedule(page, vera, 12)
    vera = page.locator("section.card", has_text="Vera Visitor")
    vera.get_by_role("button", name="Record as missed").click()
    page.get_by_text("The visit was recorded").wait_for()
    otto = page.locator("section.card", has_text="Otto Visitor")
    otto.get_by_text("Decline the request").click()
    otto.get_by_label("Reason (the visitor is told)").fill("No escort is free this month.")
    otto.get_by_role("button", name="Decline").click()
    page.get_by_text("The request was declined").wait_for()
    page.locator("section.card", has_text="Vera Visitor").get_by_text(
        "1 of 3 program visits made"
    ).wait_for()
    shot(page, artifacts_dir, "03-inbox-recorded")
    staff = page

    # The visitor (in their own browser) follows the link in their e-mail and applies.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    assert any(status_url.removeprefix(url) in m.body for m in mail.outbox)
    page.goto(status_url)
    page.get_by_text("1 of 3 program visits made").wait_for()
    shot(page, artifacts_dir, "04-status")
    page.get_by_role("link", name="Start an application").click()
    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label("E-mail address").fill("vera@example.org")
    page.get_by_role("button", name="Send me a sign-in link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"http://\S+/account/sign-in/[\w-]+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/visits/*/apply/")
    page.check("input[name='kind'][value='volunteer']")
    shot(page, artifacts_dir, "05-start")
    page.get_by_role("button", name="Start the application").click()
    page.wait_for_url("**/identity/")
    assert page.get_by_label("First name").input_value() == "Vera"
    assert page.get_by_label("Last name").input_value() == "Visitor"
    assert page.get_by_label("E-mail address").input_value() == "vera@example.org"
    assert "555-0142" in page.locator("input[name='phone']").input_value()
    shot(page, artifacts_dir, "06-draft-prefilled")
    application = Application.objects.get()
    assert VisitRequest.objects.get(email="vera@example.org").person == application.person
    assert staff.console_errors == []
    page.context.close()
