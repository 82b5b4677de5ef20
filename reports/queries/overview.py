"""Overview: active volunteers by facility and region, movements in the period,
applications by status, people under 19 waiting for contact eligibility."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Count, DateField, F, Q, Value
from django.utils.translation import gettext as _

from applications import age
from applications.models import AccessLevel, Person, Status
from reports import charts
from reports.filters import Scope
from reports.queries.common import (
    applications,
    facility_rows,
    grants,
    grants_q,
    grouped,
    region_name,
)
from reports.tables import Column, Table
from volunteers.models import AccessEvent, AccessEventKind, AccessStatus, InactivityFlag

LISTING_LIMIT = 200
# The columns the under-19 list shows (not the answers, identifiers and the rest), for
# grants and applications alike.
LISTED = {
    "_first": F("person__first_name"),
    "_middle": F("person__middle_name"),
    "_last": F("person__last_name"),
    "_suffix": F("person__suffix"),
    "_born": F("person__date_of_birth"),
    "_facility": F("facility__name"),
    "_created": F("created_at"),
}
MOVES = {
    "activated": AccessEventKind.ACTIVATED,
    "renewed": AccessEventKind.RENEWED,
    "ended": AccessEventKind.ENDED,
    "revoked": AccessEventKind.REVOKED,
}


def volunteers_by_facility(scope: Scope) -> tuple[Table, Table]:
    facilities = facility_rows(scope)
    active = grouped(
        grants(scope).filter(status=AccessStatus.ACTIVE),
        "facility",
        active=Count("pk"),
        contact=Count("pk", filter=Q(level_effective=AccessLevel.CONTACT)),
    )
    # The scope's filters on the one join to the grant (`access__in=grants(scope)` joined
    # the grants twice: a semi-join for the filter and a join for the facility).
    events = AccessEvent.objects.filter(
        grants_q(scope, "access__"),
        at__gte=scope.start,
        at__lt=scope.end,
        kind__in=MOVES.values(),
    )
    moves = grouped(
        events,
        "access__facility",
        **{name: Count("pk", filter=Q(kind=kind)) for name, kind in MOVES.items()},
    )
    flags = grouped(
        InactivityFlag.objects.filter(
            grants_q(scope, "access__"),
            flagged_on__gte=scope.date_from,
            flagged_on__lte=scope.date_to,
        ),
        "access__facility",
        inactive=Count("pk"),
    )
    keys = ["active", "contact", *MOVES, "inactive"]
    rows: list[list[Any]] = []
    totals = dict.fromkeys(keys, 0)
    regions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for facility in facilities:
        values = {**active.get(facility.pk, {}), **moves.get(facility.pk, {})}
        values.update(flags.get(facility.pk, {}))
        numbers = [int(values.get(key) or 0) for key in keys]
        rows.append([facility.name, region_name(facility), *numbers])
        for key, number in zip(keys, numbers, strict=True):
            totals[key] += number
        regions[region_name(facility)][0] += 1
        regions[region_name(facility)][1] += numbers[0]
    rows.append([_("All facilities"), "", *totals.values()])
    by_facility = Table(
        slug="volunteers",
        title=_("Volunteers by facility"),
        columns=[
            Column("facility", _("Facility")),
            Column("region", _("Region")),
            Column("active", _("Active now"), "int"),
            Column("contact", _("of them with offender contact"), "int"),
            Column("activated", _("New (activated in the period)"), "int"),
            Column("renewed", _("Renewed"), "int"),
            Column("ended", _("Ended"), "int"),
            Column("revoked", _("Revoked"), "int"),
            Column("inactive", _("Flagged inactive"), "int"),
        ],
        rows=rows,
        has_total_row=True,
        note=_("Active now counts today's grants; the other columns count the period."),
    )
    no_region = _("No region")
    ordered = sorted(regions.items(), key=lambda item: (item[0] == no_region, item[0]))
    region_rows: list[list[Any]] = [
        [name, count, active_count] for name, (count, active_count) in ordered
    ]
    by_region = Table(
        slug="regions",
        title=_("Active volunteers by region"),
        columns=[
            Column("region", _("Region")),
            Column("facilities", _("Facilities"), "int"),
            Column("active", _("Active volunteers"), "int"),
        ],
        rows=region_rows,
    )
    by_region.chart = charts.bar_chart(
        title=_("Active volunteers by region"),
        labels=[row[0] for row in region_rows],
        values=[row[2] for row in region_rows],
        x_label=_("Active volunteers"),
        y_label=_("Region"),
    )
    return by_facility, by_region


def applications_by_status(scope: Scope) -> Table:
    counts = grouped(
        applications(scope).filter(submitted_at__gte=scope.start, submitted_at__lt=scope.end),
        "status",
        count=Count("pk"),
    )
    rows: list[list[Any]] = [
        [label, int(counts.get(value, {}).get("count", 0))]
        for value, label in Status.choices
        if value != Status.DRAFT
    ]
    rows.append([_("All submitted"), sum(row[1] for row in rows)])
    return Table(
        slug="statuses",
        title=_("Applications submitted in the period, by status today"),
        columns=[Column("status", _("Status")), Column("count", _("Applications"), "int")],
        rows=rows,
        has_total_row=True,
    )


def waiting_for_contact(scope: Scope) -> Table:
    """Under 19 and asking for (or approved at) contact: the date each becomes eligible."""
    table = Table(
        slug="under19",
        title=_("People under 19 waiting for contact eligibility"),
        columns=[
            Column("name", _("Name")),
            Column("facility", _("Facility")),
            Column("where", _("Stage")),
            Column("born", _("Date of birth"), "date"),
            Column("eligible", _("Eligible for contact on"), "date"),
        ],
        note=_("Today's list; the period does not apply."),
    )
    if scope.level == AccessLevel.NO_CONTACT:
        return table
    # A loose bound in the database; the age module decides exactly (29 February).
    born_after = age.date_reaching(scope.today, -age.CONTACT_AGE) - timedelta(days=2)
    waiting_grants = (
        grants(scope)
        .filter(
            status__in=(
                AccessStatus.PENDING_ACTIVATION,
                AccessStatus.ACTIVE,
                AccessStatus.SUSPENDED,
            ),
            level_approved=AccessLevel.CONTACT,
        )
        .exclude(level_effective=AccessLevel.CONTACT)
        .filter(person__date_of_birth__gt=born_after)
        .annotate(_stage=Value(0), _eligible=F("contact_eligible_on"), **LISTED)
    )
    waiting_applications = (
        applications(scope)
        .filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED))
        .filter(access_level_requested=AccessLevel.CONTACT)
        .filter(person__date_of_birth__gt=born_after)
        .annotate(_stage=Value(1), _eligible=Value(None, output_field=DateField()), **LISTED)
    )
    # Both lists in one query: the grants first, each newest first (as they were listed).
    columns = ["_stage", "_eligible", *LISTED]
    both = (
        waiting_grants.values_list(*columns)
        .order_by()
        .union(waiting_applications.values_list(*columns).order_by(), all=True)
        .order_by("_stage", "-_created")
    )
    stages = [_("Access granted"), _("Application open")]
    rows: list[list[Any]] = []
    for stage, eligible, first, middle, last, suffix, born, facility, _created in both:
        if age.age_on(born, scope.today) >= age.CONTACT_AGE:
            continue
        name = Person(first_name=first, middle_name=middle, last_name=last, suffix=suffix)
        rows.append(
            [
                name.full_name,
                facility,
                stages[stage],
                born,
                eligible or age.date_reaching(born, age.CONTACT_AGE),
            ]
        )
    rows.sort(key=lambda row: (row[4], row[0]))
    table.total = len(rows)
    table.all_rows = rows
    table.rows = rows[:LISTING_LIMIT]
    return table


def overview(scope: Scope) -> list[Table]:
    by_facility, by_region = volunteers_by_facility(scope)
    return [by_facility, by_region, applications_by_status(scope), waiting_for_contact(scope)]
