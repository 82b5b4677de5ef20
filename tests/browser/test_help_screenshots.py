"""The help pages' pictures are taken here, from the running site, so they show the pages
as they are. A picture is rewritten into static/help/ only when the page looks different
(more than a few percent of its pixels), so dates and reference numbers changing from run
to run do not touch the committed files; a missing picture is always written."""

from pathlib import Path
from typing import Any

from django.test import Client
from PIL import Image, ImageChops

from accounts.models import User
from screening.services.review import start_review
from tests.factories import MembershipFactory, draft_application, submitted_application

HELP = Path(__file__).resolve().parents[2] / "static" / "help"
VIEWPORT = {"width": 1280, "height": 800}
CHANGED = 0.03  # share of pixels that differ before a picture counts as changed


def _signed_in(browser: Any, live_server: Any, user: User) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _changed(old: Path, new: Path) -> bool:
    with Image.open(old) as before, Image.open(new) as after:
        if before.size != after.size:
            return True
        difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB"))
        differing = sum(1 for pixel in difference.getdata() if pixel != (0, 0, 0))
        return differing / (after.size[0] * after.size[1]) > CHANGED


def _picture(page: Any, name: str, artifacts: Path) -> None:
    fresh = artifacts / f"help-{name}"
    page.screenshot(path=str(fresh))  # the viewport: the pictures are 1280 by 800
    target = HELP / name
    if not target.exists() or _changed(target, fresh):
        HELP.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fresh.read_bytes())


def test_the_help_pictures_are_taken_from_the_site_and_shown_in_the_guides(
    browser: Any,
    live_server: Any,
    artifacts_dir: Path,
    transactional_db: Any,
    pic_coordinator: User,
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    facility = iac.memberships.get().facility
    draft = draft_application(facility=facility, complete=False)
    submitted = submitted_application(facility=facility)
    start_review(application=submitted, by=iac)

    applicant = _signed_in(browser, live_server, draft.person.user)
    applicant.goto(f"{live_server.url}/account/applications/{draft.public_id}/identity/")
    applicant.get_by_role("heading", name="Section 1").wait_for()
    _picture(applicant, "applicant-section.png", artifacts_dir)

    watcher = _signed_in(browser, live_server, submitted.person.user)
    watcher.goto(f"{live_server.url}/account/applications/{submitted.public_id}/")
    watcher.get_by_text(submitted.reference).first.wait_for()
    _picture(watcher, "applicant-status.png", artifacts_dir)

    staff = _signed_in(browser, live_server, iac)
    staff.goto(f"{live_server.url}/staff/applications/{submitted.reference}/")
    staff.get_by_text("Screening steps").first.wait_for()
    _picture(staff, "staff-application.png", artifacts_dir)

    central = _signed_in(browser, live_server, pic_coordinator)
    central.goto(f"{live_server.url}/staff/reports/")
    central.get_by_role("heading", name="Reports").wait_for()
    _picture(central, "reports-overview.png", artifacts_dir)

    # Each guide shows its pictures, loaded (a broken image has no natural width).
    for page, path in (
        (applicant, "/help/applying/"),
        (staff, "/staff/help/"),
        (central, "/staff/help/statewide/"),
    ):
        page.goto(f"{live_server.url}{path}")
        widths = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.naturalWidth)")
        assert widths, path
        assert all(width == VIEWPORT["width"] for width in widths), (path, widths)
    for page in (applicant, watcher, staff, central):
        page.context.close()
