"""Service hours: logging, staff entry, editing until approved, approval and rejection
(one by one or in bulk), totals, and the inactivity flag that approval clears (rule 9).

`create_hour_entry` validates everything an entry must satisfy, whoever enters it: the
volunteer's portal, a coordinator, the sign-in sheet import and the gate kiosk all call it.
Approving counts the entry into the reports' roll-ups (hour_rollups) in the same
transaction; nothing here changes or removes an entry once approved.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import age
from applications.models import Person, ProgramArea
from audit.services import record
from facilities.models import ProgramSettings
from volunteers.compliance import add_months
from volunteers.errors import VolunteerError
from volunteers.models import (
    AccessStatus,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
    InactivityFlag,
)
from volunteers.services.hour_rollups import count_entry

QUARTER = Decimal("0.25")
MAX_HOURS_A_DAY = Decimal("16")


class HoursRefused(VolunteerError):
    """An hour entry that cannot be saved: every reason at once, for a form or a CSV row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _user(by: Any) -> User | None:
    return by if isinstance(by, User) else None


# When access was active ---------------------------------------------------------------


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def inactive_spans(access: FacilityAccess) -> list[tuple[date, date | None]]:
    """Spans of the grant's event log during which it was not active: from the day it
    left `active` to the day it came back (None: not yet). Both edge days were partly
    active, so they count as active days (a volunteer may have served that morning)."""
    spans: list[tuple[date, date | None]] = []
    left: date | None = None
    for event in access.events.all():
        if event.from_status == AccessStatus.ACTIVE and event.to_status != AccessStatus.ACTIVE:
            left = _local_day(event.at)
        elif event.to_status == AccessStatus.ACTIVE and left is not None:
            spans.append((left, _local_day(event.at)))
            left = None
    if left is not None:
        spans.append((left, None))
    return spans


def was_active_on(access: FacilityAccess, day: date) -> bool:
    """Whether the grant allowed service at its facility on `day`: activated by then, not
    past its expiry, and not inside a suspension, lapse, end or revocation."""
    if access.starts_on is None or day < access.starts_on:
        return False
    if access.expires_on is not None and day > access.expires_on:
        return False
    for left, back in inactive_spans(access):
        if left < day and (back is None or day < back):
            return False
    return True


# Validation -----------------------------------------------------------------------------


