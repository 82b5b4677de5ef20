"""A small hand-built world whose right answers are known, written straight through the ORM
(the services are tested elsewhere; here the figures are)."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from applications import age
from applications.models import (
    AccessLevel,
    Application,
    ApplicationEvent,
    EventKind,
    InformationRequest,
    Person,
    ProgramArea,
    Status,
)
from facilities.models import Facility, Region
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory
from volunteers import compliance_dates
from volunteers.models import (
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
)
from volunteers.services.hour_rollups import count_entry

_numbers = itertools.count(1)
CT = age.DEPARTMENT_TZ


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CT)


def leap_day_birth(today: date) -> date:
    """29 February of a year whose 19th birthday (1 March, a common year) is still ahead."""
    year = today.year - 19
    while (
        not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        or date(year + 19, 3, 1) <= today
    ):
        year += 1
    return date(year, 2, 29)


def person(name: str, born: date | None = None) -> Person:
    first, _space, last = name.partition(" ")
    return Person.objects.create(
        first_name=first,
        last_name=last,
        date_of_birth=born or date(1980, 5, 5),
        email=f"{first.lower()}@example.org",
    )


def application(
    facility: Facility,
    who: Person,
    *,
    submitted: datetime,
    status: str,
    reviewed: bool = False,
    decided: datetime | None = None,
    reason: str = "",
    level: str = AccessLevel.NO_CONTACT,
) -> Application:
    found = Application.objects.create(
        person=who,
        facility=facility,
        kind="volunteer",
        status=status,
        reference=f"T-{next(_numbers):05d}",
        submitted_at=submitted,
        decided_at=decided,
        decline_reason=reason,
        access_level_requested=level,
        program_area=ProgramArea.EDUCATION,
        # What status.transition sets on the first move to in review (with the event).
        reviewed_at=submitted + timedelta(hours=1) if reviewed else None,
    )
    if reviewed:
        ApplicationEvent.objects.create(
            application=found,
            kind=EventKind.STATUS,
            from_status=Status.SUBMITTED,
            to_status=Status.IN_REVIEW,
        )
    return found


def grant(
    app: Application,
    *,
    status: str = AccessStatus.ACTIVE,
    expires: date | None = None,
    level: str = AccessLevel.NO_CONTACT,
) -> FacilityAccess:
    access = FacilityAccess.objects.create(
        person=app.person,
        facility=app.facility,
        application=app,
        kind=app.kind,
        level_approved=level,
        level_effective=level,
        status=status,
        expires_on=expires,
        starts_on=date(2024, 2, 1),
    )
    compliance_dates.refresh(grants=[access.pk])  # as volunteers.services.create_grant does
    access.refresh_from_db()
    return access


def hours(
    access: FacilityAccess, worked: date, amount: str, status: str = HourStatus.APPROVED
) -> HourEntry:
    entry = HourEntry.objects.create(
        person=access.person,
        facility=access.facility,
        access=access,
        worked_on=worked,
        program_area=ProgramArea.EDUCATION,
        hours=Decimal(amount),
        status=status,
        source=HourSource.STAFF,
    )
    if status == HourStatus.APPROVED:
        count_entry(entry, 1)  # what the hours service does on approval (the report reads it)
    return entry


@dataclass
class World:
    a: Facility
    b: Facility
    empty: Facility
    pic: User
    iac_a: User
    iac_b: User
    leap_born: date
    today: date
    grant_a: FacilityAccess
    grant_b: FacilityAccess


@pytest.fixture
def world(db: Any) -> World:
    today = age.today()
    north = Region.objects.create(name="North")
    a = FacilityFactory.create(code="AAA", name="Alpha Correctional Center", region=north)
    b = FacilityFactory.create(code="BBB", name="Beta Correctional Center", region=north)
    empty = FacilityFactory.create(code="EEE", name="Empty Correctional Center", region=None)
    # A: approved at 23:30 on 31 January in Missouri (already 1 February in UTC): 21.5625 days.
    a1 = application(
        a,
        person("Ann One"),
        submitted=at(2024, 1, 10, 10),
        status=Status.APPROVED,
        reviewed=True,
        decided=at(2024, 1, 31, 23, 30),
    )
    a2 = application(
        a,
        person("Bob Two"),
        submitted=at(2024, 2, 1, 9),
        status=Status.DECLINED,
        reviewed=True,
        decided=at(2024, 2, 11, 9),
        reason="background_check",
    )
    application(a, person("Cy Three"), submitted=at(2024, 3, 1), status=Status.WITHDRAWN)
    leap_born = leap_day_birth(today)
    a4 = application(
        a,
        person("Dee Four", leap_born),
        submitted=at(2024, 3, 5),
        status=Status.IN_REVIEW,
        reviewed=True,
        level=AccessLevel.CONTACT,
    )
    recent = datetime.combine(today - timedelta(days=3), datetime.min.time(), CT) + timedelta(
        hours=10
    )
    application(a, person("Eve Five"), submitted=recent, status=Status.SUBMITTED)
    b1 = application(
        b,
        person("Fay Six"),
        submitted=at(2024, 1, 5),
        status=Status.APPROVED,
        reviewed=True,
        decided=at(2024, 1, 25),
    )
    InformationRequest.objects.create(application=a2, message="More", due_on=date(2024, 1, 30))
    InformationRequest.objects.filter(application=a2).update(
        requested_at=at(2024, 1, 20), answered_at=at(2024, 1, 24)
    )
    InformationRequest.objects.create(
        application=a4, message="Letter?", due_on=today - timedelta(days=1)
    )
    InformationRequest.objects.filter(application=a4).update(requested_at=at(2024, 4, 1))
    Application.objects.filter(pk=a4.pk).update(status=Status.INFO_REQUESTED)
    grant_a = grant(a1, expires=today + timedelta(days=30), level=AccessLevel.CONTACT)
    grant_b = grant(b1, expires=today + timedelta(days=400))
    event = AccessEvent.objects.create(
        access=grant_a,
        kind=AccessEventKind.ACTIVATED,
        from_status=AccessStatus.PENDING_ACTIVATION,
        to_status=AccessStatus.ACTIVE,
    )
    AccessEvent.objects.filter(pk=event.pk).update(at=at(2024, 2, 1))
    hours(grant_a, date(2024, 3, 15), "10")
    hours(grant_a, date(2024, 3, 20), "5", HourStatus.PENDING)
    hours(grant_a, date(2025, 1, 10), "4")
    hours(grant_b, date(2024, 6, 1), "6")
    del a2, a4
    return World(
        a=a,
        b=b,
        empty=empty,
        pic=StaffUserFactory.create(pic_coordinator=True),
        iac_a=member(a),
        iac_b=member(b),
        leap_born=leap_born,
        today=today,
        grant_a=grant_a,
        grant_b=grant_b,
    )
