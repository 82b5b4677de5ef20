"""Service hours pages: the volunteer's log under /account/hours/, and a facility's
pending-hours queue, staff entry, sign-in sheet import and totals under /staff/."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.access import applicant_required
from applications.actions import run_action
from facilities.access import Capability, facility_required, has_capability
from facilities.models import Facility
from volunteers import hours_forms as F
from volunteers import hours_import
from volunteers.errors import VolunteerError
from volunteers.models import AccessStatus, FacilityAccess, HourEntry, HourSource, HourStatus
from volunteers.services import hours as H
from volunteers.views.portal import _person

PAGE_SIZE = 25


# The volunteer's own hours ----------------------------------------------------------------


def _loggable(request: HttpRequest) -> Any:
    """Grants the volunteer may log hours against: any that was ever activated (the service
    checks the day itself)."""
    return FacilityAccess.objects.filter(
        person=_person(request), starts_on__isnull=False
    ).select_related("facility")


@applicant_required
@require_http_methods(["GET", "POST"])
def my_hours(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    form = F.LogHoursForm(request.POST or None, grants=_loggable(request))
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda d: H.create_hour_entry(source=HourSource.PORTAL, by=request.user, **d),
            success=_("Your hours were logged; the coordinator approves them."),
            done=lambda: redirect("volunteers_portal:hours"),
            again=lambda f: _my_hours_page(request, person, f),
        )
    return _my_hours_page(request, person, form)


def _my_hours_page(request: HttpRequest, person: Any, form: Any) -> HttpResponse:
    entries = person.hour_entries.select_related("facility")
    context = {
        "form": form,
        "entries": entries,
        "totals": H.totals(person.hour_entries.all()),
        "pending": entries.filter(status=HourStatus.PENDING).count(),
    }
    return render(request, "volunteers/hours_mine.html", context)


def _own_entry(request: HttpRequest, entry_id: int) -> HourEntry:
    return get_object_or_404(
        HourEntry.objects.select_related("facility", "access"),
        pk=entry_id,
        person=_person(request),
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def edit_my_hours(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    if entry.status == HourStatus.APPROVED:
        messages.error(request, _("Approved hours can no longer be changed."))
        return redirect("volunteers_portal:hours")
    form = F.EditHoursForm.for_entry(entry, request.POST or None)
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda d: H.update_hour_entry(entry=entry, by=request.user, **d),
            success=_("Your hours were changed."),
            done=lambda: redirect("volunteers_portal:hours"),
            again=lambda f: render(
                request, "volunteers/hours_edit.html", {"form": f, "entry": entry}
            ),
        )
    return render(request, "volunteers/hours_edit.html", {"form": form, "entry": entry})


@applicant_required
@require_POST
def delete_my_hours(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    try:
        H.delete_hour_entry(entry=entry, by=request.user)
    except VolunteerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The entry was removed."))
    return redirect("volunteers_portal:hours")


# A facility's hours -----------------------------------------------------------------------


def _queue_page(
    request: HttpRequest,
    facility: Facility,
    *,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    pending = (
        HourEntry.objects.visible_to(request.user, Capability.VIEW)
        .pending()
        .filter(facility=facility)
        .select_related("person", "access")
        .order_by("worked_on", "pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    typed = typed or {}
    for entry in page.object_list:
        entry.typed_reason = typed.get(f"reason-{entry.pk}", "")
        entry.is_selected = str(entry.pk) in typed.get("entries", [])
    context = {
        "facility": facility,
        "page": page,
        "reason": typed.get("reason", ""),
        "can_record": has_capability(request.user, Capability.RECORD, facility),
    }
    return render(request, "volunteers/hours_queue.html", context, status=status)


@require_GET
@facility_required(Capability.VIEW)
def hours_queue(request: HttpRequest, facility: Facility) -> HttpResponse:
    return _queue_page(request, facility)


@require_POST
@facility_required(Capability.RECORD)
def hours_decide(request: HttpRequest, facility: Facility) -> HttpResponse:
    approve = "approve" in request.POST
    choice = request.POST.get("approve") or request.POST.get("reject") or ""
    ids = request.POST.getlist("entries") if choice == "selected" else [choice]
    reason = request.POST.get("reason", "") if choice == "selected" else ""
    reason = reason or request.POST.get(f"reason-{choice}", "")
    entries = list(
        HourEntry.objects.visible_to(request.user, Capability.RECORD).filter(
            facility=facility, pk__in=[i for i in ids if i.isdigit()]
        )
    )
    if not entries or (not approve and not reason.strip()):
        messages.error(
            request,
            _("Select the hours first.") if not entries else _("Give a reason for rejecting."),
        )
        typed = {**request.POST.dict(), "entries": request.POST.getlist("entries")}
        return _queue_page(request, facility, typed=typed, status=400)
    outcomes = H.decide_hours(entries=entries, by=request.user, approve=approve, reason=reason)
    _report(request, outcomes, approve)
    return redirect(reverse("volunteers:hours_queue", args=[facility.code]))


def _report(request: HttpRequest, outcomes: list[H.Outcome], approve: bool) -> None:
    done = sum(1 for o in outcomes if o.done)
    if done:
        text = _("%(count)s entries approved.") if approve else _("%(count)s entries rejected.")
        messages.success(request, text % {"count": done})
    for outcome in outcomes:
        if not outcome.done:
            messages.error(
                request,
                _("%(name)s, %(date)s: %(message)s")
                % {
                    "name": outcome.entry.person,
                    "date": H._long(outcome.entry.worked_on),
                    "message": outcome.message,
                },
            )


def _facility_volunteers(facility: Facility) -> Any:
    return (
        FacilityAccess.objects.filter(facility=facility, starts_on__isnull=False)
        .exclude(status=AccessStatus.PENDING_ACTIVATION)
        .select_related("person", "facility")
        .order_by("person__last_name", "person__first_name")
    )


@require_http_methods(["GET", "POST"])
@facility_required(Capability.RECORD)
def hours_enter(request: HttpRequest, facility: Facility) -> HttpResponse:
    form = F.StaffHoursForm(request.POST or None, grants=_facility_volunteers(facility))
    page = lambda f: render(  # noqa: E731
        request, "volunteers/hours_enter.html", {"form": f, "facility": facility}
    )
    if request.method == "POST":
        return run_action(
            request,
            form,
            lambda d: H.create_hour_entry(
                source=HourSource.STAFF, by=request.user, approve=True, **d
            ),
            success=_("The hours were recorded and approved."),
            done=lambda: redirect("volunteers:hours_enter", facility.code),
            again=page,
        )
    return page(form)


@require_http_methods(["GET", "POST"])
@facility_required(Capability.RECORD)
def hours_import_sheet(request: HttpRequest, facility: Facility) -> HttpResponse:
    confirm = "text" in request.POST
    posted = request.method == "POST" and not confirm
    upload = F.SheetUploadForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict[str, Any] = {"facility": facility, "form": upload, "preview": None}
    text = request.POST.get("text", "")
    try:
        if confirm:
            result = hours_import.import_sheet(facility=facility, text=text, by=request.user)
            messages.success(request, _imported(result))
            return redirect("volunteers:hours_import", facility.code)
        if request.method == "POST" and upload.is_valid():
            text = hours_import.decode(upload.cleaned_data["sheet"])
            context.update(preview=hours_import.preview(facility, text), text=text)
    except VolunteerError as exc:
        messages.error(request, str(exc))
        if confirm and not isinstance(exc, hours_import.SheetRefused):
            context.update(preview=hours_import.preview(facility, text), text=text)
        return render(request, "volunteers/hours_import.html", context, status=400)
    return render(request, "volunteers/hours_import.html", context)


def _imported(result: hours_import.Preview) -> str:
    return _("%(count)s rows imported; %(duplicates)s duplicates skipped.") % {
        "count": len(result.new_rows),
        "duplicates": result.duplicates,
    }


@require_GET
@facility_required(Capability.RECORD)
@cache_control(private=True, no_store=True)
def hours_import_template(request: HttpRequest, facility: Facility) -> HttpResponse:
    response = HttpResponse(hours_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sign-in-sheet-{facility.code}.csv"'
    return response


@require_GET
@facility_required(Capability.VIEW)
def hours_totals(request: HttpRequest, facility: Facility) -> HttpResponse:
    entries = HourEntry.objects.visible_to(request.user, Capability.VIEW).filter(facility=facility)
    context = {"facility": facility, "totals": H.totals(entries)}
    return render(request, "volunteers/hours_totals.html", context)