def _as_hours(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def hours_between(starts_at: time, ends_at: time) -> Decimal:
    """The time between two clock times, rounded to the nearest quarter hour (a half
    rounds up)."""
    minutes = (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)
    quarters = (minutes + 7) // 15
    return Decimal(quarters) * QUARTER


def day_total(person: Person, day: date, *, excluding: int | None = None) -> Decimal:
    """Hours already logged by `person` on `day` at every facility, rejected ones aside."""
    entries = HourEntry.objects.filter(person=person, worked_on=day).exclude(
        status=HourStatus.REJECTED
    )
    if excluding is not None:
        entries = entries.exclude(pk=excluding)
    return entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def hour_problems(
    *,
    access: FacilityAccess,
    worked_on: date | None,
    program_area: str,
    hours: Any,
    starts_at: time | None = None,
    ends_at: time | None = None,
    excluding: int | None = None,
    already_that_day: Decimal = Decimal(0),
) -> list[str]:
    """Everything wrong with an entry, in words for the person entering it (empty: fine).
    `already_that_day` adds hours not yet saved (earlier rows of the same sign-in sheet)."""
    problems: list[str] = []
    today = age.today()
    if worked_on is None:
        problems.append(_("Enter the date."))
    elif worked_on > today:
        problems.append(_("The date cannot be in the future."))
    elif not was_active_on(access, worked_on):
        problems.append(
            _("Access at %(facility)s was not active on %(date)s.")
            % {"facility": access.facility.name, "date": _long(worked_on)}
        )
    if program_area not in ProgramArea.values:
        problems.append(_("Choose a program area."))
    amount = _as_hours(hours)
    if amount is None or not amount.is_finite():
        problems.append(_("Enter the hours as a number, such as 2.5."))
    elif amount <= 0:
        problems.append(_("Hours must be more than zero."))
    elif amount % QUARTER:
        problems.append(_("Enter hours in quarter hours (0.25, 0.5, 0.75, …)."))
    elif amount > MAX_HOURS_A_DAY:
        problems.append(_("No more than 16 hours a day."))
    elif worked_on is not None:
        total = day_total(access.person, worked_on, excluding=excluding) + already_that_day
        if total + amount > MAX_HOURS_A_DAY:
            problems.append(
                _(
                    "That makes %(total)s hours on %(date)s across all facilities; "
                    "at most 16 hours a day."
                )
                % {"total": _fmt(total + amount), "date": _long(worked_on)}
            )
    if (starts_at is None) != (ends_at is None):
        problems.append(_("Enter both the start and the end time, or neither."))
    elif starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems.append(_("The end time must be after the start time."))
    return problems


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _fmt(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def _lock_person(person: Person) -> None:
    # Two entries for one person saved at once could each pass the 16-hour check alone.
    Person.objects.select_for_update().filter(pk=person.pk).first()


# Writes ---------------------------------------------------------------------------------


@transaction.atomic
def create_hour_entry(
    *,
    access: FacilityAccess,
    worked_on: date,
    program_area: str,
    hours: Any,
    starts_at: time | None = None,
    ends_at: time | None = None,
    source: str,
    by: Any,
    note: str = "",
    approve: bool = False,
) -> HourEntry:
    """Record hours one person gave at the grant's facility; pending unless `approve` (staff
    entering hours they can vouch for). Refused with every problem at once (HoursRefused)."""
    if source not in HourSource.values:
        raise VolunteerError(_("Unknown source of hours."))
    _lock_person(access.person)
    problems = hour_problems(
        access=access,
        worked_on=worked_on,
        program_area=program_area,
        hours=hours,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if problems:
        raise HoursRefused(problems)
    entry = HourEntry.objects.create(
        person=access.person,
        facility=access.facility,
        access=access,
        worked_on=worked_on,
        program_area=program_area,
        hours=Decimal(str(hours)),
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        source=source,
        entered_by=_user(by),
    )
    if source != HourSource.PORTAL:
        record(
            by=by,
            action="volunteers.hours_entered",
            target=access,
            facility=access.facility,
            details={"entry": entry.pk, "hours": str(entry.hours), "source": source},
        )
    if approve:
        _approve(entry, by)
    return entry


def _editable(entry: HourEntry) -> HourEntry:
    # Only entries not yet approved change or go: the roll-ups (approved hours only) stay.
    locked = (
        HourEntry.objects.select_for_update().select_related("access__facility").get(pk=entry.pk)
    )
    if locked.status == HourStatus.APPROVED:
        raise VolunteerError(_("Approved hours can no longer be changed."))
    return locked


@transaction.atomic
def update_hour_entry(
    *,
    entry: HourEntry,
    by: Any,
    worked_on: date,
    program_area: str,
    hours: Any,
    note: str = "",
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> HourEntry:
    """Change an entry not yet approved; a rejected one goes back for approval."""
    locked = _editable(entry)
    _lock_person(locked.person)
    problems = hour_problems(
        access=locked.access,
        worked_on=worked_on,
        program_area=program_area,
        hours=hours,
        starts_at=starts_at,
        ends_at=ends_at,
        excluding=locked.pk,
    )
    if problems:
        raise HoursRefused(problems)
    locked.worked_on = worked_on
    locked.program_area = program_area
    locked.hours = Decimal(str(hours))
    locked.note = note
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.status = HourStatus.PENDING
    locked.reject_reason = ""
    locked.decided_by, locked.decided_at = None, None
    locked.save()
    return locked


@transaction.atomic
def delete_hour_entry(*, entry: HourEntry, by: Any) -> None:
    """Remove an entry not yet approved."""
    _editable(entry).delete()


def _approve(entry: HourEntry, by: Any) -> None:
    entry.status = HourStatus.APPROVED
    entry.decided_by = _user(by)
    entry.decided_at = timezone.now()
    entry.reject_reason = ""
    entry.save(update_fields=["status", "decided_by", "decided_at", "reject_reason", "updated_at"])
    count_entry(entry, 1)  # the report's roll-ups, in the same transaction
    record(
        by=by,
        action="volunteers.hours_approved",
        target=entry.access,
        facility=entry.facility,
        details={"entry": entry.pk, "hours": str(entry.hours)},
    )
    clear_inactivity(access=entry.access, worked_on=entry.worked_on, today=age.today())


def clear_inactivity(*, access: FacilityAccess, worked_on: date, today: date) -> bool:
    """Close the grant's open inactivity flag when approved hours fall inside the window."""
    months = ProgramSettings.load().inactivity_months
    if worked_on <= add_months(today, -months):
        return False
    return bool(
        InactivityFlag.objects.filter(access=access, cleared_on__isnull=True).update(
            cleared_on=today
        )
    )


def _pending(entry: HourEntry) -> HourEntry:
    locked = (
        HourEntry.objects.select_for_update().select_related("access", "facility").get(pk=entry.pk)
    )
    if locked.status != HourStatus.PENDING:
        raise VolunteerError(
            _("These hours were already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def approve_hour_entry(*, entry: HourEntry, by: Any) -> HourEntry:
    """Approve pending hours; clears the grant's inactivity flag. Audited."""
    locked = _pending(entry)
    _approve(locked, by)
    return locked


@transaction.atomic
def reject_hour_entry(*, entry: HourEntry, by: Any, reason: str) -> HourEntry:
    """Reject pending hours with a reason the volunteer sees. Audited."""
    reason = reason.strip()
    if not reason:
        raise VolunteerError(_("Give a reason for rejecting these hours."))
    locked = _pending(entry)
    locked.status = HourStatus.REJECTED
    locked.reject_reason = reason
    locked.decided_by = _user(by)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"])
    record(
        by=by,
        action="volunteers.hours_rejected",
        target=locked.access,
        facility=locked.facility,
        details={"entry": locked.pk, "reason": reason},
    )
    return locked


@dataclass(frozen=True)
class Outcome:
    """One row of a bulk decision: done, or the reason it was refused."""

    entry: HourEntry
    done: bool
    message: str = ""


def decide_hours(
    *, entries: Iterable[HourEntry], by: Any, approve: bool, reason: str = ""
) -> list[Outcome]:
    """Approve or reject several entries, each on its own: one refused row (already
    decided by someone else, say) leaves the others done."""
    outcomes = []
    for entry in entries:
        try:
            if approve:
                approve_hour_entry(entry=entry, by=by)
            else:
                reject_hour_entry(entry=entry, by=by, reason=reason)
        except VolunteerError as exc:
            outcomes.append(Outcome(entry, False, str(exc)))
        else:
            outcomes.append(Outcome(entry, True))
    return outcomes


# Totals ---------------------------------------------------------------------------------


def totals(entries: QuerySet[HourEntry]) -> list[dict[str, Any]]:
    """Approved hours by facility, program area and year (newest year first)."""
    rows = (
        entries.approved()  # type: ignore[attr-defined]
        .annotate(year=ExtractYear("worked_on"))
        .values("facility__code", "facility__name", "program_area", "year")
        .annotate(hours=Sum("hours"))
        .order_by("-year", "facility__name", "program_area")
    )
    labels = dict(ProgramArea.choices)
    return [{**row, "program_area_label": labels.get(row["program_area"], "")} for row in rows]


def rolling_since(today: date) -> date:
    """The first day of the rolling 12 months that end today."""
    return add_months(today, -12) + timedelta(days=1)


def approved_in(since: date, until: date) -> Q:
    """The filter, on HourEntry, of approved hours worked between two days (inclusive)."""
    return Q(status=HourStatus.APPROVED, worked_on__gte=since, worked_on__lte=until)
