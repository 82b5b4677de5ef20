"""The gate kiosk: a front-desk tablet, enrolled for one facility, where volunteers sign in
on arrival and out on leaving; each visit becomes a pending hour entry.

- enrol_device / revoke_device: a coordinator (record capability) binds a browser to one
  facility with a random token (only its hash is stored) and can take it back; both audited.
- device_for_token: the enrolled device a kiosk cookie names, or None.
- scan_badge: one badge entered at a kiosk: sign in, sign out (asking the program area when
  the volunteer has several), or refuse; every attempt logged, rate-limited per device.
- close_open_visits: the daily sweep's job: visits still open from an earlier day are closed
  as "no sign-out" for the coordinator to fix (fix_visit).
"""

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import ratelimit
from applications import age
from applications.models import ProgramArea
from audit.services import record
from facilities.models import Facility
from volunteers.errors import VolunteerError
from volunteers.models import (
    AccessStatus,
    Ban,
    FacilityAccess,
    HourEntry,
    HourSource,
    KioskAttempt,
    KioskDevice,
    KioskOutcome,
    KioskRefusal,
    KioskVisit,
    KioskVisitStatus,
    local_time_label,
)

COOKIE_NAME = "pic_kiosk"
# The tablet stays enrolled until a coordinator revokes it; the cookie outlives a year of use.
COOKIE_MAX_AGE = 60 * 60 * 24 * 400
# Guessing badge numbers is what the limit stops: few refusals, and a generous cap on all
# attempts so a group arriving at once still gets in.
REFUSED_LIMIT, ALL_LIMIT, WINDOW_SECONDS = 10, 120, 600
QUARTER = 15  # minutes
STALE_VISIT_NOTE = "no sign-out"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrol_device(*, facility: Facility, name: str, by: Any) -> tuple[KioskDevice, str]:
    """Enrol a kiosk for `facility`; return the device and its token (shown nowhere but the
    cookie). Audited."""
    token = secrets.token_urlsafe(32)
    device = KioskDevice.objects.create(
        facility=facility,
        name=name.strip() or _("Front desk"),
        token_hash=_hash(token),
        enrolled_by=by,
    )
    record(by=by, action="volunteers.kiosk_enrolled", target=device, facility=facility)
    return device, token


@transaction.atomic
def revoke_device(*, device: KioskDevice, by: Any) -> KioskDevice:
    """Revoke a kiosk: its cookie opens nothing from now on. Audited."""
    device = KioskDevice.objects.select_for_update().get(pk=device.pk)
    if device.revoked_at is not None:
        raise VolunteerError(_("This kiosk was already revoked."))
    device.revoked_at = timezone.now()
    device.revoked_by = by
    device.save(update_fields=["revoked_at", "revoked_by"])
    record(by=by, action="volunteers.kiosk_revoked", target=device, facility=device.facility)
    return device


def device_for_token(token: str | None) -> KioskDevice | None:
    if not token:
        return None
    return (
        KioskDevice.objects.enrolled()
        .select_related("facility")
        .filter(token_hash=_hash(token))
        .first()
    )


# Scanning a badge --------------------------------------------------------------------------


@dataclass
class ScanResult:
    outcome: str  # a KioskOutcome, or "choose_area" when the sign-out needs the program area
    first_name: str = ""
    at: datetime | None = None
    hours: Decimal | None = None
    review: bool = False  # signed out, but a coordinator has to look at the hours
    limited: bool = False  # refused because the device made too many attempts
    areas: list[tuple[str, str]] = field(default_factory=list)


def normalize_badge(entered: str, facility: Facility) -> str:
    """What was typed or scanned, as a badge number: digits alone are this facility's."""
    badge = entered.strip().upper()
    if badge.isdigit():
        return f"{facility.code}-{int(badge):05d}"
    return badge


def refusal(grant: FacilityAccess | None, facility: Facility, on: date) -> str:
    """Why `grant` may not come in at `facility` on `on` ("" when it may)."""
    if grant is None:
        return KioskRefusal.UNKNOWN
    if grant.facility_id != facility.pk:
        return KioskRefusal.OTHER_FACILITY
    if Ban.objects.active().filter(person_id=grant.person_id).exists():
        return KioskRefusal.BANNED
    by_status = {
        AccessStatus.PENDING_ACTIVATION: KioskRefusal.PENDING_ACTIVATION,
        AccessStatus.SUSPENDED: KioskRefusal.SUSPENDED,
        AccessStatus.EXPIRED: KioskRefusal.EXPIRED,
        AccessStatus.ENDED: KioskRefusal.ENDED,
        AccessStatus.REVOKED: KioskRefusal.REVOKED,
    }
    if grant.status in by_status:
        return by_status[AccessStatus(grant.status)]
    if grant.starts_on is None or grant.starts_on > on:
        return KioskRefusal.PENDING_ACTIVATION
    if grant.expires_on is not None and grant.expires_on < on:
        return KioskRefusal.EXPIRED  # lapsed today, before the sweep has run
    return ""


