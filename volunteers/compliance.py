"""What a person has done and what is due: trainings, TB tests, the activation gate.

Pure reads, shared by the activation service, the sweep, rosters and the volunteer's portal.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications import age
from applications.models import Person
from facilities.models import Facility, ProgramSettings
from volunteers.agreements import unsigned_current
from volunteers.models import (
    AccessStatus,
    Course,
    FacilityAccess,
    TBTest,
    TrainingCompletion,
)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class Item:
    """One compliance item of a person: a course, the annual in-service, or the TB test."""

    key: str
    label: str
    done: bool
    done_on: date | None = None
    expires_on: date | None = None
    hours: Decimal | None = None
    hours_required: Decimal | None = None
    # The annual in-service (issue 8 item 8): the day it must be met by, and whether that
    # day is only known once the grant is activated (12 months from activation).
    due_on: date | None = None
    due_after_activation: bool = False

    def is_current(self, on: date) -> bool:
        return self.done and (self.expires_on is None or self.expires_on >= on)

    def is_overdue(self, on: date) -> bool:
        """Missing: not current, and past the day it was due (when it has one)."""
        if self.is_current(on) or self.due_after_activation:
            return False
        return self.due_on is None or self.due_on < on

    def is_due_later(self, on: date) -> bool:
        """Not met yet, but not due yet either."""
        return not self.is_current(on) and not self.is_overdue(on)

    def is_due_soon(self, on: date, window_days: int) -> bool:
        return (
            self.expires_on is not None
            and self.is_current(on)
            and self.expires_on <= on + timedelta(days=window_days)
        )


def latest_completion(
    completions: list[TrainingCompletion], course: Course, facility: Facility | None
) -> TrainingCompletion | None:
    matching = [
        c
        for c in completions
        if c.course_id == course.pk
        and (not course.per_facility or (facility is not None and c.facility_id == facility.pk))
    ]
    return max(matching, key=lambda c: (c.completed_on, c.pk), default=None)


def course_item(
    course: Course, completions: list[TrainingCompletion], facility: Facility | None, on: date
) -> Item:
    if course.annual_hours_required is not None:
        since = add_months(on, -12)
        recent = [
            c for c in completions if c.course_id == course.pk and since < c.completed_on <= on
        ]
        hours = sum((c.hours for c in recent), Decimal(0))
        return Item(
            key=course.code,
            label=str(course),
            done=hours >= course.annual_hours_required,
            hours=hours,
            hours_required=course.annual_hours_required,
        )
    latest = latest_completion(completions, course, facility)
    if latest is None:
        return Item(key=course.code, label=str(course), done=False)
    expires = (
        add_months(latest.completed_on, course.validity_months) if course.validity_months else None
    )
    return Item(
        key=course.code,
        label=str(course),
        done=True,
        done_on=latest.completed_on,
        expires_on=expires,
    )


def tb_item(tests: list[TBTest]) -> Item:
    latest = max(tests, key=lambda t: (t.tested_on, t.pk), default=None)
    if latest is None:
        return Item(key="tb", label=_("TB test"), done=False)
    return Item(
        key="tb",
        label=_("TB test"),
        done=latest.is_clear,
        done_on=latest.tested_on,
        expires_on=latest.valid_until,
    )


@dataclass(frozen=True)
class Records:
    """Many people's training completions and TB tests, read in two queries."""

    completions: dict[int, list[TrainingCompletion]]
    tb_tests: dict[int, list[TBTest]]


def records_of(person_ids: Iterable[int]) -> Records:
    """The completions and TB tests of `person_ids`, grouped by person. A list of many grants
    reads them once this way: a prefetch builds a queryset per person, which costs more
    than the rows themselves on a roster page."""
    ids = set(person_ids)
    completions: dict[int, list[TrainingCompletion]] = defaultdict(list)
    tb_tests: dict[int, list[TBTest]] = defaultdict(list)
    if ids:
        for completion in TrainingCompletion.objects.filter(person_id__in=ids).order_by():
            completions[completion.person_id].append(completion)
        for test in TBTest.objects.filter(person_id__in=ids).order_by():
            tb_tests[test.person_id].append(test)
    return Records(completions=completions, tb_tests=tb_tests)


