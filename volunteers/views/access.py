"""A facility access grant: what is done and due, the activation gate, activation, the
contact upgrade, the approval letter and badge sheet."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from applications import age
from applications.actions import run_action
from applications.downloads import pdf_response
from audit.services import record
from facilities.access import Capability, facility_required, has_capability
from facilities.models import Facility
from volunteers import activation
from volunteers import forms as F
from volunteers.compliance import activation_problems, items_for
from volunteers.models import AccessStatus, FacilityAccess, TrainingSession, scans_given_at
from volunteers.views.lifecycle_context import lifecycle_context


def _grant(facility: Facility, grant_id: int) -> FacilityAccess:
    return get_object_or_404(
        FacilityAccess.objects.select_related("person", "facility", "application"),
        pk=grant_id,
        facility=facility,
    )


def _open_sessions(grant: FacilityAccess) -> Any:
    sessions = TrainingSession.objects.upcoming(timezone.now()).select_related("course")
    if grant.status == AccessStatus.PENDING_ACTIVATION:
        return sessions.filter(facility__in=[grant.facility]) | sessions.filter(
            facility__isnull=True
        )
    return sessions.filter(facility=grant.facility)


def _context(request: HttpRequest, grant: FacilityAccess, **bound: Any) -> dict[str, Any]:
    today = age.today()
    return {
        "grant": grant,
        "facility": grant.facility,
        "person": grant.person,
        "items": items_for(grant, today),
        "gate": activation_problems(grant, today)
        if grant.status == AccessStatus.PENDING_ACTIVATION
        else [],
        "events": grant.events.all(),
        # Only this facility's sessions and statewide ones: others are not this page's to show.
        "enrollments": grant.person.enrollments.select_related("session__course")
        .filter(session__starts_at__gte=timezone.now())
        .filter(Q(session__facility=grant.facility) | Q(session__facility__isnull=True)),
        "tb_tests": grant.person.tb_tests.all() if grant.facility.tb_test_required else [],
        "can_record": has_capability(request.user, Capability.RECORD, grant.facility),
        "can_decide": has_capability(request.user, Capability.DECIDE, grant.facility),
        "upgrade_due": grant.contact_eligible_on is not None and grant.contact_eligible_on <= today,
        "today": today,
        "completion_form": bound.get("completion") or F.CompletionForm(),
        "tb_form": bound.get("tb") or F.TBTestForm(),
        "enrol_form": bound.get("enrol") or F.SessionChoiceForm(sessions=_open_sessions(grant)),
        **lifecycle_context(grant, request.user, today, bound),
    }


@require_GET
@facility_required(Capability.VIEW)
def access_detail(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return render(request, "volunteers/access_detail.html", _context(request, grant))


def _act(
    request: HttpRequest,
    grant: FacilityAccess,
    name: str,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    **extra: Any,
) -> HttpResponse:
    return run_action(
        request,
        form,
        action,
        success=success,
        done=lambda: redirect("volunteers:access", grant.facility.code, grant.pk),
        again=lambda bound: render(
            request,
            "volunteers/access_detail.html",
            _context(request, grant, **{name: bound}, **extra),
        ),
    )


@require_POST
@facility_required(Capability.RECORD)
def record_completion(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "completion",
        F.CompletionForm(request.POST),
        lambda d: activation.record_completion(
            person=grant.person, by=request.user, facility=facility, **d
        ),
        _("Training recorded."),
    )


@require_POST
@facility_required(Capability.RECORD)
def record_tb_test(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "tb",
        F.TBTestForm(request.POST, request.FILES),
        lambda d: activation.record_tb_test(
            person=grant.person, by=request.user, facility=facility, **d
        ),
        _("TB test recorded."),
    )


@require_POST
@facility_required(Capability.RECORD)
def enrol(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    form = F.SessionChoiceForm(request.POST, sessions=_open_sessions(grant))
    return _act(
        request,
        grant,
        "enrol",
        form,
        lambda d: activation.enrol(session=d["session"], person=grant.person, by=request.user),
        _("Signed up for the session."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def activate(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "activate",
        forms.Form(request.POST),
        lambda d: activation.activate_access(grant=grant, by=request.user),
        _("Activated; the badge number is assigned."),
    )


@require_POST
@facility_required(Capability.DECIDE)
def upgrade(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _act(
        request,
        grant,
        "upgrade",
        forms.Form(request.POST),
        lambda d: activation.upgrade_to_contact(grant=grant, by=request.user),
        _("Upgraded to offender contact."),
    )


def _pdf(request: HttpRequest, grant: FacilityAccess, content: bytes, name: str) -> HttpResponse:
    record(
        by=request.user,
        action="screening.document_downloaded",
        target=grant,
        facility=grant.facility,
        details={"document": name},
    )
    return pdf_response(content, f"{name}-{grant.badge_number}.pdf")


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def approval_letter(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    from volunteers.pdf import approval_letter_pdf

    grant = _grant(facility, grant_id)
    if not grant.badge_number:
        raise Http404("No letter before activation.")
    return _pdf(request, grant, approval_letter_pdf(grant), "approval-letter")


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def badge_sheet(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    from volunteers.pdf import badge_sheet_pdf

    grant = _grant(facility, grant_id)
    if not grant.badge_number:
        raise Http404("No badge before activation.")
    return _pdf(request, grant, badge_sheet_pdf(grant), "badge")


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def tb_scan(request: HttpRequest, facility: Facility, grant_id: int, test_id: int) -> FileResponse:
    """The scan of a TB result, for the coordinators of the facility it was given for (another
    facility where the person holds access sees the result, not the scan: 404); audited."""
    grant = _grant(facility, grant_id)
    scans = grant.person.tb_tests.exclude(scan="").filter(scans_given_at(facility, request.user))
    test = get_object_or_404(scans, pk=test_id)
    record(by=request.user, action="screening.tb_scan_downloaded", target=test, facility=facility)
    return FileResponse(
        test.scan.open("rb"), as_attachment=True, filename=f"tb-test-{test.tested_on}"
    )
