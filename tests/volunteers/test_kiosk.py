"""The gate kiosk (issue 9 §3): a tablet with no staff session, enrolled for one facility;
badges signed in and out become pending hour entries; refusals say only "see the officer"
at the kiosk and the reason on the staff side; attempts rate-limited; open visits closed by
the sweep."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from applications.models import ProgramArea
from facilities.models import Facility
from tests.volunteers.activation_helpers import active_grant, grant_at
from volunteers import kiosk
from volunteers.models import (
    AccessStatus,
    Ban,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
    KioskAttempt,
    KioskDevice,
    KioskOutcome,
    KioskRefusal,
    KioskVisit,
    KioskVisitStatus,
)
from volunteers.sweep import Digest, run_daily

pytestmark = pytest.mark.django_db

SEE_THE_OFFICER = "Please see the officer at the desk."


def at(hour: int, minute: int, day: Any = None) -> datetime:
    """A moment today (or on `day`) in Missouri's time."""
    return timezone.make_aware(datetime.combine(day or age.today(), time(hour, minute)))


def enrolled(facility: Facility, by: User) -> tuple[KioskDevice, Client]:
    """A device enrolled for `facility` and a browser holding its cookie, and nothing else."""
    device, token = kiosk.enrol_device(facility=facility, name="Front desk", by=by)
    browser = Client()
    browser.cookies[kiosk.COOKIE_NAME] = token
    return device, browser


def scan(browser: Client, facility: Facility, badge: str, **extra: str) -> Any:
    return browser.post(reverse("kiosk:desk", args=[facility.code]), {"badge": badge, **extra})


# The device ------------------------------------------------------------------------------


def test_a_browser_without_a_kiosk_token_is_refused(client: Client, facility: Facility) -> None:
    for response in (
        client.get(reverse("kiosk:home")),
        client.get(reverse("kiosk:desk", args=[facility.code])),
        client.post(reverse("kiosk:desk", args=[facility.code]), {"badge": "ACC-00001"}),
    ):
        assert response.status_code == 403
        assert "not a gate kiosk" in response.content.decode()
    assert not KioskVisit.objects.exists()


def test_a_made_up_token_is_refused(client: Client, facility: Facility) -> None:
    client.cookies[kiosk.COOKIE_NAME] = "not-a-token"
    assert client.get(reverse("kiosk:desk", args=[facility.code])).status_code == 403


def test_a_revoked_token_is_refused(facility: Facility, iac: User) -> None:
    device, browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    assert browser.get(reverse("kiosk:desk", args=[facility.code])).status_code == 200

    kiosk.revoke_device(device=device, by=iac)

    assert browser.get(reverse("kiosk:desk", args=[facility.code])).status_code == 403
    assert scan(browser, facility, grant.badge_number or "").status_code == 403
    assert not KioskVisit.objects.exists()


