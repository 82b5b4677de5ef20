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
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from facilities.models import ProgramSettings
from reports.filters import Scope
from reports.queries.common import facility_rows, grants
from reports.tables import Column, Table
from volunteers.compliance import add_months
from volunteers.models import (
    AccessStatus,
    AgreementVersion,
    Course,
    TrainingCompletion,
    UnsignedAgreement,
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


LAPSED, EXPIRING, CURRENT = 2, 1, 0


def _dated_state(until: str, lapsed: Q, today: date, window_end: date) -> Any:
    """Lapsed when `lapsed` holds or the grant's `until` date has passed; expiring when it
    falls within the window. The dates are kept on the grant by
    volunteers.compliance_dates: a comparison per grant, not a search of every
    person's completions and TB tests in each request."""
    return Case(
        When(lapsed | Q(**{f"{until}__lt": today}), then=Value(LAPSED)),
        When(Q(**{f"{until}__lte": window_end}), then=Value(EXPIRING)),
        default=Value(CURRENT),
        output_field=IntegerField(),
    )


def _training_state(today: date, window_end: date) -> Any:
    """The worst of the renewed trainings that apply to the grant: lapsed when one was never
    done or the first to expire has expired, expiring when it expires within the window;
    current when no such course applies (no date, nothing missing)."""
    return _dated_state("trainings_expire_on", Q(training_missing=True), today, window_end)


def _agreement_state(today: date, window_end: date, signing_days: int) -> Any:
    """Overdue when a version (in effect, or coming within the window) whose signing
    deadline has passed is unsigned; due when one whose deadline falls within the window
    is. The unsigned ones are kept as rows (volunteers.compliance_dates): the person is
    among those few, a set read once and hashed (not a probe per grant). The groups are
    subqueries too (no query of their own): deadline = effective_on + signing days."""
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
    return Case(
        *(
            When(
                person__in=UnsignedAgreement.objects.filter(version__in=group.values("pk")).values(
                    "person"
                ),
                then=Value(state),
            )
            for state, group in groups.items()
        ),
        default=Value(CURRENT),
        output_field=IntegerField(),
    )


def _tb_state(today: date, window_end: date) -> Any:
    """Lapsed: the latest test is not clear or no longer valid (or there is none);
    expiring: it stops being valid within the window. Only where the facility asks."""
    found = _dated_state("tb_clear_until", Q(tb_clear_until__isnull=True), today, window_end)
    return Case(
        When(facility__tb_test_required=True, then=found),
        default=Value(CURRENT),
        output_field=IntegerField(),
    )


def by_facility(scope: Scope, settings: ProgramSettings) -> tuple[Table, int]:
    """The table, and how many active grants it counts (the in-service listing's total)."""
    today = scope.today
    window_end = today + timedelta(days=settings.reminder_window_days)
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
            training_state=if_active(_training_state(today, window_end)),
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
    table, active = by_facility(scope, settings)
    return [table, in_service(scope, courses, active)]
