"""The hours report's three ways to its figures (the tallies statewide, the cells of any
scope, the entries of a period inside one month) agree with the entries themselves, on
random data with the awkward cases in it: people holding two grants (of one kind, and
of two kinds), periods starting and ending inside months, months whose only hours
fall outside the period, pending and rejected hours, kind and level filters."""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from applications.models import AccessLevel, ProgramArea, Status
from facilities.models import Facility
from reports.filters import Scope
from reports.queries.hour_figures import HourFigures, from_cells, from_entries, from_tallies
from tests.factories import FacilityFactory
from tests.reports.conftest import application, at, grant, person
from volunteers.models import FacilityAccess, HourEntry, HourSource, HourStatus
from volunteers.services.hour_rollups import count_entry, rebuild

pytestmark = pytest.mark.django_db
START = date(2024, 1, 1)


def _grant(facility: Facility, who: Any, kind: str, level: str) -> FacilityAccess:
    app = application(facility, who, submitted=at(2023, 12, 1), status=Status.APPROVED)
    app.kind = kind
    app.save(update_fields=["kind"])
    return grant(app, level=level)


def _world(rng: random.Random) -> list[FacilityAccess]:
    facilities = [FacilityFactory.create(code=f"F{n}") for n in range(3)]
    FacilityFactory.create(code="F9")  # no hours at all
    grants = []
    for n in range(9):
        who = person(f"P{n} Person{n}")
        level = AccessLevel.CONTACT if n % 3 == 0 else AccessLevel.NO_CONTACT
        grants.append(_grant(facilities[n % 3], who, "volunteer", level))
    # Two grants each (a person holds one per facility): the same kind, and two kinds.
    twice = person("Two Places")
    grants += [
        _grant(facilities[0], twice, "volunteer", AccessLevel.NO_CONTACT),
        _grant(facilities[1], twice, "volunteer", AccessLevel.CONTACT),
    ]
    kinds = person("Two Kinds")
    grants += [
        _grant(facilities[2], kinds, "volunteer", AccessLevel.NO_CONTACT),
        _grant(facilities[0], kinds, "student_intern", AccessLevel.NO_CONTACT),
    ]
    areas = ProgramArea.values[:4]
    for access in grants:
        for _n in range(rng.randrange(5, 30)):
            status = rng.choice([HourStatus.APPROVED] * 5 + [HourStatus.PENDING])
            entry = HourEntry.objects.create(
                person=access.person,
                facility=access.facility,
                access=access,
                worked_on=START + timedelta(days=rng.randrange(0, 600)),
                program_area=rng.choice(areas),
                hours=Decimal(rng.randrange(1, 17)) / 4,
                status=status,
                source=HourSource.STAFF,
            )
            if status == HourStatus.APPROVED:
                count_entry(entry, 1)
    return grants


def _periods(rng: random.Random) -> list[tuple[date, date]]:
    periods = [
        (date(2024, 1, 1), date(2024, 12, 31)),  # whole months
        (date(2024, 3, 2), date(2025, 3, 1)),  # the default's shape
        (date(2024, 2, 29), date(2024, 3, 1)),  # two days, two months
        (date(2024, 5, 10), date(2024, 5, 20)),  # inside one month
        (date(2024, 1, 31), date(2024, 3, 1)),  # most of both end months outside
        (date(2023, 6, 1), date(2026, 6, 1)),  # beyond the data both ways
    ]
    for _n in range(8):
        start = START + timedelta(days=rng.randrange(-20, 580))
        periods.append((start, start + timedelta(days=rng.randrange(0, 300))))
    return periods


def _same(found: HourFigures, truth: HourFigures) -> None:
    def clean(figures: HourFigures) -> dict[str, Any]:
        return {
            "facility_year": {k: v for k, v in figures.hours_by_facility_year.items() if v},
            "people_by_facility": {k: v for k, v in figures.people_by_facility.items() if v},
            "people": figures.people,
            "by_month": figures.by_month,
            "by_area": {k: v for k, v in figures.by_area.items() if v != (0, 0)},
        }

    assert clean(found) == clean(truth)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_way_gives_the_figures_the_entries_give(seed: int) -> None:
    rng = random.Random(seed)
    _world(rng)
    everywhere = Facility.objects.all()
    some = Facility.objects.filter(code__in=["F0", "F2"])
    for date_from, date_to in _periods(rng):
        for kind, level in [("", ""), ("volunteer", ""), ("", AccessLevel.CONTACT)]:
            for facilities in (everywhere, some):
                scope = Scope(facilities, date_from, date_to, kind, level, date(2026, 1, 1))
                truth = from_entries(scope)
                if date_from.replace(day=1) != date_to.replace(day=1):
                    _same(from_cells(scope), truth)
                    if facilities is everywhere and not level:
                        _same(from_tallies(scope), truth)


def test_the_tallies_and_cells_rebuilt_from_the_entries_give_the_same() -> None:
    rng = random.Random(3)
    _world(rng)
    rebuild()
    scope = Scope(Facility.objects.all(), date(2024, 3, 2), date(2025, 3, 1), "", "", START)
    truth = from_entries(scope)
    _same(from_tallies(scope), truth)
    _same(from_cells(scope), truth)
    assert truth.people == 11  # nine people, one with two grants, one with two kinds
