"""Compliance: trainings, TB tests, agreements and access expiring within the reminder
window (60 days) and already lapsed, by facility; each active volunteer's in-service hours."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.utils.translation import gettext as _

from facilities.models import ProgramSettings
from reports.filters import Scope
from reports.queries.common import facility_rows, grants
from reports.tables import Column, Table
from volunteers.compliance import add_months
from volunteers.models import (
    AccessStatus,
    AgreementSignature,
    AgreementVersion,
    Course,
    TBResult,
    TBTest,
    TrainingCompletion,
)

LISTING_LIMIT = 200
# The listing's columns: a person row is wide (identifiers, addresses), and building 200
# whole grants, people and facilities was a fifth of the page's time.
SHOWN = (
    "badge_number",
    "person__first_name",
    "person__middle_name",
    "person__last_name",
    "person__suffix",
    "facility__name",
)
CLEAR = (TBResult.NEGATIVE, TBResult.POSITIVE_CLEARED)


def last_day_expiring_before(today: date, months: int) -> date:
    """The latest completion date whose expiry (add_months) falls before `today`."""
    day = add_months(today, -months) + timedelta(days=3)
    while add_months(day, months) >= today:
        day -= timedelta(days=1)
    return day


def last_day_expiring_by(last: date, months: int) -> date:
    """The latest completion date whose expiry falls on or before `last`."""
    day = add_months(last, -months) + timedelta(days=3)
    while add_months(day, months) > last:
        day -= timedelta(days=1)
    return day


LAPSED, EXPIRING, CURRENT = 2, 1, 0


def _worst(states: list[Any]) -> Any:
    if not states:
        return Value(CURRENT)
    return states[0] if len(states) == 1 else Greatest(*states, output_field=IntegerField())


def _by_set(cases: list[tuple[Q, int]], default: int) -> Any:
    return Case(
        *(When(q, then=Value(state)) for q, state in cases),
        default=Value(default),
        output_field=IntegerField(),
    )


# The states below test each grant's person against sets of people ("people with a PREA
# completion after such a day"): uncorrelated subqueries, which the database reads once
# and hashes, instead of an index probe per grant and item (12,000 grants at bench scale).


def _training_state(courses: list[Course], today: date, window_end: date) -> Any:
    """Per grant, the worst state over the tracked courses that apply to it: lapsed when
    the latest completion expired (or there is none), expiring when it expires within the
    window."""
    states = []
    for course in courses:
        assert course.validity_months is not None
        before = last_day_expiring_before(today, course.validity_months)
        by_end = last_day_expiring_by(window_end, course.validity_months)
        if course.per_facility:
            # At the grant's own facility: a set of (person, facility) pairs, which the
            # ORM cannot test with IN; one probe per grant for these courses only.
            latest = TrainingCompletion.objects.filter(
                person=OuterRef("person"), course=course, facility=OuterRef("facility")
            )
            found = Case(
                When(Exists(latest.filter(completed_on__gt=by_end)), then=Value(CURRENT)),
                When(Exists(latest.filter(completed_on__gt=before)), then=Value(EXPIRING)),
                default=Value(LAPSED),
                output_field=IntegerField(),
            )
        else:
            done = TrainingCompletion.objects.filter(course=course)
            # Current: a completion expiring after the window; expiring: one still valid
            # today; else (none at all included) lapsed.
            found = _by_set(
                [
                    (Q(person__in=done.filter(completed_on__gt=by_end).values("person")), CURRENT),
                    (Q(person__in=done.filter(completed_on__gt=before).values("person")), EXPIRING),
                ],
                LAPSED,
            )
        applies = Q()
        if course.kinds:
            applies &= Q(kind__in=course.kinds)
        if course.levels:
            applies &= Q(level_approved__in=course.levels)
        states.append(
            Case(When(applies, then=found), default=Value(CURRENT), output_field=IntegerField())
            if applies
            else found
        )
    return _worst(states)


def _agreement_state(today: date, window_end: date, signing_days: int) -> Any:
    """Overdue when a version (in effect, or coming within the window) whose signing
    deadline has passed is unsigned; due when one whose deadline falls within the window
    is: the person is not among those who signed every version of the group. The groups
    are subqueries too (no query of their own): deadline = effective_on + signing days."""
    asked = AgreementVersion.objects.filter(
        Q(pk__in=AgreementVersion.objects.in_effect(today).values("pk"))
        | Q(effective_on__gt=today, effective_on__lte=window_end)
    )
    first_day = today - timedelta(days=signing_days)  # a deadline of today
    groups = {
        LAPSED: asked.filter(effective_on__lt=first_day),
        EXPIRING: asked.filter(
            effective_on__gte=first_day, effective_on__lte=window_end - timedelta(days=signing_days)
        ),
    }
    cases: list[tuple[Q, int]] = []
    for state, group in groups.items():
        # No GROUP BY (a constant key): one row, the number of versions in the group.
        size = group.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n")
        # A person signs a version once (signature_once): COUNT(*) counts versions.
        signed_all = (
            AgreementSignature.objects.filter(version__in=group.values("pk"))
            .values("person")
            .annotate(versions=Count("*"))
            .filter(versions=Subquery(size))
            .values("person")
        )
        cases.append((Q(Exists(group)) & ~Q(person__in=signed_all), state))
    return _by_set(cases, CURRENT)


def _tb_state(today: date, window_end: date) -> Any:
    """Lapsed: the latest test is not clear or no longer valid (or there is none);
    expiring: it stops being valid within the window. Only where the facility asks."""
    latest = (
        TBTest.objects.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("person")],
                order_by=[F("tested_on").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values("pk")
    )
    clear = TBTest.objects.filter(pk__in=latest, result__in=CLEAR)
    found = _by_set(
        [
            (Q(person__in=clear.filter(valid_until__gt=window_end).values("person")), CURRENT),
            (Q(person__in=clear.filter(valid_until__gte=today).values("person")), EXPIRING),
        ],
        LAPSED,
    )
    return Case(
        When(facility__tb_test_required=True, then=found),
        default=Value(CURRENT),
        output_field=IntegerField(),
    )


def by_facility(
    scope: Scope, settings: ProgramSettings, active_courses: list[Course]
) -> tuple[Table, int]:
    """The table, and how many active grants it counts (the in-service listing's total)."""
    today = scope.today
    window_end = today + timedelta(days=settings.reminder_window_days)
    courses = [
        c
        for c in active_courses
        if c.validity_months is not None and c.annual_hours_required is None
    ]
    active = Q(status=AccessStatus.ACTIVE)

    def if_active(state: Any) -> Any:
        # CASE evaluates lazily: an expired grant's row runs none of the subqueries.
        return Case(When(active, then=state), default=Value(CURRENT), output_field=IntegerField())

    # One row per facility, status and combination of states (a few hundred at most),
    # each state computed once per active grant: grouping by the states, not filtering on
    # them, keeps the per-person subqueries from being repeated in every count. Expired
    # grants ride along (status expired, every state current) for their own column.
    combinations = (
        grants(scope)
        .filter(status__in=[AccessStatus.ACTIVE, AccessStatus.EXPIRED])
        .annotate(
            access_state=Case(
                When(
                    active & Q(expires_on__gte=today, expires_on__lte=window_end),
                    then=Value(EXPIRING),
                ),
                default=Value(CURRENT),
                output_field=IntegerField(),
            ),
            tb_state=if_active(_tb_state(today, window_end)),
            training_state=if_active(_training_state(courses, today, window_end)),
            agreement_state=if_active(
                _agreement_state(today, window_end, settings.agreement_signing_days)
            ),
        )
        .values(
            "facility",
            "status",
            "access_state",
            "tb_state",
            "training_state",
            "agreement_state",
        )
        .annotate(count=Count("pk"))
        .order_by()
    )
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in combinations:  # aggregated rows, not grants
        values = figures[row["facility"]]
        count = row["count"]
        if row["status"] == AccessStatus.EXPIRED:
            values["expired"] += count
            continue
        values["active"] += count
        values["access_expiring"] += count * (row["access_state"] == EXPIRING)
        for name in ("tb", "training", "agreement"):
            values[f"{name}_lapsed"] += count * (row[f"{name}_state"] == LAPSED)
            values[f"{name}_expiring"] += count * (row[f"{name}_state"] == EXPIRING)
    for values in figures.values():
        values["agreement_overdue"] = values.pop("agreement_lapsed", 0)
        values["agreement_due"] = values.pop("agreement_expiring", 0)
    keys = [
        "active",
        "access_expiring",
        "expired",
        "training_expiring",
        "training_lapsed",
        "tb_expiring",
        "tb_lapsed",
        "agreement_due",
        "agreement_overdue",
    ]
    rows: list[list[Any]] = []
    totals = dict.fromkeys(keys, 0)
    for facility in facility_rows(scope):
        values = figures.get(facility.pk, {})
        numbers = [int(values.get(key) or 0) for key in keys]
        for key, value in zip(keys, numbers, strict=True):
            totals[key] += value
        rows.append([facility.name, *numbers])
    rows.append([_("All facilities"), *totals.values()])
    window = settings.reminder_window_days
    table = Table(
        slug="compliance",
        title=_("Expiring within %(days)d days and lapsed, by facility") % {"days": window},
        columns=[
            Column("facility", _("Facility")),
            Column("active", _("Active volunteers"), "int"),
            Column("access_expiring", _("Access expiring"), "int"),
            Column("expired", _("Access expired"), "int"),
            Column("training_expiring", _("Trainings expiring"), "int"),
            Column("training_lapsed", _("Trainings lapsed"), "int"),
            Column("tb_expiring", _("TB tests expiring"), "int"),
            Column("tb_lapsed", _("TB tests lapsed"), "int"),
            Column("agreement_due", _("Agreements to sign"), "int"),
            Column("agreement_overdue", _("Agreements overdue"), "int"),
        ],
        rows=rows,
        has_total_row=True,
        note=_(
            "Active volunteers with at least one item expiring or lapsed, as of today; "
            "the period does not apply."
        ),
    )
    return table, totals["active"]


def in_service(scope: Scope, active_courses: list[Course], total: int) -> Table:
    courses = [c for c in active_courses if c.annual_hours_required is not None]
    required = max((c.annual_hours_required or Decimal(0) for c in courses), default=Decimal(0))
    since = add_months(scope.today, -12)
    hours = (
        TrainingCompletion.objects.filter(
            person=OuterRef("person"),
            course__in=[c.pk for c in courses],
            completed_on__gt=since,
            completed_on__lte=scope.today,
        )
        .order_by()
        .values("person")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=7, decimal_places=2))
    order = ("in_service", "person__last_name", "person__first_name", "pk")
    active = grants(scope).filter(status=AccessStatus.ACTIVE)
    # Every active grant's sum is needed to sort by it: joined and summed (one hash join
    # over the year's in-service completions) over narrow rows, the ids only; then the
    # rows shown are read in full, each with its own sum (a correlated sum for 200 rows).
    done = FilteredRelation(
        "person__completions",
        condition=Q(
            person__completions__course__in=[c.pk for c in courses],
            person__completions__completed_on__gt=since,
            person__completions__completed_on__lte=scope.today,
        ),
    )
    summed = (
        active.annotate(done=done).annotate(in_service=Coalesce(Sum("done__hours"), zero))
        if courses
        else active.annotate(in_service=zero)  # no in-service course: nobody has hours
    )
    listed = (
        active.annotate(in_service=Coalesce(Subquery(hours, output_field=DecimalField()), zero))
        .select_related("person", "facility")
        .only(*SHOWN)
    )
    # The page's 200 fewest first: a completion's hours are positive (completion_has_hours),
    # so a sum of zero is no completion in the year at all. Those grants come first, by
    # name, and at any size most active volunteers are among them: read by an anti-join,
    # they fill the page without anyone's hours being summed (the sum over every active
    # grant was most of the page's database time). Only a short page sums the rest.
    window = TrainingCompletion.objects.filter(
        person=OuterRef("person"),
        course__in=[c.pk for c in courses],
        completed_on__gt=since,
        completed_on__lte=scope.today,
    )
    none_yet = (active.filter(~Exists(window)) if courses else active).annotate(in_service=zero)
    none_yet = none_yet.select_related("person", "facility").only(*SHOWN)
    with_hours = summed.filter(Exists(window)) if courses else summed.none()

    def rows(limit: int | None) -> list[list[Any]]:
        found: list[Any]  # grants annotated with in_service
        if limit:
            found = list(none_yet.order_by(*order)[:limit])
            if len(found) < limit:
                first = with_hours.order_by(*order).values("pk")[: limit - len(found)]
                found += listed.filter(pk__in=Subquery(first)).order_by(*order)
        else:  # the CSV: every row, one query
            found = list(summed.select_related("person", "facility").only(*SHOWN).order_by(*order))
        return [
            [
                g.person.full_name,
                g.facility.name,
                g.badge_number or "",
                g.in_service,
                required,
                g.in_service >= required,
            ]
            for g in found
        ]

    return Table(
        slug="in-service",
        title=_("In-service hours of each active volunteer (last 12 months)"),
        columns=[
            Column("name", _("Name")),
            Column("facility", _("Facility")),
            Column("badge", _("Badge")),
            Column("hours", _("In-service hours"), "number"),
            Column("required", _("Required"), "number"),
            Column("met", _("Met")),
        ],
        rows=rows(LISTING_LIMIT),
        total=total,
        all_rows=_Lazy(lambda: rows(None)),
        note=_("Fewest hours first."),
    )


class _Lazy:
    """Rows read only when the CSV is written (never for the page)."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def __iter__(self) -> Any:
        return iter(self.make())


def compliance(scope: Scope) -> list[Table]:
    settings = ProgramSettings.load()
    courses = list(Course.objects.filter(is_active=True).order_by("pk"))
    table, active = by_facility(scope, settings, courses)
    return [table, in_service(scope, courses, active)]