def items_for(
    grant: FacilityAccess,
    on: date,
    courses: list[Course] | None = None,
    records: Records | None = None,
) -> list[Item]:
    """The compliance items of the grant's person at the grant's facility; a list of many
    grants passes the active `courses` and the people's `records` once."""
    person = grant.person
    if records is not None:
        completions = records.completions.get(grant.person_id, [])
        tests = records.tb_tests.get(grant.person_id, [])
    else:
        completions = list(person.completions.all())
        tests = []
    if courses is None:
        courses = list(Course.objects.filter(is_active=True))
    items = [
        _with_due_date(
            course_item(course, completions, grant.facility, on), grant, completions, course, on
        )
        for course in courses
        if course.applies_to(grant.kind, grant.level_approved)
    ]
    if grant.facility.tb_test_required:
        items.append(tb_item(tests if records is not None else list(person.tb_tests.all())))
    return items


def _with_due_date(
    item: Item,
    grant: FacilityAccess,
    completions: list[TrainingCompletion],
    course: Course,
    on: date,
) -> Item:
    if item.hours_required is None:
        return item
    if grant.starts_on is None:
        return replace(item, due_after_activation=True)
    return replace(item, due_on=in_service_due_on(grant.starts_on, completions, course, on))


def hours_in_window(completions: list[TrainingCompletion], course: Course, day: date) -> Decimal:
    """Hours of `course` completed in the 12 months ending on `day`."""
    since = add_months(day, -12)
    return sum(
        (
            c.hours
            for c in completions
            if c.course_id == course.pk and since < c.completed_on <= day
        ),
        Decimal(0),
    )


def leaves_window_on(day: date) -> date:
    """The first day whose rolling 12 months no longer include `day`."""
    out = add_months(day, 12)
    while add_months(out, -12) < day:  # month-end clamping (29 February)
        out += timedelta(days=1)
    return out


def in_service_due_on(
    started: date, completions: list[TrainingCompletion], course: Course, on: date
) -> date:
    """The day the annual in-service must be met by: 12 months from activation for a
    volunteer active less than a year; after that, the day the rolling 12-month total
    drops (or dropped) below what the course requires."""
    first_due = add_months(started, 12)
    required = course.annual_hours_required or Decimal(0)
    if on <= first_due:
        return first_due
    days = sorted(
        {leaves_window_on(c.completed_on) for c in completions if c.course_id == course.pk}
        | {first_due}
    )
    met_now = hours_in_window(completions, course, on) >= required
    if met_now:
        # The first day ahead on which enough hours have left the window.
        for day in days:
            if day > on and hours_in_window(completions, course, day) < required:
                return day
        return first_due  # unreachable: met now means some hours leave later
    # Overdue: the last day on which it went from met to not met (or first fell due).
    dropped = first_due
    for day in days:
        if day > on:
            break
        before = hours_in_window(completions, course, day - timedelta(days=1))
        if hours_in_window(completions, course, day) < required and (
            day == first_due or before >= required
        ):
            dropped = day
    return dropped


def activation_problems(grant: FacilityAccess, on: date | None = None) -> list[str]:
    """What stands between this grant and activation (DESIGN rule 3, second gate)."""
    on = on or age.today()
    problems = []
    if grant.status != AccessStatus.PENDING_ACTIVATION:
        problems.append(_("Only access pending activation can be activated."))
    return problems + currency_problems(grant, on)


def currency_problems(grant: FacilityAccess, on: date) -> list[str]:
    """The currency items activation checks (required trainings, the TB test where the
    facility requires one, no statewide ban), whatever the grant's status: restoring a
    suspended grant checks the same."""
    from volunteers.services import standing_ban

    problems = []
    required = {
        course.code
        for course in Course.objects.filter(is_active=True, required_for_activation=True)
        if course.applies_to(grant.kind, grant.level_approved)
    }
    for item in items_for(grant, on):
        if (item.key in required or item.key == "tb") and not item.is_current(on):
            if item.done:
                problems.append(_("%(item)s has expired.") % {"item": item.label})
            elif item.key == "tb" and item.done_on is not None:
                problems.append(
                    _("The latest TB test (%(date)s) is positive and not cleared.")
                    % {"date": date_format(item.done_on)}
                )
            else:
                problems.append(_("%(item)s is not done.") % {"item": item.label})
    for version in unsigned_current(grant.person, on):
        problems.append(
            _("“%(title)s” (version %(version)s) is not signed.")
            % {"title": version.title, "version": version.version}
        )
    if standing_ban(grant.person):
        problems.append(_("The person is under a statewide ban."))
    return problems


def person_items(person: Person, on: date) -> list[tuple[FacilityAccess, list[Item]]]:
    """For the volunteer's own portal: each live grant and its items."""
    return [
        (grant, items_for(grant, on))
        for grant in FacilityAccess.objects.live()
        .filter(person=person)
        .select_related("facility", "person")
    ]


def access_validity_end(start: date) -> date:
    return add_months(start, ProgramSettings.load().access_validity_months)
