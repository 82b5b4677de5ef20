"""Pipeline: the funnel with conversion, days from submission to decision (median and 90th
percentile) by facility and by month, declines by reason, information requests."""

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications import age
from applications.models import (
    OPEN_STATUSES,
    Application,
    DeclineReason,
    InformationRequest,
    Status,
)
from reports import charts
from reports.filters import Scope
from reports.queries.common import applications, applications_q, facility_rows, share
from reports.stats import DaysBetween, summarize
from reports.tables import Column, Table

DECIDED = (Status.APPROVED, Status.DECLINED)


def funnel(scope: Scope) -> Table:
    # reviewed_at is set with the first move to in review (the event log has the same
    # fact): a count over the period's index entries instead of a probe per application.
    counts = (
        applications(scope)
        .filter(submitted_at__gte=scope.start, submitted_at__lt=scope.end)
        .aggregate(
            submitted=Count("pk"),
            reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        )
    )
    submitted = counts["submitted"]
    stages = [
        (_("Submitted"), submitted, None),
        (_("Reached review"), counts["reviewed"], share(counts["reviewed"], submitted)),
        (_("Approved"), counts["approved"], share(counts["approved"], counts["reviewed"])),
        (_("Declined"), counts["declined"], None),
        (_("Withdrawn"), counts["withdrawn"], None),
        (_("Still open"), counts["open"], None),
    ]
    rows: list[list[Any]] = [
        [label, count, share(count, submitted), conversion] for label, count, conversion in stages
    ]
    table = Table(
        slug="funnel",
        title=_("Funnel: applications submitted in the period"),
        columns=[
            Column("stage", _("Stage")),
            Column("count", _("Applications"), "int"),
            Column("of_submitted", _("Share of submitted"), "pct"),
            Column("conversion", _("Conversion from the stage before"), "pct"),
        ],
        rows=rows,
        note=_("Reached review, then approved: the conversion at each stage."),
    )
    table.chart = charts.bar_chart(
        title=_("Funnel"),
        labels=[row[0] for row in rows],
        values=[row[1] for row in rows],
        x_label=_("Applications"),
        y_label=_("Stage"),
    )
    return table


def _decided(scope: Scope) -> Any:
    return applications(scope).filter(
        status__in=DECIDED, decided_at__gte=scope.start, decided_at__lt=scope.end
    )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def decided_by_facility(scope: Scope) -> dict[Any, dict[str, Any]]:
    """The period's decisions per facility, read once: counts, declines by reason and the
    days to decision (the by-facility and the declines tables share them)."""
    reasons = {
        f"reason_{value}": Count("pk", filter=Q(status=Status.DECLINED, decline_reason=value))
        for value in DeclineReason.values
    }
    return summarize(
        _decided(scope),
        "facility",
        DaysBetween("decided_at", "submitted_at"),
        {
            "decisions": Count("pk"),
            "approved": Count("pk", filter=Q(status=Status.APPROVED)),
            "declined": Count("pk", filter=Q(status=Status.DECLINED)),
            **reasons,
        },
    )


def decision_days_by_facility(
    scope: Scope, decided: dict[Any, dict[str, Any]] | None = None
) -> Table:
    counts = decided_by_facility(scope) if decided is None else decided
    rows: list[list[Any]] = []
    for facility in facility_rows(scope):
        values = counts.get(facility.pk, {})
        median, p90 = values.get("percentiles", [None, None])
        rows.append(
            [
                facility.name,
                values.get("decisions", 0),
                values.get("approved", 0),
                values.get("declined", 0),
                _days(median),
                _days(p90),
            ]
        )
    return Table(
        slug="days-by-facility",
        title=_("Days from submission to decision, by facility"),
        columns=[
            Column("facility", _("Facility")),
            Column("decisions", _("Decisions"), "int"),
            Column("approved", _("Approved"), "int"),
            Column("declined", _("Declined"), "int"),
            Column("median", _("Median days"), "number"),
            Column("p90", _("90th percentile (days)"), "number"),
        ],
        rows=rows,
        note=_("Decisions made in the period."),
    )


