"""The roll-ups of approved hours the reports read stay equal to what the entries say,
after every kind of write the hours service makes (and after taking one out), and the
rebuild from the entries gives the same rows."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from facilities.models import Facility
from tests.factories import FacilityFactory
from tests.volunteers.hours_helpers import days_ago, log, volunteer
from volunteers.models import (
    NEVER,
    GrantAreaTally,
    GrantMonthTally,
    HourEntry,
    HourMonth,
    HourMonthTotal,
    HourSource,
    HourStatus,
)
from volunteers.services import (
    approve_hour_entry,
    decide_hours,
    delete_hour_entry,
    reject_hour_entry,
    update_hour_entry,
)
from volunteers.services.hour_rollups import count_entry, rebuild

pytestmark = pytest.mark.django_db


def expected() -> dict[str, Any]:
    """Every roll-up worked out in Python from the approved entries."""
    cells: dict[tuple[Any, ...], list[Any]] = {}
    totals: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    months: dict[tuple[int, int, str], set[date]] = defaultdict(set)
    areas: dict[tuple[int, str, str], set[date]] = defaultdict(set)
    for e in HourEntry.objects.approved().select_related("access"):
        month = e.worked_on.replace(day=1)
        key = (e.access_id, e.facility_id, e.person_id, month, e.program_area)
        cell = cells.setdefault(key, [Decimal(0), 0, e.worked_on, e.worked_on])
        cell[0] += e.hours
        cell[1] += 1
        cell[2], cell[3] = min(cell[2], e.worked_on), max(cell[3], e.worked_on)
        total = totals[(e.facility_id, e.access.kind, month, e.program_area)]
        total[0] += e.hours
        total[1] += 1
        months[(e.access_id, e.facility_id, e.access.kind)].add(month)
        areas[(e.access_id, e.access.kind, e.program_area)].add(month)
    by_grant: Counter[tuple[Any, ...]] = Counter()
    for (_access, facility, kind), found in months.items():
        ordered = sorted(found)
        for before, month in zip([NEVER, *ordered], ordered, strict=False):
            by_grant[(facility, kind, month, before)] += 1
    by_area: Counter[tuple[Any, ...]] = Counter()
    for (_access, kind, area), found in areas.items():
        ordered = sorted(found)
        for before, month in zip([NEVER, *ordered], ordered, strict=False):
            by_area[(kind, area, month, before)] += 1
    return {
        "cells": {k: tuple(v) for k, v in cells.items()},
        "totals": {k: tuple(v) for k, v in totals.items()},
        "grants": dict(by_grant),
        "areas": dict(by_area),
    }


def stored() -> dict[str, Any]:
    return {
        "cells": {
            (c.access_id, c.facility_id, c.person_id, c.month, c.program_area): (
                c.hours,
                c.entries,
                c.first_day,
                c.last_day,
            )
            for c in HourMonth.objects.all()
        },
        "totals": {
            (t.facility_id, t.kind, t.month, t.program_area): (t.hours, t.entries)
            for t in HourMonthTotal.objects.exclude(entries=0)
        },
        "grants": {
            (t.facility_id, t.kind, t.month, t.since): t.grants
            for t in GrantMonthTally.objects.exclude(grants=0)
        },
        "areas": {
            (t.kind, t.program_area, t.month, t.since): t.grants
            for t in GrantAreaTally.objects.exclude(grants=0)
        },
    }


def check() -> None:
    assert stored() == expected()


def test_every_write_keeps_the_roll_ups_equal_to_the_entries(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=400)
    other = volunteer(FacilityFactory.create(), by=iac, since=400)
    check()

    pending = log(grant, on=days_ago(40), hours="2")  # logged: pending, not counted
    check()
    approve_hour_entry(entry=pending, by=iac)  # approved: counted
    check()
    log(grant, on=days_ago(41), hours="1.5", area="education", approve=True, by=iac)  # same cell
    check()
    log(grant, on=days_ago(100), hours="3", area="mentoring", source=HourSource.STAFF, by=iac)
    check()
    staff = log(grant, on=days_ago(200), hours="4", source=HourSource.STAFF, by=iac, approve=True)
    check()
    # A month between two counted ones: the later month's `since` moves to it.
    log(grant, on=days_ago(130), hours="1", approve=True, by=iac)
    check()
    rejected = reject_hour_entry(entry=log(grant, on=days_ago(10)), by=iac, reason="Wrong day")
    check()
    changed = update_hour_entry(
        entry=rejected, by=iac, worked_on=days_ago(12), program_area="recovery", hours="2"
    )
    check()
    delete_hour_entry(entry=changed, by=iac)
    check()
    decide_hours(entries=[log(other, on=days_ago(n)) for n in (5, 35, 65)], by=iac, approve=True)
    decide_hours(entries=[log(other, on=days_ago(95))], by=iac, approve=False, reason="No")
    check()
    assert HourMonth.objects.filter(access=grant).count() == 3  # mentoring is pending
    assert staff.status == HourStatus.APPROVED


def test_taking_an_entry_out_undoes_it(facility: Facility, iac: User) -> None:
    """No service unapproves hours today; the roll-ups can take one out all the same
    (a void), leaving what the remaining entries say."""
    grant = volunteer(facility, by=iac, since=400)
    entries = [
        log(grant, on=days_ago(n), hours="2", area=area, approve=True, by=iac)
        for n, area in [(20, "education"), (21, "education"), (80, "mentoring"), (150, "other")]
    ]
    for entry in (entries[2], entries[0], entries[3], entries[1]):
        HourEntry.objects.filter(pk=entry.pk).update(status=HourStatus.REJECTED, reject_reason="x")
        count_entry(entry, -1)
        check()
    assert not HourMonth.objects.exists()


def test_rebuilding_gives_the_same_rows(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=400)
    for n in range(0, 360, 23):
        log(
            grant,
            on=days_ago(n),
            hours="1.25",
            area="education" if n % 2 else "other",
            approve=True,
            by=iac,
        )
    log(grant, on=days_ago(3))  # pending
    before = stored()

    rebuild()

    assert stored() == before == expected()
    assert HourMonthTotal.objects.count() > 0
