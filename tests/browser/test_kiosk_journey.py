"""Issue 9's browser journey: a coordinator enrolls the front-desk tablet (in the browser,
which signs them out of it); a volunteer signs in at the kiosk and, later, out; the
coordinator approves the hours, then suspends and restores the volunteer. Every button the
pages show is clicked, and what it did is checked in the database, on the staff pages and
on the volunteer's portal. A screenshot of each step."""

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import timezone

from applications import age
from tests.browser.conftest import sign_in_staff
from tests.dates import long_date
from tests.factories import MembershipFactory
from tests.volunteers.activation_helpers import active_grant
from volunteers.models import (
    AccessEventKind,
    AccessStatus,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
    KioskDevice,
    KioskVisit,
    KioskVisitStatus,
)


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"kiosk-{name}.png"), full_page=True)


def signed_in_context(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


DUPLICATE_IDS = """() => {
    const seen = {};
    for (const el of document.querySelectorAll("[id]")) seen[el.id] = (seen[el.id] || 0) + 1;
    return Object.keys(seen).filter(id => seen[id] > 1);
}"""


def two_hours_pass(visit: KioskVisit) -> None:
    """The volunteer serves: their sign-in moves two hours back (kept on today's date, so
    the visit stays one day's; only in the first minutes after midnight is it shorter)."""
    local_midnight = timezone.make_aware(datetime.combine(age.today(), time.min))
    KioskVisit.objects.filter(pk=visit.pk).update(
        signed_in_at=max(visit.signed_in_at - timedelta(hours=2), local_midnight)
    )


def test_kiosk_visit_to_approved_hours_then_suspend_and_restore(
    page: Any, browser: Any, live_server: Any, artifacts_dir: Path, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    facility = iac.memberships.get().facility
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=30))
    badge = grant.badge_number or ""
    first_name = grant.person.first_name

    # The coordinator enrolls the tablet, signed in on it, and is signed out by it.
    tablet_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
    tablet = tablet_context.new_page()
    tablet.set_default_timeout(10_000)
    tablet_errors: list[str] = []
    tablet.on("pageerror", lambda exc: tablet_errors.append(str(exc)))
    sign_in_staff(tablet, live_server.url, iac)
    tablet.goto(f"{live_server.url}/staff/facilities/ACC/kiosk/")
    tablet.get_by_text("No kiosk is enrolled for this facility.").wait_for()
    tablet.locator("summary", has_text="Enroll this browser as the kiosk").click()
    tablet.get_by_label("Name of this device").fill("Front desk tablet")
    shot(tablet, artifacts_dir, "01-enroll")
    tablet.get_by_role("button", name="Enroll and sign me out").click()
    tablet.wait_for_url("**/kiosk/ACC/")
    device = KioskDevice.objects.get()
    assert (device.facility, device.name, device.revoked_at) == (
        facility,
        "Front desk tablet",
        None,
    )
    # The tablet holds the kiosk's key, and no staff session any more.
    cookies = {c["name"]: c for c in tablet_context.cookies()}
    assert cookies["pic_kiosk"]["httpOnly"]
    assert cookies["pic_kiosk"]["path"] == "/kiosk/"
    assert "sessionid" not in cookies
    shot(tablet, artifacts_dir, "02-desk")

    # The volunteer signs in on arrival.
    tablet.get_by_label("Badge number").fill(badge)
    tablet.get_by_role("button", name="Sign in or out").click()
    tablet.get_by_text(f"Welcome, {first_name}. You signed in at").wait_for()
    shot(tablet, artifacts_dir, "03-signed-in")
    visit = KioskVisit.objects.get()
    assert (visit.access_id, visit.status) == (grant.pk, KioskVisitStatus.OPEN)
    # The answer would go back to the desk by itself; the volunteer stops the countdown.
    tablet.get_by_role("button", name="Keep this screen").click()
    tablet.get_by_text("This screen goes back to the start in").wait_for(state="hidden")
    tablet.get_by_role("link", name="Done").click()
    tablet.wait_for_url("**/kiosk/ACC/")
    tablet.get_by_label("Badge number").wait_for()

    # The staff page shows them signed in now.
    sign_in_staff(page, live_server.url, iac)
    page.goto(f"{live_server.url}/staff/facilities/ACC/kiosk/")
    page.get_by_role("cell", name="Front desk tablet").first.wait_for()
    assert page.locator("li", has_text=badge).count() >= 1
    shot(page, artifacts_dir, "04-staff-signed-in-now")

    # Two hours later they sign out on leaving.
    two_hours_pass(visit)
    tablet.get_by_label("Badge number").fill(badge)
    tablet.get_by_role("button", name="Sign in or out").click()
    tablet.get_by_text(f"Thank you, {first_name}. You signed out at").wait_for()
    tablet.get_by_text("are waiting for the coordinator's approval.").wait_for()
    shot(tablet, artifacts_dir, "05-signed-out")
    visit.refresh_from_db()
    assert visit.status == KioskVisitStatus.SIGNED_OUT
    entry = HourEntry.objects.get()
    assert (entry.access_id, entry.source, entry.status) == (
        grant.pk,
        HourSource.KIOSK,
        HourStatus.PENDING,
    )
    assert entry.hours > 0
    assert entry.worked_on == age.today()
    assert f"{floatformat(entry.hours, '-2')} hours are waiting" in tablet.content()
    tablet.get_by_role("link", name="Done").click()
    tablet.get_by_label("Badge number").wait_for()

    # The volunteer's portal: the entry waits for approval.
    volunteer_context = signed_in_context(browser, live_server, grant.person.user)
    mine = volunteer_context.new_page()
    mine.goto(f"{live_server.url}/account/hours/")
    my_entries = mine.locator("table", has_text="Hours I logged").locator("tbody tr")
    assert "Pending approval" in my_entries.inner_text()

    # The coordinator approves the hours.
    page.goto(f"{live_server.url}/staff/facilities/ACC/hours/")
    queue_row = page.locator("tbody tr", has_text=grant.person.full_name)
    assert "Gate kiosk" in queue_row.inner_text()
    shot(page, artifacts_dir, "06-queue")
    queue_row.get_by_role("button", name="Approve").click()
    page.get_by_text("1 entries approved.").wait_for()
    page.get_by_text("No hours are waiting for approval.").wait_for()
    shot(page, artifacts_dir, "07-approved")
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (HourStatus.APPROVED, iac)
    mine.reload()
    assert "Approved" in my_entries.inner_text()
    assert my_entries.get_by_role("button", name="Remove").count() == 0  # approved: fixed
    totals = mine.locator("table", has_text="Approved hours by year").locator("tbody tr")
    assert f"{entry.hours.normalize():f}" in totals.inner_text()
    mine.screenshot(path=str(artifacts_dir / "kiosk-08-volunteer-hours.png"), full_page=True)

    # The coordinator suspends the volunteer, with a review date.
    review = age.today() + timedelta(days=14)
    page.goto(f"{live_server.url}/staff/facilities/ACC/access/{grant.pk}/")
    # Many forms on one page: each label must name its own field.
    assert page.evaluate(DUPLICATE_IDS) == []
    page.locator("summary", has_text="Suspend").click()
    page.get_by_label("Reason for the suspension").fill("Left the badge in the visiting room")
    page.get_by_label("Review on (optional)").fill(review.isoformat())
    shot(page, artifacts_dir, "09-suspend")
    page.locator("form[action$='/suspend/'] button[type=submit]").click()
    page.get_by_text("Suspended; the volunteer is told by e-mail.").wait_for()
    assert page.locator(".lead .status-badge").inner_text() == "Suspended"
    page.get_by_text(f"Review on {long_date(review)}.").wait_for()
    shot(page, artifacts_dir, "10-suspended")
    grant.refresh_from_db()
    assert (grant.status, grant.review_on) == (AccessStatus.SUSPENDED, review)
    assert grant.events.filter(kind=AccessEventKind.SUSPENDED).count() == 1

    mine.goto(f"{live_server.url}/account/access/")
    mine.get_by_text("Your access is suspended").wait_for()
    assert mine.locator(".status-badge").first.inner_text() == "Suspended"
    mine.screenshot(path=str(artifacts_dir / "kiosk-11-volunteer-suspended.png"), full_page=True)

    # Suspended, the badge is refused at the gate without saying why.
    tablet.get_by_label("Badge number").fill(badge)
    tablet.get_by_role("button", name="Sign in or out").click()
    tablet.get_by_text("Please see the officer at the desk.").wait_for()
    assert "suspended" not in tablet.content().lower()
    shot(tablet, artifacts_dir, "12-refused")
    tablet.get_by_role("link", name="Done").click()
    tablet.get_by_label("Badge number").wait_for()
    assert KioskVisit.objects.count() == 1

    # The coordinator restores them.
    page.reload()
    assert page.evaluate(DUPLICATE_IDS) == []
    page.get_by_label("Note (optional)").fill("Badge found and returned")
    page.locator("form[action$='/restore/'] button[type=submit]").click()
    page.get_by_text("Restored.").wait_for()
    assert page.locator(".lead .status-badge").inner_text() == "Active"
    shot(page, artifacts_dir, "13-restored")
    grant = FacilityAccess.objects.get(pk=grant.pk)
    assert (grant.status, grant.review_on) == (AccessStatus.ACTIVE, None)
    assert grant.events.filter(kind=AccessEventKind.RESTORED).count() == 1

    mine.goto(f"{live_server.url}/account/access/")
    assert mine.locator(".status-badge").first.inner_text() == "Active"
    assert mine.get_by_text("Your access is suspended").count() == 0
    mine.screenshot(path=str(artifacts_dir / "kiosk-14-volunteer-restored.png"), full_page=True)

    # Restored, the badge opens the kiosk again.
    tablet.get_by_label("Badge number").fill(badge)
    tablet.get_by_role("button", name="Sign in or out").click()
    tablet.get_by_text(f"Welcome, {first_name}.").wait_for()

    volunteer_context.close()
    tablet_context.close()
    assert tablet_errors == [], tablet_errors
    assert page.console_errors == [], page.console_errors