def decision_days_by_month(scope: Scope) -> Table:
    month = TruncMonth("decided_at", tzinfo=age.DEPARTMENT_TZ)
    counts = summarize(
        _decided(scope),
        month,
        DaysBetween("decided_at", "submitted_at"),
        {"decisions": Count("pk")},
    )
    rows: list[list[Any]] = []
    for key in sorted(counts):
        median, p90 = counts[key]["percentiles"]
        rows.append([_month(key), counts[key]["decisions"], _days(median), _days(p90)])
    table = Table(
        slug="days-by-month",
        title=_("Days from submission to decision, by month of decision"),
        columns=[
            Column("month", _("Month")),
            Column("decisions", _("Decisions"), "int"),
            Column("median", _("Median days"), "number"),
            Column("p90", _("90th percentile (days)"), "number"),
        ],
        rows=rows,
    )
    table.chart = charts.line_chart(
        title=_("Days to decision by month"),
        labels=[row[0] for row in rows],
        series={
            _("Median"): [row[2] for row in rows],
            _("90th percentile"): [row[3] for row in rows],
        },
        x_label=_("Month of decision"),
        y_label=_("Days"),
    )
    return table


def _month(value: Any) -> str:
    """A month key from TruncMonth (a datetime, or a date on some backends) as "January 2026"."""
    return date_format(value, "F Y")


def declines_by_reason(scope: Scope, decided: dict[Any, dict[str, Any]] | None = None) -> Table:
    by_facility = (decided_by_facility(scope) if decided is None else decided).values()
    total = sum(row["declined"] for row in by_facility)
    counts = {
        value: sum(row[f"reason_{value}"] for row in by_facility) for value in DeclineReason.values
    }
    rows: list[list[Any]] = [
        [label, counts[value], share(counts[value], total)]
        for value, label in DeclineReason.choices
    ]
    rows.append([_("All declines"), total, share(total, total)])
    return Table(
        slug="declines",
        title=_("Declines by reason"),
        columns=[
            Column("reason", _("Reason")),
            Column("count", _("Declines"), "int"),
            Column("share", _("Share"), "pct"),
        ],
        rows=rows,
        has_total_row=True,
    )


def information_requests(scope: Scope) -> Table:
    # Each request's application looked up by its key (a few thousand index probes): as a
    # join, or an `application__in` semi-join, the planner hashed all 100,000 applications
    # instead. NULL when the application is outside the kind and level filters.
    facility_of = (
        Application.objects.filter(
            applications_q(scope, facility=False), pk=OuterRef("application_id")
        )
        .values("facility_id")
        .order_by()
    )
    requests = InformationRequest.objects.annotate(_facility=Subquery(facility_of)).filter(
        _facility__in=scope.facility_ids(),
        requested_at__gte=scope.start,
        requested_at__lt=scope.end,
    )
    # Days to answer are NULL while unanswered: the percentiles leave those out.
    counts = summarize(
        requests,
        "_facility",
        DaysBetween("answered_at", "requested_at"),
        {
            "requests": Count("pk"),
            "answered": Count("pk", filter=Q(answered_at__isnull=False)),
            "open": Count("pk", filter=Q(answered_at__isnull=True)),
            "overdue": Count("pk", filter=Q(answered_at__isnull=True, due_on__lt=scope.today)),
        },
    )
    rows: list[list[Any]] = []
    for facility in facility_rows(scope):
        values = counts.get(facility.pk, {})
        median, p90 = values.get("percentiles", [None, None])
        rows.append(
            [
                facility.name,
                values.get("requests", 0),
                values.get("answered", 0),
                values.get("open", 0),
                values.get("overdue", 0),
                _days(median),
                _days(p90),
            ]
        )
    return Table(
        slug="information-requests",
        title=_("Information requests and how long answers took"),
        columns=[
            Column("facility", _("Facility")),
            Column("requests", _("Requests"), "int"),
            Column("answered", _("Answered"), "int"),
            Column("open", _("Unanswered"), "int"),
            Column("overdue", _("Overdue"), "int"),
            Column("median", _("Median days to answer"), "number"),
            Column("p90", _("90th percentile (days)"), "number"),
        ],
        rows=rows,
        note=_("Requests made in the period."),
    )


def pipeline(scope: Scope) -> list[Table]:
    decided = decided_by_facility(scope)
    return [
        funnel(scope),
        decision_days_by_month(scope),
        decision_days_by_facility(scope, decided),
        declines_by_reason(scope, decided),
        information_requests(scope),
    ]
