"""Training sessions: a facility's (its coordinators) and statewide ones (PIC Coordinator)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Person
from applications.services import ApplicationError
from facilities.access import Capability, facility_required, has_capability, staff_required
from facilities.models import Facility
from volunteers import activation
from volunteers import forms as F
from volunteers.models import AccessStatus, FacilityAccess, TrainingSession


def _eligible_people(session: TrainingSession) -> Any:
    grants = FacilityAccess.objects.all()
    if session.facility_id is None:
        grants = grants.filter(status=AccessStatus.PENDING_ACTIVATION)
    else:
        grants = grants.live().filter(facility_id=session.facility_id)
    return (
        Person.objects.filter(pk__in=grants.values("person"))
        .exclude(pk__in=session.enrollments.values("person"))
        .order_by("last_name", "first_name")
    )


def _list(request: HttpRequest, facility: Facility | None, can_schedule: bool) -> HttpResponse:
    form = F.SessionForm(request.POST or None)
    if request.method == "POST":
        if not can_schedule:
            raise PermissionDenied("Your role does not allow this here.")
        if form.is_valid():
            try:
                session = activation.schedule_session(
                    by=request.user, facility=facility, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Session scheduled."))
                return _redirect(session)
    sessions = TrainingSession.objects.filter(facility=facility).select_related("course")
    context = {
        "facility": facility,
        "upcoming": sessions.filter(starts_at__gte=timezone.now()),
        "past": sessions.filter(starts_at__lt=timezone.now()).order_by("-starts_at")[:20],
        "form": form,
        "can_schedule": can_schedule,
    }
    return render(request, "volunteers/sessions.html", context)


def _redirect(session: TrainingSession) -> HttpResponse:
    if session.facility is None:
        return redirect("volunteers:statewide_session", session.pk)
    return redirect("volunteers:session", session.facility.code, session.pk)


@require_http_methods(["GET", "POST"])
@facility_required(Capability.VIEW)
def facility_sessions(request: HttpRequest, facility: Facility) -> HttpResponse:
    return _list(request, facility, has_capability(request.user, Capability.RECORD, facility))


@require_http_methods(["GET", "POST"])
@staff_required(Capability.PROGRAM)
def statewide_sessions(request: HttpRequest) -> HttpResponse:
    return _list(request, None, True)


def _detail(
    request: HttpRequest, session: TrainingSession, can_record: bool, **bound: Any
) -> HttpResponse:
    enrollments = list(session.enrollments.select_related("person"))
    context = {
        "session": session,
        "facility": session.facility,
        "enrollments": enrollments,
        "places_left": session.capacity - len(enrollments),
        "can_record": can_record,
        "started": session.starts_at <= timezone.now(),
        "enrol_form": bound.get("enrol") or F.EnrolForm(people=_eligible_people(session)),
        "attendance_form": bound.get("attendance")
        or F.AttendanceForm(
            enrollments=enrollments, initial={"attended": [str(e.pk) for e in enrollments]}
        ),
    }
    return render(request, "volunteers/session_detail.html", context)


def _session_action(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    """POST: enrol someone, or record attendance for the whole session."""
    enrollments = list(session.enrollments.select_related("person"))
    form: forms.Form
    if request.POST.get("action") == "attendance":
        form = F.AttendanceForm(request.POST, enrollments=enrollments)
        name = "attendance"
    else:
        form = F.EnrolForm(request.POST, people=_eligible_people(session))
        name = "enrol"
    if form.is_valid():
        try:
            if name == "attendance":
                done = activation.record_attendance(
                    session=session,
                    by=request.user,
                    attended=[int(pk) for pk in form.cleaned_data["attended"]],
                )
                messages.success(
                    request, _("Attendance recorded: %(count)s completions.") % {"count": len(done)}
                )
            else:
                activation.enrol(
                    session=session, person=form.cleaned_data["person"], by=request.user
                )
                messages.success(request, _("Signed up."))
        except ApplicationError as exc:
            # The page may not show this form again (a full or started session), so the
            # reason goes where it is always seen.
            messages.error(request, str(exc))
        else:
            return _redirect(session)
    return _detail(request, session, True, **{name: form})


@require_http_methods(["GET", "POST"])
@facility_required(Capability.VIEW)
def facility_session(request: HttpRequest, facility: Facility, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        TrainingSession.objects.select_related("course", "facility"),
        pk=session_id,
        facility=facility,
    )
    can_record = has_capability(request.user, Capability.RECORD, facility)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("Your role does not allow this here.")
        return _session_action(request, session)
    return _detail(request, session, can_record)


@require_http_methods(["GET", "POST"])
@staff_required(Capability.PROGRAM)
def statewide_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        TrainingSession.objects.select_related("course"), pk=session_id, facility__isnull=True
    )
    if request.method == "POST":
        return _session_action(request, session)
    return _detail(request, session, True)


@require_POST
@facility_required(Capability.RECORD)
def cancel_enrolment(
    request: HttpRequest, facility: Facility, session_id: int, enrollment_id: int
) -> HttpResponse:
    session = get_object_or_404(TrainingSession, pk=session_id, facility=facility)
    enrollment = get_object_or_404(session.enrollments, pk=enrollment_id)
    try:
        activation.cancel_enrolment(enrollment=enrollment, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed from the session."))
    return _redirect(session)