def test_another_facilitys_token_is_refused(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    _device, browser = enrolled(other_facility, other_iac)
    grant = active_grant(facility, by=iac)

    assert browser.get(reverse("kiosk:desk", args=[facility.code])).status_code == 403
    assert scan(browser, facility, grant.badge_number or "").status_code == 403
    assert not KioskVisit.objects.exists()
    # Its own kiosk is where the token leads.
    response = browser.get(reverse("kiosk:home"))
    assert response["Location"] == reverse("kiosk:desk", args=[other_facility.code])


def test_the_kiosk_needs_no_session_and_offers_no_staff_page(facility: Facility, iac: User) -> None:
    _device, browser = enrolled(facility, iac)
    assert "sessionid" not in browser.cookies
    page = browser.get(reverse("kiosk:desk", args=[facility.code]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "<script" not in page.content.decode()
    assert 'name="badge"' in page.content.decode()
    # The token is no staff credential.
    response = browser.get(reverse("volunteers:roster", args=[facility.code]))
    assert response.status_code == 302
    assert reverse("staff:login") in response["Location"]


# Badges refused -------------------------------------------------------------------------------


def _suspended(facility: Facility, iac: User) -> FacilityAccess:
    grant = active_grant(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(status=AccessStatus.SUSPENDED)
    return grant


def _expired(facility: Facility, iac: User) -> FacilityAccess:
    grant = active_grant(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(
        status=AccessStatus.EXPIRED, expires_on=age.today() - timedelta(days=1)
    )
    return grant


def _lapsed_today(facility: Facility, iac: User) -> FacilityAccess:
    """Still marked active, but its expiry passed (the sweep has not run yet)."""
    grant = active_grant(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=age.today() - timedelta(days=1))
    return grant


def _pending(facility: Facility, iac: User) -> FacilityAccess:
    """Approved, badge number assigned ahead of activation."""
    grant = grant_at(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(badge_number=f"{facility.code}-90001")
    grant.refresh_from_db()
    return grant


def _other_facility(facility: Facility, iac: User) -> FacilityAccess:
    from tests.conftest import member
    from tests.factories import FacilityFactory

    elsewhere = FacilityFactory.create(code="ZCC", name="Zeta Correctional Center")
    return active_grant(elsewhere, by=member(elsewhere))


def _banned(facility: Facility, iac: User) -> FacilityAccess:
    grant = active_grant(facility, by=iac)
    Ban.objects.create(person=grant.person, reason="Contraband", banned_on=age.today())
    return grant


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_suspended, KioskRefusal.SUSPENDED),
        (_expired, KioskRefusal.EXPIRED),
        (_lapsed_today, KioskRefusal.EXPIRED),
        (_other_facility, KioskRefusal.OTHER_FACILITY),
        (_pending, KioskRefusal.PENDING_ACTIVATION),
        (_banned, KioskRefusal.BANNED),
        (None, KioskRefusal.UNKNOWN),
    ],
)
def test_a_badge_not_active_here_today_is_refused(
    facility: Facility, iac: User, make: Any, reason: str
) -> None:
    _device, browser = enrolled(facility, iac)
    badge = make(facility, iac).badge_number if make else "ACC-99999"

    response = scan(browser, facility, badge)

    page = response.content.decode()
    assert response.status_code == 200
    assert SEE_THE_OFFICER in page
    # The reason is the staff side's: the kiosk says nothing of it.
    assert str(KioskRefusal(reason).label).lower() not in page.lower()
    assert "suspend" not in page.lower()
    assert not KioskVisit.objects.exists()
    assert not HourEntry.objects.exists()
    attempt = KioskAttempt.objects.get()
    assert (attempt.outcome, attempt.reason, attempt.badge_entered) == (
        KioskOutcome.REFUSED,
        reason,
        badge,
    )
    iac_browser = Client()
    iac_browser.force_login(iac)
    log = iac_browser.get(reverse("volunteers:kiosk", args=[facility.code])).content.decode()
    assert str(KioskRefusal(reason).label) in log


# Signing in and out ------------------------------------------------------------------------


def test_sign_in_then_out_makes_a_pending_entry_with_rounded_times(
    facility: Facility, iac: User
) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    grant.application.program_area = ProgramArea.EDUCATION
    grant.application.save(update_fields=["program_area"])

    first = kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(9, 7))
    assert first.outcome == KioskOutcome.SIGNED_IN
    visit = KioskVisit.objects.get()
    assert visit.status == KioskVisitStatus.OPEN
    assert not HourEntry.objects.exists()

    second = kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(11, 53))

    assert second.outcome == KioskOutcome.SIGNED_OUT
    entry = HourEntry.objects.get()
    assert (entry.status, entry.source) == (HourStatus.PENDING, HourSource.KIOSK)
    assert (entry.starts_at, entry.ends_at) == (time(9, 0), time(12, 0))
    assert entry.hours == Decimal("3.00")
    assert entry.worked_on == age.today()
    assert (entry.person, entry.facility, entry.access) == (grant.person, facility, grant)
    assert entry.program_area == ProgramArea.EDUCATION
    visit.refresh_from_db()
    assert (visit.status, visit.hour_entry) == (KioskVisitStatus.SIGNED_OUT, entry)
    assert list(KioskAttempt.objects.values_list("outcome", flat=True)) == [
        KioskOutcome.SIGNED_OUT,
        KioskOutcome.SIGNED_IN,
    ]


def test_the_pages_of_a_visit_through_the_browser(facility: Facility, iac: User) -> None:
    _device, browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac, first="Avery")
    grant.application.program_area = ProgramArea.MENTORING
    grant.application.save(update_fields=["program_area"])
    # Digits alone are this facility's badge; the scanner types it in any case.
    digits = (grant.badge_number or "").split("-")[1]

    page = scan(browser, facility, digits).content.decode()
    assert "Welcome, Avery" in page
    # It goes back to the desk by itself (kiosk.js), a countdown the volunteer can stop.
    assert 'data-return-after="15"' in page
    assert "Keep this screen" in page
    assert 'http-equiv="refresh"' not in page
    page = scan(browser, facility, (grant.badge_number or "").lower()).content.decode()
    assert "Thank you, Avery" in page
    assert HourEntry.objects.count() in (0, 1)  # a visit under 8 minutes counts nothing
    assert "<script>" not in page  # only the same-origin file; the CSP allows no inline code


