"""A facility's roster: its volunteers' access, badges, expiry and training status; CSV."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications import age
from audit.services import record
from facilities import csvfiles
from facilities.access import Capability, facility_required
from facilities.models import Facility, ProgramSettings
from volunteers.agreements import unsigned_by_person
from volunteers.compliance import Item, items_for
from volunteers.models import AccessStatus, Course, FacilityAccess

ROSTER_STATUSES = (AccessStatus.ACTIVE, AccessStatus.SUSPENDED, AccessStatus.PENDING_ACTIVATION)


def roster_rows(facility: Facility, today: date) -> list[dict[str, Any]]:
    grants = list(
        FacilityAccess.objects.filter(facility=facility, status__in=ROSTER_STATUSES)
        .select_related("person", "facility")
        .prefetch_related("person__completions", "person__tb_tests")
        .order_by("status", "person__last_name", "person__first_name")
    )
    courses = list(Course.objects.filter(is_active=True))  # once, not per row
    window = ProgramSettings.load().reminder_window_days
    # Agreements past their signing deadline, for active grants (issue 9 §5).
    unsigned = unsigned_by_person(
        [g.person_id for g in grants if g.status == AccessStatus.ACTIVE], today
    )
    rows = []
    for grant in grants:
        items = items_for(grant, today, courses)
        rows.append(
            {
                "grant": grant,
                "items": items,
                "missing": [i.label for i in items if not i.is_current(today)],
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
    today = age.today()
    context = {
        "facility": facility,
        "rows": roster_rows(facility, today),
        "ready_for_contact": FacilityAccess.objects.ready_for_contact(today)
        .filter(facility=facility)
        .select_related("person"),
        "today": today,
    }
    return render(request, "volunteers/roster.html", context)


def _status(item: Item, today: date) -> str:
    if item.is_current(today):
        return f"current until {item.expires_on}" if item.expires_on else "done"
    return "expired" if item.done else "missing"


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def roster_csv(request: HttpRequest, facility: Facility) -> HttpResponse:
    today = age.today()
    rows = roster_rows(facility, today)
    record(
        by=request.user,
        action="screening.roster_exported",
        target=facility.code,
        facility=facility,
        details={"rows": len(rows)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{facility.code}-{today}.csv"'
    writer = csvfiles.writer(response)
    # Courses may apply to some kinds or levels only: one column per item of any row.
    item_labels: dict[str, str] = {}
    for row in rows:
        for item in row["items"]:
            item_labels.setdefault(item.key, str(item.label))
    writer.writerow(
        [
            "Name",
            "Status",
            "Kind",
            "Level approved",
            "Level effective",
            "Badge",
            "Starts",
            "Expires",
            "Contact eligible on",
            *item_labels.values(),
        ]
    )
    for row in rows:
        grant = row["grant"]
        items = {i.key: i for i in row["items"]}
        writer.writerow(
            [
                _safe(str(grant.person)),
                grant.get_status_display(),
                grant.get_kind_display(),
                grant.get_level_approved_display(),
                grant.get_level_effective_display(),
                grant.badge_number or "",
                grant.starts_on or "",
                grant.expires_on or "",
                grant.contact_eligible_on or "",
                *[_status(items[key], today) if key in items else "" for key in item_labels],
            ]
        )
    return response


def _safe(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
