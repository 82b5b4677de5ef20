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

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

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


# One round trip for many small aggregates ---------------------------------------------------

# The columns every part of `_together` selects (a part leaves out what it does not group
# by or sum, and reads NULL there): facility, month, program area, a grant or person, hours
# and up to three integers.
_COLUMNS: dict[str, Field[Any, Any]] = {
    "c_facility": BigIntegerField(),
    "c_month": DateField(),
    "c_area": CharField(),
    "c_key": BigIntegerField(),
    "c_hours": DecimalField(max_digits=14, decimal_places=2),
    "c_n": BigIntegerField(),
    "c_m": BigIntegerField(),
    "c_k": BigIntegerField(),
}
Rows = dict[str, list[dict[str, Any]]]


def _together(parts: dict[str, QuerySet[Any]]) -> Rows:
    """Run aggregate querysets (each `values(c_...=...).annotate(c_...=...)`) as one
    UNION ALL: {part name: its rows}. Each part keeps its own plan (its index, its
    grouping); the page pays one round trip instead of one per part."""
    if not parts:
        return {}
    names = list(parts)
    shaped = []
    for tag, queryset in enumerate(parts.values()):
        present = set(queryset.query.values_select) | set(queryset.query.annotations)
        missing = {k: Cast(Value(None), f) for k, f in _COLUMNS.items() if k not in present}
        shaped.append(
            queryset.annotate(c_part=Value(tag), **missing).values("c_part", *_COLUMNS).order_by()
        )
    rows: Rows = {name: [] for name in names}
    for row in shaped[0].union(*shaped[1:], all=True):
        rows[names[row.pop("c_part")]].append(row)
    return rows


def _counts(rows: list[dict[str, Any]], key: str, name: str = "c_n") -> dict[Any, int]:
    return {row[key]: row[name] for row in rows}


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
    people = Count("person", distinct=True)
    rows = _together(
        {
            "by_year": entries.annotate(year=ExtractYear("worked_on"))
            .values(c_facility=F("facility"), c_n=F("year"))
            .annotate(c_hours=Sum("hours")),
            "by_facility": entries.values(c_facility=F("facility")).annotate(c_n=people),
            "all": entries.values(c_m=Value(0)).annotate(c_n=people),  # one row: no grouping
            # The month as numbers: one type in every database (a truncated date is not).
            "by_month": entries.annotate(
                year=ExtractYear("worked_on"), month=ExtractMonth("worked_on")
            )
            .values(c_k=F("year"), c_m=F("month"))
            .annotate(c_hours=Sum("hours"), c_n=people),
            "by_area": entries.values(c_area=F("program_area")).annotate(
                c_hours=Sum("hours"), c_n=people
            ),
        }
    )
    figures = HourFigures()
    for row in rows["by_year"]:
        figures.hours_by_facility_year[(row["c_facility"], row["c_n"])] = row["c_hours"]
    figures.people_by_facility = _counts(rows["by_facility"], "c_facility")
    figures.people = rows["all"][0]["c_n"] if rows["all"] else 0
    for row in rows["by_month"]:
        figures.by_month[date(row["c_k"], row["c_m"], 1)] = (row["c_hours"], row["c_n"])
    for row in rows["by_area"]:
        figures.by_area[row["c_area"]] = (row["c_hours"], row["c_n"])
    return figures


# Shared by the two roll-up ways ------------------------------------------------------------


def _window(scope: Scope) -> dict[str, date]:
    return {"month__gte": month_of(scope.date_from), "month__lte": month_of(scope.date_to)}


def _in_period(scope: Scope, prefix: str = "") -> Q:
    """Cells (of months M1..M2, M1 before M2) with at least one entry inside the period."""
    first, last = month_of(scope.date_from), month_of(scope.date_to)
    return (
        Q(**{f"{prefix}month__gt": first}) | Q(**{f"{prefix}last_day__gte": scope.date_from})
    ) & (Q(**{f"{prefix}month__lt": last}) | Q(**{f"{prefix}first_day__lte": scope.date_to}))