def test_a_volunteer_with_several_areas_is_asked_at_sign_out(facility: Facility, iac: User) -> None:
    device, browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    grant.application.program_area = ProgramArea.EDUCATION
    grant.application.save(update_fields=["program_area"])
    HourEntry.objects.create(
        person=grant.person,
        facility=facility,
        access=grant,
        worked_on=age.today() - timedelta(days=3),
        program_area=ProgramArea.RELIGIOUS,
        hours=2,
        status=HourStatus.APPROVED,
        source=HourSource.STAFF,
    )
    kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(8, 0))
    KioskVisit.objects.update(signed_in_at=timezone.now() - timedelta(hours=2))

    page = scan(browser, facility, grant.badge_number or "").content.decode()
    assert "Which program did you serve in today?" in page
    assert 'value="education"' in page
    assert 'value="religious"' in page
    assert 'value="recovery"' not in page
    assert KioskVisit.objects.get().status == KioskVisitStatus.OPEN

    scan(browser, facility, grant.badge_number or "", program_area="religious")

    entry = HourEntry.objects.get(source=HourSource.KIOSK)
    assert entry.program_area == ProgramArea.RELIGIOUS
    assert entry.hours == Decimal("2.00")


def test_more_than_sixteen_hours_in_a_day_goes_to_the_coordinator(
    facility: Facility, iac: User
) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    HourEntry.objects.create(
        person=grant.person,
        facility=facility,
        access=grant,
        worked_on=age.today(),
        program_area=ProgramArea.OTHER,
        hours=15,
        source=HourSource.PORTAL,
    )
    kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(1, 0))
    result = kiosk.scan_badge(
        device=device, entered=grant.badge_number or "", now=at(3, 0), program_area="other"
    )
    assert result.outcome == KioskOutcome.SIGNED_OUT
    assert result.review
    assert HourEntry.objects.filter(source=HourSource.KIOSK).count() == 0
    assert KioskVisit.objects.get().status == KioskVisitStatus.NEEDS_REVIEW


@pytest.mark.parametrize(
    ("clock", "rounded"),
    [((9, 7), (9, 0)), ((9, 8), (9, 15)), ((9, 52), (9, 45)), ((9, 53), (10, 0))],
)
def test_times_round_to_the_nearest_quarter_hour(clock: Any, rounded: Any) -> None:
    assert kiosk.to_quarter(at(*clock)).time() == time(*rounded)


# Rate limit ------------------------------------------------------------------------------


def test_refused_attempts_are_rate_limited_per_device(facility: Facility, iac: User) -> None:
    _device, browser = enrolled(facility, iac)
    _other_device, other_browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    for number in range(kiosk.REFUSED_LIMIT):
        assert scan(browser, facility, f"ACC-9{number:04d}").status_code == 200

    # Even a good badge waits now, on this device ...
    response = scan(browser, facility, grant.badge_number or "")
    assert response.status_code == 429
    assert SEE_THE_OFFICER in response.content.decode()
    assert not KioskVisit.objects.exists()
    assert KioskAttempt.objects.filter(reason=KioskRefusal.RATE_LIMITED).count() == 1
    # ... and not on another.
    assert "Welcome" in scan(other_browser, facility, grant.badge_number or "").content.decode()


