"""Compliance: trainings, TB tests, agreements and access expiring within the reminder
window (60 days) and already lapsed, by facility; each active volunteer's in-service hours."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from facilities.models import ProgramSettings
from reports.filters import Scope
from reports.queries.common import facility_rows, grants, grouped
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


def _course_conditions(
    courses: list[Course], today: date, window_end: date
) -> tuple[dict[str, Any], Q, Q]:
    """Annotations (latest completion per tracked course) and the lapsed / expiring tests."""
    annotations: dict[str, Any] = {}
    lapsed, expiring = Q(), Q()
    any_lapsed, any_expiring = Q(pk__in=[]), Q(pk__in=[])
    for course in courses:
        name = f"done_{course.pk}"
        latest = TrainingCompletion.objects.filter(person=OuterRef("person"), course=course)
        if course.per_facility:
            latest = latest.filter(facility=OuterRef("facility"))
        annotations[name] = Subquery(latest.order_by("-completed_on").values("completed_on")[:1])
        assert course.validity_months is not None
        before = last_day_expiring_before(today, course.validity_months)
        by_end = last_day_expiring_by(window_end, course.validity_months)
        applies = Q()
        if course.kinds:
            applies &= Q(kind__in=course.kinds)
        if course.levels:
            applies &= Q(level_approved__in=course.levels)
        course_lapsed = applies & (Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": before}))
        course_expiring = applies & Q(**{f"{name}__gt": before, f"{name}__lte": by_end})
        any_lapsed |= course_lapsed
        any_expiring |= course_expiring
    lapsed, expiring = any_lapsed, any_expiring & ~any_lapsed
    return annotations, lapsed, expiring


def _agreement_conditions(
    today: date, window_end: date, signing_days: int
) -> tuple[dict[str, Any], Q, Q]:
    versions = list(AgreementVersion.objects.in_effect(today)) + list(
        AgreementVersion.objects.filter(effective_on__gt=today, effective_on__lte=window_end)
    )
    annotations: dict[str, Any] = {}
    overdue, due = Q(pk__in=[]), Q(pk__in=[])
    for version in versions:
        name = f"signed_{version.pk}"
        annotations[name] = Exists(
            AgreementSignature.objects.filter(person=OuterRef("person"), version=version)
        )
        deadline = version.effective_on + timedelta(days=signing_days)
        if deadline < today:
            overdue |= Q(**{name: False})
        elif deadline <= window_end:
            due |= Q(**{name: False})
    return annotations, overdue, due & ~overdue


def by_facility(scope: Scope) -> Table:
    settings = ProgramSettings.load()
    today = scope.today
    window_end = today + timedelta(days=settings.reminder_window_days)
    courses = list(
        Course.objects.filter(
            is_active=True, validity_months__isnull=False, annual_hours_required__isnull=True
        )
    )
    course_annotations, training_lapsed, training_expiring = _course_conditions(
        courses, today, window_end
    )
    agreement_annotations, agreement_overdue, agreement_due = _agreement_conditions(
        today, window_end, settings.agreement_signing_days
    )
    latest_tb = TBTest.objects.filter(person=OuterRef("person")).order_by("-tested_on", "-pk")
    active = (
        grants(scope)
        .filter(status=AccessStatus.ACTIVE)
        .annotate(
            tb_until=Subquery(latest_tb.values("valid_until")[:1]),
            tb_result=Subquery(latest_tb.values("result")[:1]),
            **course_annotations,
            **agreement_annotations,
        )
    )
    tb_lapsed = Q(facility__tb_test_required=True) & (
        Q(tb_until__isnull=True) | Q(tb_until__lt=today) | ~Q(tb_result__in=CLEAR)
    )
    tb_expiring = Q(
        facility__tb_test_required=True,
        tb_result__in=CLEAR,
        tb_until__gte=today,
        tb_until__lte=window_end,
    )
    figures = grouped(
        active,
        "facility",
        active=Count("pk"),
        access_expiring=Count("pk", filter=Q(expires_on__gte=today, expires_on__lte=window_end)),
        tb_expiring=Count("pk", filter=tb_expiring),
        tb_lapsed=Count("pk", filter=tb_lapsed),
        training_expiring=Count("pk", filter=training_expiring),
        training_lapsed=Count("pk", filter=training_lapsed),
        agreement_due=Count("pk", filter=agreement_due),
        agreement_overdue=Count("pk", filter=agreement_overdue),
    )
    expired = grouped(
        grants(scope).filter(status=AccessStatus.EXPIRED), "facility", expired=Count("pk")
    )
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
        values = {**figures.get(facility.pk, {}), **expired.get(facility.pk, {})}
        numbers = [int(values.get(key) or 0) for key in keys]
        for key, value in zip(keys, numbers, strict=True):
            totals[key] += value
        rows.append([facility.name, *numbers])
    rows.append([_("All facilities"), *totals.values()])
    window = settings.reminder_window_days
    return Table(
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


def in_service(scope: Scope) -> Table:
    courses = list(Course.objects.filter(is_active=True, annual_hours_required__isnull=False))
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
    active = (
        grants(scope)
        .filter(status=AccessStatus.ACTIVE)
        .annotate(in_service=Coalesce(Subquery(hours, output_field=DecimalField()), zero))
        .select_related("person", "facility")
        .order_by("in_service", "person__last_name", "person__first_name", "pk")
    )

    def rows(limit: int | None) -> list[list[Any]]:
        found = active[:limit] if limit else active
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

    total = active.count()
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
    return [by_facility(scope), in_service(scope)]