def program_areas(grant: FacilityAccess) -> list[str]:
    """The volunteer's program areas at the grant's facility: the application's, then any
    other their approved hours there were given in; every area when none is known."""
    areas = [grant.application.program_area] if grant.application.program_area else []
    given = (
        HourEntry.objects.approved()
        .filter(person_id=grant.person_id, facility_id=grant.facility_id)
        .order_by("program_area")
        .values_list("program_area", flat=True)
        .distinct()
    )
    areas += [area for area in given if area not in areas]
    return areas or list(ProgramArea.values)


def to_quarter(moment: datetime) -> datetime:
    """`moment` in Missouri's time, rounded to the nearest quarter hour (half rounds up)."""
    local = timezone.localtime(moment)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = (local - midnight).total_seconds() / 60
    return midnight + timedelta(minutes=QUARTER * math.floor(minutes / QUARTER + 0.5))


def scan_badge(
    *, device: KioskDevice, entered: str, program_area: str = "", now: datetime | None = None
) -> ScanResult:
    """Sign the badge's volunteer in or out at the device's facility, or refuse it; every
    attempt is logged, and refusals and attempts are rate-limited per device."""
    now = now or timezone.now()
    subject = str(device.pk)
    facility = device.facility
    badge = normalize_badge(entered, facility)[:40]
    if ratelimit.is_limited("kiosk-refused", subject, limit=REFUSED_LIMIT) or (
        ratelimit.hit("kiosk", subject, window_seconds=WINDOW_SECONDS) > ALL_LIMIT
    ):
        _log(device, badge, None, KioskOutcome.REFUSED, KioskRefusal.RATE_LIMITED)
        return ScanResult(KioskOutcome.REFUSED, limited=True)
    with transaction.atomic():
        grant = (
            FacilityAccess.objects.select_for_update(of=("self",))
            .select_related("person", "application")
            .filter(badge_number=badge)
            .first()
        )
        reason = refusal(grant, facility, age.today(now))
        if grant is None or reason:
            _log(device, badge, grant, KioskOutcome.REFUSED, reason)
            ratelimit.hit("kiosk-refused", subject, window_seconds=WINDOW_SECONDS)
            return ScanResult(KioskOutcome.REFUSED)
        KioskDevice.objects.filter(pk=device.pk).update(last_used_at=now)
        close_stale_visits(grant=grant, now=now)
        visit = KioskVisit.objects.open().filter(access=grant).first()
        if visit is None:
            return _sign_in(device, grant, badge, now)
        areas = program_areas(grant)
        if program_area not in areas:
            if len(areas) > 1:
                labels = dict(ProgramArea.choices)
                return ScanResult(
                    "choose_area",
                    first_name=grant.person.first_name,
                    areas=[(area, str(labels[area])) for area in areas],
                )
            program_area = areas[0]
        return _sign_out(device, visit, grant, badge, program_area, now)


def _log(
    device: KioskDevice, badge: str, grant: FacilityAccess | None, outcome: str, reason: str = ""
) -> None:
    KioskAttempt.objects.create(
        device=device,
        facility_id=device.facility_id,
        badge_entered=badge,
        access=grant,
        outcome=outcome,
        reason=reason,
    )


def _sign_in(device: KioskDevice, grant: FacilityAccess, badge: str, now: datetime) -> ScanResult:
    try:
        with transaction.atomic():
            KioskVisit.objects.create(
                device=device,
                facility_id=device.facility_id,
                access=grant,
                person_id=grant.person_id,
                signed_in_at=now,
            )
    except IntegrityError:  # the same badge scanned twice at once: one visit is open
        pass
    _log(device, badge, grant, KioskOutcome.SIGNED_IN)
    return ScanResult(KioskOutcome.SIGNED_IN, first_name=grant.person.first_name, at=now)