def _edges(scope: Scope) -> tuple[date, date, list[tuple[date, Q, int]]]:
    """How the sums treat the two end months (M1 before M2): each either stays in the
    months summed and has its days outside the period subtracted, or leaves them and has
    its days inside the period added, whichever reads fewer entries. Returns the months to
    sum and, for each end month that needs it, the days of entries to read and whether
    they add (1) or subtract (-1)."""
    first, last = month_of(scope.date_from), month_of(scope.date_to)
    start, end = first, last
    edges: list[tuple[date, Q, int]] = []
    before = (scope.date_from - first).days
    if before and before > (month_end(first) - scope.date_from).days + 1:
        start = month_end(first) + timedelta(days=1)
        edges.append((first, Q(worked_on__gte=scope.date_from, worked_on__lte=month_end(first)), 1))
    elif before:
        edges.append((first, Q(worked_on__gte=first, worked_on__lt=scope.date_from), -1))
    after = (month_end(last) - scope.date_to).days
    if after and after > scope.date_to.day:
        end = month_of(last - timedelta(days=1))
        edges.append((last, Q(worked_on__gte=last, worked_on__lte=scope.date_to), 1))
    elif after:
        edges.append((last, Q(worked_on__gt=scope.date_to, worked_on__lte=month_end(last)), -1))
    return start, end, edges


def _cells(scope: Scope) -> QuerySet[HourMonth]:
    found = HourMonth.objects.filter(facility__in=scope.facility_ids(), **_window(scope))
    if scope.kind:
        found = found.filter(access__kind=scope.kind)
    return found.filter(scope.level_q("access__"))


def _sum_parts(scope: Scope, rows: QuerySet[Any]) -> dict[str, QuerySet[Any]]:
    """The parts of _together behind the hours: cells or totals (`rows`, with `hours` and
    `entries`) of whole months by facility and month (a thousand rows at most: by year
    and by month come from them) and by area, and the entries of the end months' days
    that make the period exact (see _edges)."""
    start, end, edges = _edges(scope)
    rows = rows.filter(month__gte=start, month__lte=end)
    parts: dict[str, QuerySet[Any]] = {
        "sum_by_facility_month": rows.values(c_facility=F("facility"), c_month=F("month")).annotate(
            c_hours=Sum("hours"), c_n=Sum("entries")
        ),
        "sum_by_area": rows.values(c_area=F("program_area")).annotate(c_hours=Sum("hours")),
    }
    approved = HourEntry.objects.approved().filter(facility__in=scope.facility_ids())
    if scope.kind:
        approved = approved.filter(access__kind=scope.kind)
    approved = approved.filter(scope.level_q("access__"))
    for n, (_month, days, _sign) in enumerate(edges):
        parts[f"edge{n}"] = (
            approved.filter(days)
            .values(c_facility=F("facility"), c_area=F("program_area"))
            .annotate(c_hours=Sum("hours"), c_n=Count("pk"))
        )
    return parts


def _sums(scope: Scope, rows: Rows) -> HourFigures:
    """Hours by facility and year, by month and by area, from the rows of _sum_parts."""
    _start, _end, edges = _edges(scope)
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

    for row in rows["sum_by_facility_month"]:
        add(row["c_facility"], row["c_month"], None, row["c_hours"], row["c_n"])
    for row in rows["sum_by_area"]:
        area_hours[row["c_area"]] += row["c_hours"]
    for n, (month, _days, sign) in enumerate(edges):
        for row in rows[f"edge{n}"]:  # aggregated: a facility and area each
            add(row["c_facility"], month, row["c_area"], sign * row["c_hours"], sign * row["c_n"])
    figures.hours_by_facility_year = dict(by_year)
    # Months whose every entry fell outside the period are not listed.
    figures.by_month = {m: (month_hours[m], 0) for m, n in entries_by_month.items() if n > 0}
    figures.by_area = {area: (hours, 0) for area, hours in area_hours.items()}
    return figures


def _serving_parts(cells: QuerySet[HourMonth], what: str, name: str) -> dict[str, QuerySet[Any]]:
    """Distinct `what` (person or access) serving, from cells with an entry in the period:
    by facility, in all, by month and by area (parts of _together named after `name`)."""
    distinct = Count(what, distinct=True)
    return {
        f"{name}_by_facility": cells.values(c_facility=F("facility")).annotate(c_n=distinct),
        f"{name}_all": cells.values(c_m=Value(0)).annotate(c_n=distinct),
        f"{name}_by_month": cells.values(c_month=F("month")).annotate(c_n=distinct),
        f"{name}_by_area": cells.values(c_area=F("program_area")).annotate(c_n=distinct),
    }


