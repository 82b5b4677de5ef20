"""Helpers for the activation tests: grants, trainings, TB tests and sessions.

Everything is built through the services, as the pages would build it. Each person gets a
last name of their own (letters only), so that page assertions can find them.
"""

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from django.core import mail
from django.utils import timezone

from accounts.models import User
from applications import age
from applications.models import AccessLevel, Kind
from facilities.models import Facility
from screening import services
from screening.models import StepKind
from tests.factories import submitted_application
from volunteers import activation
from volunteers.models import Course, FacilityAccess, TBTest, TrainingSession

VOLUNTEER_ORIENTATION = "volunteer-orientation"
PREA = "prea"
FACILITY_ORIENTATION = "facility-orientation"
IN_SERVICE = "annual-in-service"

_names = itertools.count(1)


def unique_last() -> str:
    """A last name of letters only (names are normalized on letters)."""
    number, out = next(_names) + 26 * 26, ""
    while number:
        number, digit = divmod(number, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[digit] + out
    return "Vol" + out


def course(code: str) -> Course:
    return Course.objects.get(code=code)


def born_turning(years: int, on: date) -> date:
    """A date of birth whose `years`-th birthday is `on` (never 29 February)."""
    born = on.replace(year=on.year - years)  # ValueError on 29 February: callers avoid it
    assert age.date_reaching(born, years) == on
    return born


def not_leap_day(day: date) -> date:
    """`day`, or the day before when it is 29 February (nobody turns 19 on that date)."""
    return day - timedelta(days=1) if (day.month, day.day) == (2, 29) else day


def grant_at(
    facility: Facility,
    *,
    by: User,
    level: str = AccessLevel.CONTACT,
    born: date = date(1980, 5, 17),
    first: str = "Jordan",
    last: str | None = None,
    kind: str = Kind.VOLUNTEER,
    person: Any = None,
) -> FacilityAccess:
    """An application submitted, screened and approved at `level`: a grant pending activation
    (for `person`, when given: someone who already holds access elsewhere)."""
    extra = {"person": person} if person is not None else {}
    application = submitted_application(
        facility=facility, kind=kind, born=born, first=first, last=last or unique_last(), **extra
    )
    application = services.start_review(application=application, by=by)
    for step in application.screening_steps.all():
        if step.step_kind == StepKind.BACKGROUND_CHECK:
            services.add_background_check(
                step=step,
                by=by,
                performed_by="MSHP",
                check_type="mules",
                run_on=age.today(),
                outcome="cleared",
            )
        services.record_step(step=step, by=by, state="passed")
    return services.approve_application(application=application, by=by, level=level)


def complete(
    grant: FacilityAccess,
    *,
    by: User,
    on: date | None = None,
    skip: tuple[str, ...] = (),
    tb: str | None = "negative",
) -> None:
    """Record every training activation needs (except `skip`), and a TB test unless None."""
    on = on or age.today()
    for code in (VOLUNTEER_ORIENTATION, PREA, FACILITY_ORIENTATION):
        if code not in skip:
            activation.record_completion(
                person=grant.person,
                course=course(code),
                completed_on=on,
                by=by,
                facility=grant.facility,
            )
    if tb is not None:
        activation.record_tb_test(person=grant.person, tested_on=on, result=tb, by=by)
    if "agreements" not in skip:
        sign_current(grant, on=on)


def sign_current(grant: FacilityAccess, *, on: date | None = None) -> None:
    """The person signs every current agreement online (none while nothing is published)."""
    from volunteers.agreements import unsigned_current
    from volunteers.services.agreements import sign_agreement

    for version in unsigned_current(grant.person, on or age.today()):
        sign_agreement(
            person=grant.person,
            version=version,
            signed_name=grant.person.full_name,
            by="tests",
            ip_address="127.0.0.1",
        )


def active_grant(
    facility: Facility, *, by: User, on: date | None = None, **options: Any
) -> FacilityAccess:
    """A grant activated on `on` (default today), everything it needs done that day."""
    grant = grant_at(facility, by=by, **options)
    complete(grant, by=by, on=min(on or age.today(), age.today()))
    return activation.activate_access(grant=grant, by=by, on=on)


def tb_test(grant: FacilityAccess, *, by: User, tested_on: date, result: str) -> TBTest:
    return activation.record_tb_test(person=grant.person, tested_on=tested_on, result=result, by=by)


def in_hours(hours: float) -> datetime:
    return timezone.now() + timedelta(hours=hours)


def session_at(
    facility: Facility | None,
    *,
    by: User | str = "tests",
    code: str = FACILITY_ORIENTATION,
    starts_in: float = 24,
    capacity: int = 10,
    place: str = "Visiting room",
) -> TrainingSession:
    """A session starting `starts_in` hours from now (negative: it has started)."""
    return activation.schedule_session(
        by=by,
        course=course(code),
        facility=facility,
        place=place,
        starts_at=in_hours(starts_in),
        ends_at=in_hours(starts_in + 2),
        capacity=capacity,
    )


def let_session_start(session: TrainingSession) -> TrainingSession:
    """Time passes: the session began three hours ago and ended an hour ago."""
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=in_hours(-3), ends_at=in_hours(-1)
    )
    session.refresh_from_db()
    return session


def outbox_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]