def _sign_out(
    device: KioskDevice,
    visit: KioskVisit,
    grant: FacilityAccess,
    badge: str,
    program_area: str,
    now: datetime,
) -> ScanResult:
    visit.signed_out_at = now
    try:
        visit.hour_entry = record_visit_hours(visit=visit, ends=now, program_area=program_area)
        visit.status = KioskVisitStatus.SIGNED_OUT
    except VolunteerError as exc:
        visit.status = KioskVisitStatus.NEEDS_REVIEW
        visit.note = str(exc)
    visit.save(update_fields=["signed_out_at", "hour_entry", "status", "note"])
    _log(device, badge, grant, KioskOutcome.SIGNED_OUT)
    entry = visit.hour_entry
    return ScanResult(
        KioskOutcome.SIGNED_OUT,
        first_name=grant.person.first_name,
        at=now,
        hours=entry.hours if entry else None,
        review=visit.status == KioskVisitStatus.NEEDS_REVIEW,
    )


def record_visit_hours(
    *, visit: KioskVisit, ends: datetime, program_area: str, by: Any = None
) -> HourEntry | None:
    """The visit's pending hour entry, its times rounded to the quarter hour; None for a
    visit too short to count. Refused past 16 hours in the day or on a day the access was
    not active."""
    start, end = to_quarter(visit.signed_in_at), to_quarter(ends)
    day = start.date()
    if end.date() != day:
        # Past midnight the visit belongs to its first day: it ends at the day's last quarter.
        end = datetime.combine(day, time(23, 45), tzinfo=start.tzinfo)
    if end <= start:
        if ends < visit.signed_in_at:
            raise VolunteerError(_("The sign-out is before the sign-in."))
        return None
    hours = Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.01"))
    # The one writer of hours checks the day (active, not suspended), the steps and the
    # 16-hour limit across facilities, as for hours logged any other way.
    from volunteers.services.hours import create_hour_entry

    return create_hour_entry(
        access=visit.access,
        worked_on=day,
        program_area=program_area,
        hours=hours,
        starts_at=start.time(),
        ends_at=end.time(),
        source=HourSource.KIOSK,
        by=by,
        note=_("Gate kiosk visit"),
    )


# Visits nobody signed out of -----------------------------------------------------------------


def close_stale_visits(*, grant: FacilityAccess | None = None, now: datetime | None = None) -> int:
    """Close every visit still open from before today's midnight as "no sign-out"."""
    midnight = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    stale = KioskVisit.objects.open().filter(signed_in_at__lt=midnight)
    if grant is not None:
        stale = stale.filter(access=grant)
    return stale.update(status=KioskVisitStatus.NO_SIGN_OUT, note=STALE_VISIT_NOTE)


def close_open_visits(today: date, digest: Any) -> int:
    """The sweep's job: visits left open at midnight, closed for the coordinator to fix."""
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    stale = list(
        KioskVisit.objects.open()
        .filter(signed_in_at__lt=midnight)
        .select_related("person", "access")
    )
    for visit in stale:
        digest.to_facility(
            visit.facility_id,
            _(
                "%(name)s (badge %(badge)s) signed in at the kiosk on %(when)s and never "
                "signed out: enter the time they left on the kiosk page."
            )
            % {
                "name": visit.person,
                "badge": visit.access.badge_number,
                "when": local_time_label(visit.signed_in_at),
            },
        )
    KioskVisit.objects.filter(pk__in=[v.pk for v in stale], status=KioskVisitStatus.OPEN).update(
        status=KioskVisitStatus.NO_SIGN_OUT, note=STALE_VISIT_NOTE
    )
    return len(stale)


@transaction.atomic
def fix_visit(
    *, visit: KioskVisit, by: Any, left_at: time | None, program_area: str = ""
) -> KioskVisit:
    """A coordinator closes a visit the kiosk could not: with the time the volunteer left
    (a pending hour entry), or with no hours at all (`left_at` None). Audited."""
    visit = (
        KioskVisit.objects.select_for_update()
        .select_related("access__application")
        .get(pk=visit.pk)
    )
    if visit.status not in (KioskVisitStatus.NO_SIGN_OUT, KioskVisitStatus.NEEDS_REVIEW):
        raise VolunteerError(_("This visit needs no fixing."))
    entry = None
    if left_at is not None:
        day = timezone.localtime(visit.signed_in_at).date()
        ends = timezone.make_aware(datetime.combine(day, left_at))
        if ends <= visit.signed_in_at:
            raise VolunteerError(_("The time they left must be after they signed in."))
        area = program_area or program_areas(visit.access)[0]
        entry = record_visit_hours(visit=visit, ends=ends, program_area=area, by=by)
        visit.signed_out_at = ends
    visit.hour_entry = entry
    visit.status = KioskVisitStatus.FIXED
    visit.closed_by = by
    visit.save(update_fields=["hour_entry", "status", "closed_by", "signed_out_at"])
    record(
        by=by,
        action="volunteers.kiosk_visit_fixed",
        target=visit,
        facility=visit.facility,
        details={"hours": str(entry.hours) if entry else "0"},
    )
    return visit
