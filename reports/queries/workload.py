"""Workload: per facility, open applications by age band (measured against the screening
target), the oldest waiting, overdue information requests, coordinators assigned."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.utils.translation import gettext as _

from applications import age
from applications.models import OPEN_STATUSES, InformationRequest, Status
from facilities.models import Membership, ProgramSettings
from reports.filters import Scope
from reports.queries.common import applications, facility_rows, grouped
from reports.tables import Column, Table


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=age.DEPARTMENT_TZ)


def bands(target: int) -> tuple[int, int]:
    """The upper ends of the first two bands: half the target, and the target."""
    return target // 2, target


def workload(scope: Scope) -> list[Table]:
    target = ProgramSettings.load().screening_target_days
    half, full = bands(target)
    # Days waiting are whole days in Missouri: submitted on or after this midnight means
    # at most `n` days.
    within_half = _midnight(scope.today - timedelta(days=half))
    within_full = _midnight(scope.today - timedelta(days=full))
    open_applications = grouped(
        applications(scope).filter(status__in=OPEN_STATUSES),
        "facility",
        open=Count("pk"),
        first=Count("pk", filter=Q(submitted_at__gte=within_half)),
        second=Count("pk", filter=Q(submitted_at__lt=within_half, submitted_at__gte=within_full)),
        over=Count("pk", filter=Q(submitted_at__lt=within_full)),
        oldest=Min("submitted_at"),
    )
    overdue = grouped(
        InformationRequest.objects.filter(
            application__in=applications(scope).filter(status=Status.INFO_REQUESTED),
            answered_at__isnull=True,
            due_on__lt=scope.today,
        ),
        "application__facility",
        overdue=Count("pk"),
    )
    coordinators = grouped(
        Membership.objects.filter(facility__in=scope.facility_ids(), user__is_active=True),
        "facility",
        coordinators=Count("pk"),
    )
    rows: list[list[Any]] = []
    for facility in facility_rows(scope):
        values = open_applications.get(facility.pk, {})
        oldest = values.get("oldest")
        oldest_days = (
            (scope.today - oldest.astimezone(age.DEPARTMENT_TZ).date()).days if oldest else None
        )
        rows.append(
            [
                facility.name,
                values.get("open", 0),
                values.get("first", 0),
                values.get("second", 0),
                values.get("over", 0),
                oldest_days,
                overdue.get(facility.pk, {}).get("overdue", 0),
                coordinators.get(facility.pk, {}).get("coordinators", 0),
            ]
        )
    table = Table(
        slug="workload",
        title=_("Open applications and coordinators, by facility"),
        columns=[
            Column("facility", _("Facility")),
            Column("open", _("Open applications"), "int"),
            Column("first", _("0–%(days)d days") % {"days": half}, "int"),  # noqa: RUF001
            Column("second", _("%(start)d–%(end)d days") % {"start": half + 1, "end": full}, "int"),  # noqa: RUF001
            Column("over", _("Over %(days)d days") % {"days": full}, "int"),
            Column("oldest", _("Oldest waiting (days)"), "int"),
            Column("overdue", _("Overdue information requests"), "int"),
            Column("coordinators", _("Coordinators assigned"), "int"),
        ],
        rows=rows,
        note=_(
            "Today's figures, against the %(days)d-day screening target; the period does not apply."
        )
        % {"days": target},
    )
    return [table]
