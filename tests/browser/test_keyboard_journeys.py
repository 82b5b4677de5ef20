"""The journeys again, by keyboard alone (WCAG 2.1.1, 2.4.7): Tab, Shift+Tab, Enter, Space
and arrow keys, text typed once Tab has put the focus in a field. No element is clicked or
filled; every stop shows a focus indicator (keyboard.tab_to checks it); the skip link
works; a form that comes back with errors puts the focus on its error summary."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core import mail

from applications import age
from applications.models import Application, Status
from tests.browser.keyboard import fill_form, focused, press, skip_link_works, tab_to
from tests.factories import (
    STAFF_PASSWORD,
    FacilityFactory,
    MembershipFactory,
    submitted_application,
    valid_answers,
)
from tests.volunteers.activation_helpers import active_grant
from volunteers.models import HourEntry, KioskDevice, KioskVisit, KioskVisitStatus


def assert_error_summary_has_focus(page: Any) -> None:
    focus = focused(page)
    assert focus is not None
    assert focus["id"] == "error-summary", focus
    assert focus["visible"], focus["html"]


# An action panel's form loads when the panel opens (htmx); a person waits for it to appear
# before typing, and so does the journey, or the swap would land mid-typing.
PANELS_LOADED = """() => [...document.querySelectorAll('details.action-panel[open]')]
    .every((panel) => panel.querySelector('form'))"""


def panel_loaded(page: Any) -> None:
    page.wait_for_function(PANELS_LOADED)


def staff_sign_in_by_keyboard(page: Any, email: str) -> None:
    """The password step, then the second step with a code the account's authenticator
    shows now, typed as a person types it."""
    import time

    from django_otp.oath import totp

    from accounts.models import User
    from tests.conftest import verified_device

    device = verified_device(User.objects.get(email=email))
    tab_to(page, field="username")
    page.keyboard.type(email)
    tab_to(page, field="password")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")  # submits the form, as a browser does
    page.wait_for_url("**/staff/mfa/**")
    device.refresh_from_db()
    while int((time.time() - device.t0) / device.step) <= device.last_t:
        time.sleep(0.5)  # a code works once: wait for the next time step
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    tab_to(page, field="token")
    page.keyboard.type(f"{code:0{device.digits}d}")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/staff/mfa/" not in url and "/staff/login/" not in url)


def test_volunteer_applies_by_keyboard(
    page: Any, live_server: Any, transactional_db: Any, tmp_path: Path
) -> None:
    FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
    page.goto(f"{live_server.url}/facilities/ACC/")
    skip_link_works(page)
    press(page, "Apply to this facility")

    page.wait_for_url("**/account/sign-in/**")
    tab_to(page, field="email")
    page.keyboard.type("jordan.rivera@example.org")
    press(page, "Send me a sign-in link")
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"http://\S+/account/sign-in/[\w-]+/", mail.outbox[-1].body).group(0)

    page.goto(link)  # followed from the e-mail
    press(page, "Sign in")
    page.wait_for_url("**/account/apply/?facility=ACC")
    fill_form(page, {"kind": "volunteer"})
    press(page, "Start")

    for slug, data in valid_answers("volunteer").items():
        if slug == "acknowledgements":
            page.wait_for_url(lambda url: "/documents/" in url)
            upload = tmp_path / "reference.pdf"
            upload.write_bytes(b"%PDF-1.4\n% reference letter\n")
            tab_to(page, field="file")
            with page.expect_file_chooser() as chooser:
                page.keyboard.press("Space")
            chooser.value.set_files(str(upload))
            press(page, "Upload")
            page.get_by_role("link", name="reference.pdf").wait_for()
            press(page, "Continue")
        page.wait_for_url(lambda url, slug=slug: f"/{slug}/" in url)  # may keep a #fragment
        form = {k: v for k, v in data.items() if not k.startswith("entries-")}
        if slug == "identity":
            fill_form(page, {**form, "date_of_birth": "2090-01-01"})
            press(page, "Save and continue")
            page.get_by_role("heading", name="There is a problem").wait_for()
            assert_error_summary_has_focus(page)
            # The summary's link leads to the field; Enter on it moves the focus there.
            press(page, "Date of birth", prefix=True)
            assert focused(page)["name"] == "date_of_birth"  # type: ignore[index]
        fill_form(page, form)
        press(page, "Save and continue")

    page.wait_for_url(lambda url: "/review/" in url)
    press(page, "Submit application")
    page.wait_for_url(lambda url: "/review/" not in url)
    application = Application.objects.get()
    page.get_by_text(application.reference).first.wait_for()
    assert application.status == Status.SUBMITTED
    assert page.console_errors == [], page.console_errors


def test_iac_screens_and_approves_by_keyboard(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    application = submitted_application(facility=iac.memberships.get().facility)

    page.goto(f"{live_server.url}/staff/")
    page.wait_for_url("**/staff/login/**")
    staff_sign_in_by_keyboard(page, iac.email)  # the e-mail field has the focus already
    skip_link_works(page)
    press(page, application.reference, prefix=True)
    press(page, "Start review")
    page.get_by_text("Review started; the screening steps").wait_for()

    press(page, "Add a check result")
    panel_loaded(page)
    fill_form(
        page,
        {
            "check_type": "mules",
            "run_on": "2026-11-02",
            "outcome": "cleared",
            "reference": "MULES-1",
            "performed_by": "Missouri State Highway Patrol",
        },
    )
    press(page, "Record check")
    page.get_by_text("Check recorded.").wait_for()

    for step in application.screening_steps.order_by("order"):
        tab_to(page, "Record this step", within=f"step-{step.pk}")
        page.keyboard.press("Enter")  # opens the panel
        panel_loaded(page)
        fields = page.evaluate(
            "(pk) => [...document.querySelector(`section[aria-labelledby='step-${pk}']`)"
            '.querySelectorAll(\'[name$="-state"], [name$="-conducted_by"]\')].map(e => e.name)',
            step.pk,
        )
        assert len(fields) == 2, fields
        fill_form(page, {fields[0]: "passed", fields[1]: "A. Carter"})
        press(page, "Save")
        page.get_by_text("Step recorded.").first.wait_for()
    page.get_by_text("Everything needed for approval is in place.").wait_for()

    press(page, "Approve")  # the panel's summary
    panel_loaded(page)
    fill_form(page, {"level": "contact"})
    press(page, "Approve")  # its button
    page.get_by_text("Approved. Facility access now awaits activation.").wait_for()
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED
    assert page.console_errors == [], page.console_errors


def test_kiosk_by_keyboard(page: Any, live_server: Any, transactional_db: Any) -> None:
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    facility = iac.memberships.get().facility
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=30))
    first_name = grant.person.first_name

    page.goto(f"{live_server.url}/staff/login/")
    staff_sign_in_by_keyboard(page, iac.email)
    page.goto(f"{live_server.url}/staff/facilities/ACC/kiosk/")
    press(page, "Enroll this browser as the kiosk")
    fill_form(page, {"name": "Gate tablet"})
    press(page, "Enroll and sign me out")
    page.wait_for_url("**/kiosk/ACC/")
    assert KioskDevice.objects.get().name == "Gate tablet"

    # At the desk: sign in, Done, later sign out.
    tab_to(page, field="badge")
    page.keyboard.type(grant.badge_number or "")
    page.keyboard.press("Enter")
    page.get_by_text(f"Welcome, {first_name}. You signed in at").wait_for()
    press(page, "Keep this screen")  # stops the countdown back to the desk
    page.get_by_text("This screen goes back to the start in").wait_for(state="hidden")
    press(page, "Done", back=True)
    page.wait_for_url("**/kiosk/ACC/")
    visit = KioskVisit.objects.get()
    KioskVisit.objects.filter(pk=visit.pk).update(
        signed_in_at=visit.signed_in_at - timedelta(minutes=30)
    )

    # An empty badge comes back with the error. The focus stays in the badge field (a
    # badge scanner types where the focus is), the alert is read out; then the real one.
    press(page, "Sign in or out")
    page.get_by_role("alert").get_by_text("Enter your badge number.").wait_for()
    assert focused(page)["name"] == "badge"  # type: ignore[index]
    page.keyboard.type(grant.badge_number or "")
    page.clock.install()  # the countdown below runs on a clock the test moves
    press(page, "Sign in or out")
    page.get_by_text(f"Thank you, {first_name}. You signed out at").wait_for()
    assert KioskVisit.objects.get().status == KioskVisitStatus.SIGNED_OUT
    assert HourEntry.objects.count() == 1
    # Left alone, the answer goes back to the desk by itself.
    page.clock.run_for(16_000)
    page.wait_for_url("**/kiosk/ACC/")
    page.get_by_label("Badge number").wait_for()
    # The empty badge's answer is a 400, on purpose.
    errors = [e for e in page.console_errors if "status of 400" not in e]
    assert errors == [], errors


def test_reports_by_keyboard(page: Any, live_server: Any, transactional_db: Any) -> None:
    """Every report page a coordinator sees, reached from the header by keyboard (and so
    audited by axe, charts and tables included), with its filters applied."""
    iac = MembershipFactory.create(
        facility__code="ACC", facility__name="Algoa Correctional Center"
    ).user
    submitted_application(facility=iac.memberships.get().facility)
    page.goto(f"{live_server.url}/staff/login/")
    staff_sign_in_by_keyboard(page, iac.email)
    press(page, "Reports")
    page.wait_for_url("**/staff/reports/")
    tabs = page.evaluate(
        "() => [...document.querySelectorAll(\"nav[aria-label='Reports'] a\")]"
        ".map(a => a.innerText.trim())"
    )
    assert len(tabs) > 1, tabs
    for name in tabs[1:]:
        press(page, name)
        page.get_by_role("link", name=name).and_(page.locator("[aria-current=page]")).wait_for()
        press(page, "Apply filters")
        page.wait_for_url(lambda url: "?" in url)
    assert page.console_errors == [], page.console_errors