def test_all_attempts_are_capped_per_device(
    facility: Facility, iac: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk, "ALL_LIMIT", 3)
    _device, browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac)
    statuses = [scan(browser, facility, grant.badge_number or "").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# The sweep ---------------------------------------------------------------------------------


def test_the_sweep_closes_visits_left_open_once(facility: Facility, iac: User) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=1))
    today_grant = active_grant(facility, by=iac)
    yesterday = age.today() - timedelta(days=1)
    kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(18, 0, yesterday))
    kiosk.scan_badge(device=device, entered=today_grant.badge_number or "", now=at(0, 5))

    digest = Digest()
    assert kiosk.close_open_visits(age.today(), digest) == 1
    assert kiosk.close_open_visits(age.today(), Digest()) == 0

    stale = KioskVisit.objects.get(access=grant)
    assert (stale.status, stale.note, stale.hour_entry) == (
        KioskVisitStatus.NO_SIGN_OUT,
        "no sign-out",
        None,
    )
    assert KioskVisit.objects.get(access=today_grant).status == KioskVisitStatus.OPEN
    assert any("never signed out" in line for line in digest.coordinators[iac.email])
    assert not HourEntry.objects.exists()


def test_the_daily_sweep_runs_the_kiosk_job_and_a_second_run_changes_nothing(
    facility: Facility, iac: User
) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=1))
    kiosk.scan_badge(
        device=device,
        entered=grant.badge_number or "",
        now=at(18, 0, age.today() - timedelta(days=1)),
    )
    summary = run_daily(today=age.today())
    assert summary is not None
    assert summary["close_open_visits"] == 1
    assert run_daily(today=age.today()) is None
    assert KioskVisit.objects.get().status == KioskVisitStatus.NO_SIGN_OUT


def test_a_badge_scanned_after_a_forgotten_sign_out_starts_a_new_visit(
    facility: Facility, iac: User
) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=1))
    yesterday = age.today() - timedelta(days=1)
    kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(18, 0, yesterday))

    result = kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(9, 0))

    assert result.outcome == KioskOutcome.SIGNED_IN
    statuses = sorted(KioskVisit.objects.values_list("status", flat=True))
    assert statuses == [KioskVisitStatus.NO_SIGN_OUT, KioskVisitStatus.OPEN]


def test_the_coordinator_fixes_a_visit_with_no_sign_out(
    client: Client, facility: Facility, iac: User
) -> None:
    device, _browser = enrolled(facility, iac)
    grant = active_grant(facility, by=iac, on=age.today() - timedelta(days=1))
    yesterday = age.today() - timedelta(days=1)
    kiosk.scan_badge(device=device, entered=grant.badge_number or "", now=at(13, 2, yesterday))
    kiosk.close_open_visits(age.today(), Digest())
    visit = KioskVisit.objects.get()
    client.force_login(iac)
    url = reverse("volunteers:kiosk_fix", args=[facility.code, visit.pk])

    bad = client.post(url, {"left_at": "12:00", "program_area": "education"})
    assert bad.status_code == 200
    assert "must be after they signed in" in bad.content.decode()
    assert client.post(url, {"left_at": "", "program_area": "education"}).status_code == 200

    response = client.post(url, {"left_at": "16:20", "program_area": "education"})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == KioskVisitStatus.FIXED
    entry = visit.hour_entry
    assert entry is not None
    assert (entry.worked_on, entry.starts_at, entry.ends_at) == (
        yesterday,
        time(13, 0),
        time(16, 15),
    )
    assert (entry.hours, entry.status, entry.entered_by) == (
        Decimal("3.25"),
        HourStatus.PENDING,
        iac,
    )
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="volunteers.kiosk_visit_fixed").count() == 1
