"""What a person has done and what is due: trainings, TB tests, the activation gate.

Pure reads, shared by the activation service, the sweep, rosters and the volunteer's portal.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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

    def is_current(self, on: date) -> bool:
        return self.done and (self.expires_on is None or self.expires_on >= on)

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


def items_for(grant: FacilityAccess, on: date, courses: list[Course] | None = None) -> list[Item]:
    """The compliance items of the grant's person at the grant's facility; a list of many
    grants passes the active `courses` once (and prefetches completions and TB tests)."""
    person = grant.person
    completions = list(person.completions.all())
    if courses is None:
        courses = list(Course.objects.filter(is_active=True))
    items = [
        course_item(course, completions, grant.facility, on)
        for course in courses
        if course.applies_to(grant.kind, grant.level_approved)
    ]
    if grant.facility.tb_test_required:
        items.append(tb_item(list(person.tb_tests.all())))
    return items


def activation_problems(grant: FacilityAccess, on: date | None = None) -> list[str]:
    """What stands between this grant and activation (DESIGN rule 3, second gate)."""
    from volunteers.services import standing_ban

    on = on or age.today()
    problems = []
    if grant.status != AccessStatus.PENDING_ACTIVATION:
        problems.append(_("Only access pending activation can be activated."))
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
                    % {"date": item.done_on.strftime("%B %-d, %Y")}
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
