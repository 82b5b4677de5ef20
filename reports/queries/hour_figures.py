"""The figures of the hours report, read from the roll-ups of approved hours that the hours
service keeps (volunteers.models: HourMonth, HourMonthTotal, GrantMonthTally,
GrantAreaTally) rather than from a year of entries.

A period rarely starts and ends on month boundaries. With M1 and M2 its first and last
months, every figure is taken over the whole months M1..M2 and then corrected for the days
of M1 before the period and of M2 after it (the "outside days"):
- sums subtract the approved entries of the outside days (one day, for the default
  twelve months ending today);
- "volunteers serving" counts a grant when one of its cells (grant x month x area) has an
  entry inside the period, which a cell's first and last day tell exactly once the period
  spans two months or more.

Three ways to the same figures, chosen by what the scope asks:
- statewide without an access-level filter (the PIC Coordinator's default): the tallies
  answer the distinct counts in a few hundred rows ("grants serving in months a..b" are the
  tallies of those months whose previous month with hours came before a), corrected for
  grants whose only hours in M1..M2 fall on the outside days and for the few people with
  more than one grant (the tallies count grants, the report people);
- any other scope with a period over two months or more: the cells of the scope;
- a period inside one month: the entries themselves (a month of them at most).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from facilities.models import Facility
from reports.filters import Scope
from volunteers.models import (
    FacilityAccess,
    GrantAreaTally,
    GrantMonthTally,
    HourEntry,
    HourMonth,
    HourMonthTotal,
)


@dataclass
class HourFigures:
    """Approved hours and volunteers serving in a scope and period."""

    # (facility pk, year) -> hours
    hours_by_facility_year: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    people_by_facility: dict[int, int] = field(default_factory=dict)
    people: int = 0
    # month (its first day) -> (hours, people), months with approved hours only
    by_month: dict[date, tuple[Decimal, int]] = field(default_factory=dict)
    # program area -> (hours, people)
    by_area: dict[str, tuple[Decimal, int]] = field(default_factory=dict)


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)


def hour_figures(scope: Scope, *, statewide: bool) -> HourFigures:
    first, last = month_of(scope.date_from), month_of(scope.date_to)
    if first == last:
        return from_entries(scope)
    if statewide and not scope.level:
        return from_tallies(scope)
    return from_cells(scope)


# The period inside one month: the entries ------------------------------------------------


def approved_entries(scope: Scope) -> QuerySet[HourEntry]:
    found = HourEntry.objects.approved().filter(
        facility__in=scope.facility_ids(),
        worked_on__gte=scope.date_from,
        worked_on__lte=scope.date_to,
    )
    if scope.kind:
        found = found.filter(access__kind=scope.kind)
    return found.filter(scope.level_q("access__"))


def from_entries(scope: Scope) -> HourFigures:
    entries = approved_entries(scope)
    figures = HourFigures()
    for row in (
        entries.annotate(year=ExtractYear("worked_on"))
        .values("facility", "year")
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        figures.hours_by_facility_year[(row["facility"], row["year"])] = row["hours"]
    figures.people_by_facility = _counts(
        entries.values("facility").annotate(n=Count("person", distinct=True)).order_by(),
        "facility",
    )
    figures.people = entries.aggregate(n=Count("person", distinct=True))["n"]
    for row in (
        entries.annotate(month=TruncMonth("worked_on"))
        .values("month")
        .annotate(hours=Sum("hours"), people=Count("person", distinct=True))
        .order_by()
    ):
        figures.by_month[row["month"]] = (row["hours"], row["people"])
    for row in (
        entries.values("program_area")
        .annotate(hours=Sum("hours"), people=Count("person", distinct=True))
        .order_by()
    ):
        figures.by_area[row["program_area"]] = (row["hours"], row["people"])
    return figures


def _counts(rows: Any, key: str, name: str = "n") -> dict[Any, int]:
    return {row[key]: row[name] for row in rows}


# Shared by the two roll-up ways ------------------------------------------------------------


def _window(scope: Scope) -> dict[str, date]:
    return {"month__gte": month_of(scope.date_from), "month__lte": month_of(scope.date_to)}


def _in_period(scope: Scope, prefix: str = "") -> Q:
    """Cells (of months M1..M2, M1 before M2) with at least one entry inside the period."""
    first, last = month_of(scope.date_from), month_of(scope.date_to)
    return (
        Q(**{f"{prefix}month__gt": first}) | Q(**{f"{prefix}last_day__gte": scope.date_from})
    ) & (Q(**{f"{prefix}month__lt": last}) | Q(**{f"{prefix}first_day__lte": scope.date_to}))


def _edges(scope: Scope) -> tuple[date, date, Q, dict[date, int]]:
    """How the sums treat the two end months (M1 before M2): each either stays in the
    months summed and has its days outside the period subtracted, or leaves them and has
    its days inside the period added, whichever reads fewer entries. Returns the months to
    sum, the days of entries to read, and for each end month whether they add or subtract."""
    first, last = month_of(scope.date_from), month_of(scope.date_to)
    start, end = first, last
    days = Q(pk__in=[])
    sign: dict[date, int] = {}
    before = (scope.date_from - first).days
    if before and before > (month_end(first) - scope.date_from).days + 1:
        start = month_end(first) + timedelta(days=1)
        days |= Q(worked_on__gte=scope.date_from, worked_on__lte=month_end(first))
        sign[first] = 1
    elif before:
        days |= Q(worked_on__gte=first, worked_on__lt=scope.date_from)
        sign[first] = -1
    after = (month_end(last) - scope.date_to).days
    if after and after > scope.date_to.day:
        end = month_of(last - timedelta(days=1))
        days |= Q(worked_on__gte=last, worked_on__lte=scope.date_to)
        sign[last] = 1
    elif after:
        days |= Q(worked_on__gt=scope.date_to, worked_on__lte=month_end(last))
        sign[last] = -1
    return start, end, days, sign


def _cells(scope: Scope) -> QuerySet[HourMonth]:
    found = HourMonth.objects.filter(facility__in=scope.facility_ids(), **_window(scope))
    if scope.kind:
        found = found.filter(access__kind=scope.kind)
    return found.filter(scope.level_q("access__"))


def _sums(scope: Scope, rows: QuerySet[Any]) -> HourFigures:
    """Hours by facility and year, by month and by area: from cells or totals (`rows`,
    with `hours` and `entries`) of whole months, and the entries of the end months' days
    that make the period exact (see _edges)."""
    start, end, days, sign = _edges(scope)
    rows = rows.filter(month__gte=start, month__lte=end)
    figures = HourFigures()
    entries_by_month: dict[date, int] = defaultdict(int)
    month_hours: dict[date, Decimal] = defaultdict(Decimal)
    area_hours: dict[str, Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[int, int], Decimal] = defaultdict(Decimal)

    def add(facility: int, month: date, area: str | None, hours: Decimal, n: int) -> None:
        by_year[(facility, month.year)] += hours
        month_hours[month] += hours
        entries_by_month[month] += n
        if area is not None:
            area_hours[area] += hours

    # One row per facility and month (a thousand at most): by year and by month from them.
    for row in (
        rows.values("facility", "month").annotate(hours=Sum("hours"), n=Sum("entries")).order_by()
    ):
        add(row["facility"], row["month"], None, row["hours"], row["n"])
    for row in rows.values("program_area").annotate(hours=Sum("hours")).order_by():
        area_hours[row["program_area"]] += row["hours"]
    edge = HourEntry.objects.approved().filter(days, facility__in=scope.facility_ids())
    if scope.kind:
        edge = edge.filter(access__kind=scope.kind)
    edge = edge.filter(scope.level_q("access__"))
    for row in (
        edge.annotate(month=TruncMonth("worked_on"))
        .values("facility", "month", "program_area")
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by()
    ):  # aggregated: a facility, end month and area each
        factor = sign[row["month"]]
        add(
            row["facility"],
            row["month"],
            row["program_area"],
            factor * row["hours"],
            factor * row["n"],
        )
    figures.hours_by_facility_year = dict(by_year)
    # Months whose every entry fell outside the period are not listed.
    figures.by_month = {m: (month_hours[m], 0) for m, n in entries_by_month.items() if n > 0}
    figures.by_area = {area: (hours, 0) for area, hours in area_hours.items()}
    return figures


def _serving(
    cells: QuerySet[HourMonth], what: str
) -> tuple[dict[int, int], int, dict[date, int], dict[str, int]]:
    """Distinct `what` (person or access) serving, from cells with an entry in the period:
    by facility, in all, by month and by area."""
    distinct = Count(what, distinct=True)
    return (
        _counts(cells.values("facility").annotate(n=distinct).order_by(), "facility"),
        cells.aggregate(n=distinct)["n"],
        _counts(cells.values("month").annotate(n=distinct).order_by(), "month"),
        _counts(cells.values("program_area").annotate(n=distinct).order_by(), "program_area"),
    )


def _with_people(
    figures: HourFigures,
    by_facility: dict[int, int],
    overall: int,
    by_month: dict[date, int],
    by_area: dict[str, int],
) -> HourFigures:
    figures.people_by_facility = {k: v for k, v in by_facility.items() if v}
    figures.people = overall
    figures.by_month = {m: (h, by_month.get(m, 0)) for m, (h, _p) in figures.by_month.items()}
    figures.by_area = {a: (h, by_area.get(a, 0)) for a, (h, _p) in figures.by_area.items()}
    return figures


# Any scope: the cells ----------------------------------------------------------------------


def from_cells(scope: Scope) -> HourFigures:
    cells = _cells(scope)
    figures = _sums(scope, cells)
    return _with_people(figures, *_serving(cells.filter(_in_period(scope)), "person"))


# Statewide: the tallies --------------------------------------------------------------------


def from_tallies(scope: Scope) -> HourFigures:
    first = month_of(scope.date_from)
    last = month_of(scope.date_to)
    totals = HourMonthTotal.objects.filter(**_window(scope))
    grants = GrantMonthTally.objects.filter(**_window(scope))
    areas = GrantAreaTally.objects.filter(**_window(scope))
    if scope.kind:
        totals = totals.filter(kind=scope.kind)
        grants = grants.filter(kind=scope.kind)
        areas = areas.filter(kind=scope.kind)
    figures = _sums(scope, totals)

    # Grants with hours in months M1..M2: by facility and area, those whose previous month
    # with hours came before M1; by month, all of them.
    by_facility = _counts(
        grants.filter(since__lt=first).values("facility").annotate(n=Sum("grants")).order_by(),
        "facility",
    )
    by_month = _counts(grants.values("month").annotate(n=Sum("grants")).order_by(), "month")
    by_area = _counts(
        areas.filter(since__lt=first).values("program_area").annotate(n=Sum("grants")).order_by(),
        "program_area",
    )

    # Less the grants whose only hours in M1..M2 fall on the outside days: found from the
    # few cells of the end months lying wholly outside the period, each asking by index
    # whether its grant served inside it (at all, in that month, in that area).
    window = HourMonth.objects.filter(**_window(scope))
    if scope.kind:
        window = window.filter(access__kind=scope.kind)
    serving = window.filter(_in_period(scope))
    grant_cells = HourMonth.objects.filter(access=OuterRef("access"))
    not_serving: set[tuple[int, int]] = set()
    not_in_month: set[tuple[int, date]] = set()
    not_in_area: set[tuple[int, str]] = set()
    # One query per end month, so that each reads its own index and asks by grant. The
    # day bounds repeat the month's so the planner sees how few cells that is (it has no
    # statistics on days within a month).
    for month, outside_q, inside_q in (
        (
            first,
            Q(last_day__gte=first, last_day__lt=scope.date_from),
            Q(last_day__gte=scope.date_from),
        ),
        (
            last,
            Q(first_day__gt=scope.date_to, first_day__lte=month_end(last)),
            Q(first_day__lte=scope.date_to),
        ),
    ):
        outside = HourMonth.objects.filter(outside_q, month=month)
        if scope.kind:
            outside = outside.filter(access__kind=scope.kind)
        stale = outside.annotate(
            served=Exists(grant_cells.filter(_in_period(scope), **_window(scope))),
            in_area=Exists(
                grant_cells.filter(
                    _in_period(scope), program_area=OuterRef("program_area"), **_window(scope)
                )
            ),
            in_month=Exists(grant_cells.filter(inside_q, month=month)),
        ).values_list("access", "facility", "program_area", "served", "in_area", "in_month")
        for access, facility, area, served, in_area, in_month in stale:
            if not served:
                not_serving.add((access, facility))
            if not in_month:
                not_in_month.add((access, month))
            if not in_area:
                not_in_area.add((access, area))
    for _access, facility in not_serving:
        by_facility[facility] -= 1
    for _access, month in not_in_month:
        by_month[month] -= 1
    for _access, area in not_in_area:
        by_area[area] -= 1

    # The tallies count grants; the report counts people. For people holding more than
    # one grant, put their people in place of their grants.
    # Read first as a list: usually short (empty in the bench data), so the counts below
    # use the person index, or are skipped when nobody holds two grants.
    several = list(
        FacilityAccess.objects.values("person")
        .annotate(n=Count("*"))  # COUNT(*): the person index alone answers it
        .filter(n__gt=1)
        .values_list("person", flat=True)
    )
    theirs = serving.filter(person__in=several)
    people = _serving(theirs, "person")
    their_grants = _serving(theirs, "access")
    overall = sum(by_facility.values()) - their_grants[1] + people[1]
    _replace(by_facility, people[0], their_grants[0])
    _replace(by_month, people[2], their_grants[2])
    _replace(by_area, people[3], their_grants[3])
    return _with_people(figures, by_facility, overall, by_month, by_area)


def _replace(counts: dict[Any, int], people: dict[Any, int], grants: dict[Any, int]) -> None:
    """Counts of grants become counts of people for those holding several grants."""
    for key, n in grants.items():
        counts[key] = counts.get(key, 0) - n + people.get(key, 0)


def is_statewide(facilities: list[Facility]) -> bool:
    return len(facilities) == Facility.objects.count()
