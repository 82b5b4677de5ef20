"""A facility's roster: its volunteers' access, badges, expiry and training status; CSV."""

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.core.paginator import Paginator
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications import age
from audit.services import record
from facilities import csvfiles
from facilities.access import Capability, facility_required, has_capability
from facilities.models import Facility, ProgramSettings
from volunteers.agreements import unsigned_by_person
from volunteers.clearance import PERSON_DEFERRED
from volunteers.compliance import Item, items_for, records_of, tb_item
from volunteers.lifecycle_forms import BulkForm
from volunteers.models import AccessStatus, Course, FacilityAccess, HourEntry, InactivityFlag
from volunteers.services.hours import approved_in, rolling_since

# Expired access is listed too: it is renewed from the roster (one by one or in bulk).
ROSTER_STATUSES = (
    AccessStatus.ACTIVE,
    AccessStatus.SUSPENDED,
    AccessStatus.EXPIRED,
    AccessStatus.PENDING_ACTIVATION,
)


def _approved_hours(since: date, until: date) -> Coalesce:
    """A grant's approved hours between two days, as one subquery (no join per row)."""
    entries = (
        HourEntry.objects.filter(approved_in(since, until), access=OuterRef("pk"))
        .order_by()
        .values("access")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    field: DecimalField[Any, Any] = DecimalField(max_digits=8, decimal_places=2)
    return Coalesce(Subquery(entries, output_field=field), Value(0), output_field=field)


def with_hours(grants: QuerySet[FacilityAccess], today: date) -> QuerySet[FacilityAccess]:
    """Grants annotated with approved hours this year and in the rolling 12 months, and
    the day their open inactivity flag was raised (None: not flagged)."""
    flag = InactivityFlag.objects.filter(access=OuterRef("pk"), cleared_on__isnull=True)
    return grants.annotate(
        hours_this_year=_approved_hours(today.replace(month=1, day=1), today),
        hours_12_months=_approved_hours(rolling_since(today), today),
        inactive_since=Subquery(flag.values("flagged_on")[:1]),
    )


# A roster page: a large facility holds several hundred grants.
PAGE_SIZE = 50
# Volunteers named in the "ready for contact" notice; the roster lists them all.
READY_SHOWN = 20


def roster_grants(facility: Facility, today: date) -> QuerySet[FacilityAccess]:
    return (
        with_hours(
            FacilityAccess.objects.filter(facility=facility, status__in=ROSTER_STATUSES), today
        )
        .select_related("person")
        .defer(*PERSON_DEFERRED)
        .order_by("status", "person__last_name", "person__first_name", "pk")
    )


def roster_rows(
    facility: Facility,
    today: date,
    grants: list[FacilityAccess],
    courses: list[Course] | None = None,
    settings: ProgramSettings | None = None,
) -> list[dict[str, Any]]:
    """The rows of `grants`; a caller reading several batches passes `courses` and
    `settings` once."""
    for grant in grants:
        grant.facility = facility  # the same row for all: not one Facility loaded per grant
    if courses is None:
        courses = list(Course.objects.filter(is_active=True))  # once, not per row
    settings = settings or ProgramSettings.load()
    window = settings.reminder_window_days
    records = records_of(g.person_id for g in grants)
    # Agreements past their signing deadline, for active grants (issue 9 §5).
    unsigned = unsigned_by_person(
        [g.person_id for g in grants if g.status == AccessStatus.ACTIVE],
        today,
        days=settings.agreement_signing_days,
    )
    rows = []
    for grant in grants:
        items = items_for(grant, today, courses, records)
        rows.append(
            {
                "grant": grant,
                "items": items,
                "missing": [i.label for i in items if i.is_overdue(today)],
                "due_later": [i for i in items if i.is_due_later(today)],
                "due_soon": [i for i in items if i.is_due_soon(today, window)],
                "agreements_overdue": [
                    u.version for u in unsigned.get(grant.person_id, []) if u.is_overdue(today)
                ]
                if grant.status == AccessStatus.ACTIVE
                else [],
            }
        )
    return rows


@require_GET
@facility_required(Capability.VIEW)
def roster(request: HttpRequest, facility: Facility) -> HttpResponse:
    return roster_page(request, facility)


def roster_page(
    request: HttpRequest, facility: Facility, bulk_form: Any = None, status: int = 200
) -> HttpResponse:
    """The roster; the bulk form comes back bound (with its errors) after a bad post."""
    today = age.today()
    page = Paginator(roster_grants(facility, today), PAGE_SIZE).get_page(request.GET.get("page"))
    # A notice, not a list: the first few (one more read tells whether there are others).
    ready = list(
        FacilityAccess.objects.ready_for_contact(today)
        .filter(facility=facility)
        .select_related("person")
        .defer(*PERSON_DEFERRED)
        .order_by("contact_eligible_on", "pk")[: READY_SHOWN + 1]
    )
    context = {
        "facility": facility,
        "page": page,
        "rows": roster_rows(facility, today, list(page.object_list)),
        "ready_for_contact": ready[:READY_SHOWN],
        "more_ready": len(ready) > READY_SHOWN,
        "today": today,
        "can_decide": has_capability(request.user, Capability.DECIDE, facility),
        "bulk_form": bulk_form if bulk_form is not None else BulkForm(grants=[]),
        "selected": set(bulk_form.data.getlist("grants")) if bulk_form is not None else set(),
    }
    return render(request, "volunteers/roster.html", context, status=status)


def _status(item: Item, today: date) -> str:
    if item.is_current(today):
        return f"current until {item.expires_on}" if item.expires_on else "done"
    if item.due_after_activation:
        return "due 12 months after activation"
    if item.is_due_later(today):
        return f"due by {item.due_on}"
    return "expired" if item.done else "missing"


# Grants read and turned into CSV lines at a time: memory stays flat however long the roster.
CSV_BATCH = 500


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def roster_csv(request: HttpRequest, facility: Facility) -> StreamingHttpResponse:
    today = age.today()
    grants = roster_grants(facility, today)
    record(
        by=request.user,
        action="screening.roster_exported",
        target=facility.code,
        facility=facility,
        details={"rows": grants.count()},
    )
    response = StreamingHttpResponse(
        csvfiles.lines(_csv_rows(facility, today, grants)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{facility.code}-{today}.csv"'
    return response


def _item_labels(
    facility: Facility, grants: QuerySet[FacilityAccess], courses: list[Course]
) -> dict[str, str]:
    """One column per item of any row: the courses that apply to a kind and level on the
    roster (courses may apply to some only), then the TB test."""
    pairs = set(grants.order_by().values_list("kind", "level_approved").distinct())
    labels = {
        course.code: str(course)
        for course in courses
        if any(course.applies_to(kind, level) for kind, level in pairs)
    }
    if pairs and facility.tb_test_required:
        labels["tb"] = str(tb_item([]).label)
    return labels


def _csv_rows(
    facility: Facility, today: date, grants: QuerySet[FacilityAccess]
) -> Iterator[list[object]]:
    courses = list(Course.objects.filter(is_active=True))
    settings = ProgramSettings.load()
    item_labels = _item_labels(facility, grants, courses)
    yield [
        "Name",
        "Status",
        "Kind",
        "Level approved",
        "Level effective",
        "Badge",
        "Starts",
        "Expires",
        "Contact eligible on",
        "Hours this year",
        "Hours in 12 months",
        "Inactive since",
        *item_labels.values(),
    ]
    stream = grants.iterator(chunk_size=CSV_BATCH)
    while batch := list(islice(stream, CSV_BATCH)):
        for row in roster_rows(facility, today, batch, courses, settings):
            grant = row["grant"]
            items = {i.key: i for i in row["items"]}
            yield [
                str(grant.person),
                grant.get_status_display(),
                grant.get_kind_display(),
                grant.get_level_approved_display(),
                grant.get_level_effective_display(),
                grant.badge_number or "",
                grant.starts_on or "",
                grant.expires_on or "",
                grant.contact_eligible_on or "",
                grant.hours_this_year,
                grant.hours_12_months,
                grant.inactive_since or "",
                *[_status(items[key], today) if key in items else "" for key in item_labels],
            ]