def _serving(rows: Rows, name: str) -> tuple[dict[int, int], int, dict[date, int], dict[str, int]]:
    """The counts of _serving_parts(..., name)."""
    return (
        _counts(rows[f"{name}_by_facility"], "c_facility"),
        rows[f"{name}_all"][0]["c_n"] if rows[f"{name}_all"] else 0,
        _counts(rows[f"{name}_by_month"], "c_month"),
        _counts(rows[f"{name}_by_area"], "c_area"),
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
    rows = _together(
        _sum_parts(scope, cells) | _serving_parts(cells.filter(_in_period(scope)), "person", "p")
    )
    return _with_people(_sums(scope, rows), *_serving(rows, "p"))


# Statewide: the tallies --------------------------------------------------------------------


def _flag(cells: QuerySet[HourMonth]) -> Any:
    """1 when any of `cells` exists, else 0 (a number, for the UNION of _together)."""
    return Case(When(Exists(cells), then=Value(1)), default=Value(0), output_field=IntegerField())


def from_tallies(scope: Scope) -> HourFigures:
    first = month_of(scope.date_from)
    last = month_of(scope.date_to)
    totals = HourMonthTotal.objects.filter(**_window(scope))
    grants = GrantMonthTally.objects.filter(**_window(scope))
    areas = GrantAreaTally.objects.filter(**_window(scope))
    window = HourMonth.objects.filter(**_window(scope))
    if scope.kind:
        totals = totals.filter(kind=scope.kind)
        grants = grants.filter(kind=scope.kind)
        areas = areas.filter(kind=scope.kind)
        window = window.filter(access__kind=scope.kind)
    parts = _sum_parts(scope, totals)

    # Grants with hours in months M1..M2: by facility and area, those whose previous month
    # with hours came before M1; by month, all of them.
    parts["grants_by_facility"] = (
        grants.filter(since__lt=first).values(c_facility=F("facility")).annotate(c_n=Sum("grants"))
    )
    parts["grants_by_month"] = grants.values(c_month=F("month")).annotate(c_n=Sum("grants"))
    parts["grants_by_area"] = (
        areas.filter(since__lt=first).values(c_area=F("program_area")).annotate(c_n=Sum("grants"))
    )

    # Less the grants whose only hours in M1..M2 fall on the outside days: found from the
    # few cells of the end months lying wholly outside the period, asking by index whether
    # the grant served inside it at all and in that month (once per grant), and in the
    # cell's area (once per cell). The day bounds repeat the month's so the planner sees
    # how few cells that is (it has no statistics on days within a month).
    ends = [
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
    ]
    served = HourMonth.objects.filter(_in_period(scope), **_window(scope))
    for n, (month, outside_q, inside_q) in enumerate(ends):
        outside = window.filter(outside_q, month=month)
        parts[f"stale_grants{n}"] = (
            FacilityAccess.objects.filter(pk__in=outside.values("access"))
            .values(c_key=F("pk"), c_facility=F("facility"))
            .annotate(
                c_n=_flag(served.filter(access=OuterRef("pk"))),
                c_m=_flag(HourMonth.objects.filter(inside_q, access=OuterRef("pk"), month=month)),
            )
        )
        parts[f"stale_areas{n}"] = outside.values(
            c_key=F("access"), c_area=F("program_area")
        ).annotate(
            c_n=_flag(
                served.filter(access=OuterRef("access"), program_area=OuterRef("program_area"))
            )
        )

    # The tallies count grants; the report counts people. People holding more than one
    # grant (usually few: none in the bench data) are recounted below.
    parts["several"] = (
        FacilityAccess.objects.values(c_key=F("person"))
        .annotate(c_n=Count("*"))  # COUNT(*): the person index alone answers it
        .filter(c_n__gt=1)
    )
    rows = _together(parts)
    figures = _sums(scope, rows)
    by_facility = _counts(rows["grants_by_facility"], "c_facility")
    by_month = _counts(rows["grants_by_month"], "c_month")
    by_area = _counts(rows["grants_by_area"], "c_area")

    not_serving: set[tuple[int, int]] = set()
    not_in_month: set[tuple[int, date]] = set()
    not_in_area: set[tuple[int, str]] = set()
    for n, (month, _outside, _inside) in enumerate(ends):
        for row in rows[f"stale_grants{n}"]:
            if not row["c_n"]:
                not_serving.add((row["c_key"], row["c_facility"]))
            if not row["c_m"]:
                not_in_month.add((row["c_key"], month))
        for row in rows[f"stale_areas{n}"]:
            if not row["c_n"]:
                not_in_area.add((row["c_key"], row["c_area"]))
    for _access, facility in not_serving:
        by_facility[facility] -= 1
    for _access, month in not_in_month:
        by_month[month] -= 1
    for _access, area in not_in_area:
        by_area[area] -= 1

    # For people holding more than one grant, put their people in place of their grants
    # (a second query, only when there are such people).
    several = [row["c_key"] for row in rows["several"]]
    theirs = window.filter(_in_period(scope), person__in=several)
    their = _together(
        _serving_parts(theirs, "person", "p") | _serving_parts(theirs, "access", "g")
        if several
        else {}
    )
    people = _serving(their, "p") if several else ({}, 0, {}, {})
    their_grants = _serving(their, "g") if several else ({}, 0, {}, {})
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
